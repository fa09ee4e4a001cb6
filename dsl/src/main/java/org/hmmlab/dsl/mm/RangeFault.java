package org.hmmlab.dsl.mm;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hmmlab.dsl.results.Column;
import org.hmmlab.dsl.results.Displayable;
import org.hmmlab.dsl.results.Table;
import org.hmmlab.mm.Errno;
import org.hmmlab.mm.hmm.HmmPfn;

/**
 * What one driver fault over a range produced: each attempt of the retry loop (its notifier sequence, what
 * hmm_range_fault() returned, and what the driver did next) and the hmm_pfn entries of the last attempt.
 *
 * <p>Mirrors the output array of hmm_range_fault() (range->hmm_pfns) with HMM_PFN_VALID, HMM_PFN_WRITE,
 * HMM_PFN_ERROR and the map order decoded.
 */
public final class RangeFault implements Displayable {

    /** One turn of the driver loop. */
    public record Attempt(int attempt, long notifierSeq, int rc, String outcome) {
    }

    private final String device;
    private final Mapping range;
    private final String requests;
    private final List<Attempt> attempts;
    private final long[] pfns;
    private final int status;

    RangeFault(String device, Mapping range, HmmRequest[] requests, List<Attempt> attempts, long[] pfns, int status) {
        this.device = device;
        this.range = range;
        EnumSet<HmmRequest> set = EnumSet.noneOf(HmmRequest.class);
        set.addAll(List.of(requests));
        this.requests = set.isEmpty() ? "snapshot" : set.stream().map(Enum::name).collect(Collectors.joining("|"));
        this.attempts = List.copyOf(attempts);
        this.pfns = pfns.clone();
        this.status = status;
    }

    /** 0, or the -errno of the last attempt ({@code -EFAULT}, {@code -EPERM}, {@code -EBUSY} after the retry limit). */
    public int status() {
        return status;
    }

    /** Whether the device page table was programmed. */
    public boolean ok() {
        return status == 0;
    }

    /** How many attempts were retried (-EBUSY or a failed read_retry). */
    public int retries() {
        return (int) attempts.stream().filter(a -> a.outcome().contains("retry")).count();
    }

    /** The attempts as records. */
    public List<Attempt> attemptList() {
        return attempts;
    }

    /** The raw hmm_pfn word of page {@code index} of the range. */
    public long entry(int index) {
        range.address(index);
        return pfns[index];
    }

    /** The attempts: {@code attempt}, {@code notifier_seq}, {@code hmm_range_fault} (0 or -errno), {@code outcome}. */
    public Table attempts() {
        int n = attempts.size();
        long[] no = new long[n];
        long[] seq = new long[n];
        String[] rc = new String[n];
        String[] outcome = new String[n];
        for (int i = 0; i < n; i++) {
            Attempt a = attempts.get(i);
            no[i] = a.attempt();
            seq[i] = a.notifierSeq();
            rc[i] = Errno.name(a.rc());
            outcome[i] = a.outcome();
        }
        return Table.of(device + ": hmm_range_fault attempts", Column.longs("attempt", no), Column.longs("notifier_seq", seq),
                Column.strings("hmm_range_fault", rc), Column.strings("outcome", outcome));
    }

    /** The entries: {@code address}, {@code flags} (VALID, WRITE, ERROR), {@code pfn}, {@code order}. */
    public Table entries() {
        int n = pfns.length;
        String[] addr = new String[n];
        String[] flags = new String[n];
        long[] pfn = new long[n];
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            addr[i] = Task.hex(range.address(i));
            flags[i] = flagText(pfns[i]);
            boolean valid = HmmPfn.isValid(pfns[i]);
            pfn[i] = valid ? HmmPfn.pfn(pfns[i]) : -1;
            order[i] = valid ? HmmPfn.mapOrder(pfns[i]) : 0;
        }
        return Table.of(device + ": hmm_pfns " + range, Column.strings("address", addr), Column.strings("flags", flags),
                Column.longs("pfn", pfn), Column.longs("order", order));
    }

    static String flagText(long w) {
        var f = HmmPfn.flags(w);
        return f.isEmpty() ? "-" : f.stream().map(Enum::name).collect(Collectors.joining(" "));
    }

    @Override
    public Map<String, String> mimeBundle() {
        String head = "hmm_range_fault(" + range + ", " + requests + ") = " + Errno.name(status) + " after "
                + attempts.size() + (attempts.size() == 1 ? " attempt" : " attempts");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("text/plain", head + "\n" + attempts().toText() + "\n" + entries().toText());
        m.put("text/html", "<p>" + head + "</p>\n" + attempts().toHtml() + "\n" + entries().toHtml());
        return m;
    }

    @Override
    public String toString() {
        return mimeBundle().get("text/plain");
    }
}
