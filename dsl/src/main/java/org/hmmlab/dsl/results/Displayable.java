package org.hmmlab.dsl.results;

import java.util.Map;

/**
 * A result that knows how to show itself in a notebook or a terminal.
 *
 * <p>The notebook kernel renders any {@code Displayable} by sending its {@link #mimeBundle()} as a Jupyter
 * display-data message, so the DSL decides what a table or a chart looks like and the kernel stays generic.
 */
public interface Displayable {

    /**
     * The representations of this value by MIME type: {@code text/plain} always; {@code text/html} for
     * tables; {@code image/png} (base64 text) and optionally {@code image/svg+xml} for charts.
     */
    Map<String, String> mimeBundle();

    /**
     * Display metadata by MIME type, for example {@code image/png -> {width: 640, height: 400}} so an image
     * drawn at 2x shows at its natural size. Empty by default.
     */
    default Map<String, Map<String, Object>> mimeMetadata() {
        return Map.of();
    }

    /** {@code text} as HTML element content: {@code &}, {@code <} and {@code >} escaped. */
    static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The plain-text form, as printed on a terminal. */
    default String toPlainText() {
        String text = mimeBundle().get("text/plain");
        return text != null ? text : toString(); // not getOrDefault: toString() may itself call toPlainText()
    }
}
