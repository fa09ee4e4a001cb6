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
 * What one migration did: the ioctl's return code, how many pages migrate_vma_setup() collected ({@code cpages}),
 * page by page the frame each moved page left and the frame it now lives in, and for each page that stayed, why.
 *
 * <p>Mirrors struct migrate_vma's outputs (cpages, src[] and dst[] after migrate_vma_finalize()), gathered from
 * the address space's migration events, and the return value of dmirror's migrate ioctls (lib/test_hmm.c). The
 * return value is the kernel's: dmirror_migrate_to_device() reads the whole range back through its device page
 * table after migrating and fails with {@code -ENOENT} at the first page without a device entry, so a pinned page
 * makes the call "fail" although every other page moved. The display says so, because a bare {@code -ENOENT,
 * 0 collected} reads as if nothing had happened.
 */
public final class Migration implements Displayable {

    private final String title;
    private final int rc;
    private final long cpages;
    private final int npages;
    private final long missingDeviceEntries;
    private final Table pages;
    private final Table stayed;

    /** One page that did not move: its address, the frame it is in, that frame's memory and the reason. */
    record Stayed(long address, long pfn, String memory, String reason) {
    }

    Migration(String title, Frames frames, int rc, long cpages, int npages, List<long[]> moved,
            List<Stayed> stayedPages, long missingDeviceEntries) {
        this.title = title;
        this.rc = rc;
        this.cpages = cpages;
        this.npages = npages;
        this.missingDeviceEntries = missingDeviceEntries;
        List<long[]> byAddress = new java.util.ArrayList<>(moved);
        byAddress.sort(java.util.Comparator.comparingLong((long[] m) -> m[0])); // the driver's order is per window
        int n = byAddress.size();
        String[] addr = new String[n];
        long[] from = new long[n];
        String[] fromMem = new String[n];
        long[] to = new long[n];
        String[] toMem = new String[n];
        for (int i = 0; i < n; i++) {
            long[] m = byAddress.get(i);
            addr[i] = Task.hex(m[0]);
            from[i] = m[1];
            fromMem[i] = m[1] < 0 ? "hole" : Task.memoryOf(frames, m[1]);
            to[i] = m[2];
            toMem[i] = Task.memoryOf(frames, m[2]);
        }
        this.pages = Table.of(title + ": pages moved", Column.strings("address", addr), Column.longs("from_pfn", from),
                Column.strings("from", fromMem), Column.longs("to_pfn", to), Column.strings("to", toMem));
        int s = stayedPages.size();
        String[] sAddr = new String[s];
        long[] sPfn = new long[s];
        String[] sMem = new String[s];
        String[] sWhy = new String[s];
        for (int i = 0; i < s; i++) {
            Stayed st = stayedPages.get(i);
            sAddr[i] = Task.hex(st.address());
            sPfn[i] = st.pfn();
            sMem[i] = st.memory();
            sWhy[i] = st.reason();
        }
        this.stayed = Table.of(title + ": pages that stayed", Column.strings("address", sAddr),
                Column.longs("pfn", sPfn), Column.strings("memory", sMem), Column.strings("reason", sWhy));
    }

    /** 0 or {@code -errno}, as the driver's ioctl returned it (pages may have moved even when it is negative). */
    public int status() {
        return rc;
    }

    /** Whether the ioctl returned 0 (see {@link #moved()} for what moved either way). */
    public boolean ok() {
        return rc == 0;
    }

    /**
     * Pages the ioctl reported ({@code cmd.cpages}); 0 when it failed, because dmirror copies its results back to
     * user space only on success. {@link #moved()} counts the pages that moved regardless.
     */
    public long collected() {
        return cpages;
    }

    /** Pages that moved, by address: {@code address}, {@code from_pfn}, {@code from}, {@code to_pfn}, {@code to}. */
    public Table pages() {
        return pages;
    }

    /** How many pages moved. */
    public int moved() {
        return pages.rowCount();
    }

    /**
     * Pages of the range that did not move, one row each: {@code address}, {@code pfn} (-1 for a hole),
     * {@code memory} and {@code reason} (pinned, already there, another device's, not private anonymous...).
     */
    public Table stayed() {
        return stayed;
    }

    /**
     * Pages of the range without an entry in the device's page table after a migration to the device: what makes
     * dmirror's read-back, and so the ioctl, return {@code -ENOENT}. 0 for a migration to system memory.
     */
    public long missingDeviceEntries() {
        return missingDeviceEntries;
    }

    /** One line: the return value, then what moved and what stayed, by reason. */
    public String headline() {
        StringBuilder sb = new StringBuilder(title).append(" = ").append(Errno.name(rc)).append(": ")
                .append(moved()).append(" of ").append(npages).append(npages == 1 ? " page" : " pages")
                .append(" moved");
        if (rc == 0) {
            sb.append(", ").append(cpages).append(" reported (cpages)");
        }
        if (stayed.rowCount() > 0) {
            sb.append("; ").append(stayed.rowCount()).append(" stayed (");
            Map<String, Integer> byReason = new LinkedHashMap<>();
            for (String why : stayed.strings("reason")) {
                byReason.merge(why, 1, Integer::sum);
            }
            String sep = "";
            for (Map.Entry<String, Integer> e : byReason.entrySet()) {
                sb.append(sep).append(e.getValue()).append(' ').append(e.getKey());
                sep = ", ";
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** Why the ioctl returned what it did, when that is not plain success; empty otherwise. */
    public String explanation() {
        if (rc == -Errno.ENOENT && missingDeviceEntries > 0) {
            return "-ENOENT does not mean that nothing moved: after migrating, dmirror reads the whole range back "
                    + "through its device page table (dmirror_migrate_to_device() -> dmirror_do_read()) and stops at "
                    + "the first page without a device entry; " + missingDeviceEntries
                    + (missingDeviceEntries == 1 ? " page has" : " pages have") + " none. The " + moved()
                    + (moved() == 1 ? " page" : " pages") + " that moved stay in device memory; cpages is copied back"
                    + " only on success, hence 0.";
        }
        if (rc != 0) {
            return Errno.name(rc) + " from the driver; " + moved() + (moved() == 1 ? " page" : " pages")
                    + " moved before it stopped and stay where they went.";
        }
        return "";
    }

    @Override
    public Map<String, String> mimeBundle() {
        String head = headline();
        String why = explanation();
        StringBuilder text = new StringBuilder(head).append('\n');
        StringBuilder html = new StringBuilder("<p>").append(Displayable.escapeHtml(head)).append("</p>\n");
        if (!why.isEmpty()) {
            text.append(why).append('\n');
            html.append("<p><i>").append(Displayable.escapeHtml(why)).append("</i></p>\n");
        }
        if (moved() > 0) {
            text.append(pages.toText());
            html.append(pages.toHtml());
        }
        if (stayed.rowCount() > 0) {
            text.append(stayed.toText());
            html.append(stayed.toHtml());
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", text.toString());
        m.put("text/html", html.toString());
        return m;
    }

    @Override
    public String toString() {
        return mimeBundle().get("text/plain");
    }
}
