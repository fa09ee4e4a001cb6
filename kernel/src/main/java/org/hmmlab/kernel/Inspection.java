package org.hmmlab.kernel;

import java.util.List;

import org.hmmlab.dsl.results.Displayable;

/** What Shift-Tab shows: one entry per overload, a signature and its Javadoc (possibly empty). */
record Inspection(List<Entry> entries) {

    record Entry(String signature, String javadoc) {
    }

    /** Plain text: each signature, then its Javadoc with the HTML tags taken out. */
    String plainText() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (!sb.isEmpty()) {
                sb.append("\n\n");
            }
            sb.append(e.signature());
            if (e.javadoc() != null && !e.javadoc().isBlank()) {
                sb.append("\n\n").append(SourceDocs.toPlainText(e.javadoc()));
            }
        }
        return sb.toString();
    }

    /** HTML: signatures in code, Javadoc as written (it is HTML already). */
    String html() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append("<div><code>").append(Displayable.escapeHtml(e.signature())).append("</code>");
            if (e.javadoc() != null && !e.javadoc().isBlank()) {
                sb.append("<div>").append(e.javadoc()).append("</div>");
            }
            sb.append("</div>");
        }
        return sb.toString();
    }
}
