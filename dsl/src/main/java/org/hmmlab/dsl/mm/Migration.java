package org.hmmlab.dsl.mm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.Frames;

/**
 * What one migration did: the return code, how many pages migrate_vma_setup() collected ({@code cpages}) and,
 * page by page, the frame each page left and the frame it now lives in.
 *
 * <p>Mirrors struct migrate_vma's outputs (cpages, src[] and dst[] after migrate_vma_finalize()), gathered from
 * the address space's migration events.
 */
public final class Migration implements Displayable {

    private final String title;
    private final int rc;
    private final long cpages;
    private final Table pages;

    Migration(String title, Frames frames, int rc, long cpages, List<long[]> moved) {
        this.title = title;
        this.rc = rc;
        this.cpages = cpages;
        int n = moved.size();
        String[] addr = new String[n];
        long[] from = new long[n];
        String[] fromMem = new String[n];
        long[] to = new long[n];
        String[] toMem = new String[n];
        for (int i = 0; i < n; i++) {
            long[] m = moved.get(i);
            addr[i] = Task.hex(m[0]);
            from[i] = m[1];
            fromMem[i] = m[1] < 0 ? "hole" : Task.memoryOf(frames, m[1]);
            to[i] = m[2];
            toMem[i] = Task.memoryOf(frames, m[2]);
        }
        this.pages = Table.of(title, Column.strings("address", addr), Column.longs("from_pfn", from),
                Column.strings("from", fromMem), Column.longs("to_pfn", to), Column.strings("to", toMem));
    }

    /** 0 or {@code -errno}. */
    public int status() {
        return rc;
    }

    /** Whether the migration ran (pages that could not move are simply not in {@link #pages()}). */
    public boolean ok() {
        return rc == 0;
    }

    /** Pages migrate_vma_setup() collected. */
    public long collected() {
        return cpages;
    }

    /** Pages that moved: {@code address}, {@code from_pfn}, {@code from}, {@code to_pfn}, {@code to}. */
    public Table pages() {
        return pages;
    }

    /** How many pages moved. */
    public int moved() {
        return pages.rowCount();
    }

    @Override
    public Map<String, String> mimeBundle() {
        String head = title + " = " + Errno.name(rc) + ", " + cpages + " collected, " + moved() + " moved";
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", head + "\n" + pages.toText());
        m.put("text/html", "<p>" + head + "</p>\n" + pages.toHtml());
        return m;
    }

    @Override
    public String toString() {
        return mimeBundle().get("text/plain");
    }
}
