package org.hmmlab.policy;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * How GPGPU-Sim UVMSmart carries out a user prefetch ({@code cudaMemPrefetchAsync} to the GPU): the range is walked
 * page by page and cut into transfers, each of the pages not yet valid, one after the other.
 *
 * <p>Mirrors the prefetch-request loop of {@code gmmu_t::cycle()} ({@code gpu-sim.cc}, the {@code do ... while} over
 * {@code pre_q.cur_addr}): a transfer ends at the end of the request (case 1), at each 2 MiB line counted from the
 * start of the allocation ({@code MAX_PREFETCH_SIZE}, case 2), or at a valid page once it holds at least one page
 * (case 3; valid pages before its first are skipped). The next transfer is scheduled only when the previous one has
 * landed ({@code pending_prefetch.empty()}).
 *
 * <p>The engines' explicit prefetch step ({@link org.hmmlab.workload.UserPrefetch}) asks it for the transfers when
 * the step starts and issues them one after the other.
 */
public final class UserPrefetchPlan {

    private UserPrefetchPlan() {
    }

    /**
     * The transfers of a prefetch of pages {@code [first, first + pages)} of an allocation starting at page
     * {@code allocationFirst}, as pairs (first page, page count) in order.
     *
     * @param valid whether a page is already valid on the GPU
     */
    public static long[][] transfers(long first, long pages, long allocationFirst, LongPredicate valid) {
        if (pages < 0 || first < allocationFirst) {
            throw new IllegalArgumentException("user prefetch pages must be >= 0 and first >= the allocation's first"
                    + " page, got pages " + pages + ", first " + first + ", allocation " + allocationFirst);
        }
        long[][] out = new long[8][];
        int n = 0;
        long cur = first;
        long end = first + pages;
        while (cur < end) {
            long runFirst = -1;
            long runPages = 0;
            do {
                long page = cur++;
                if (valid.test(page)) {
                    if (runPages > 0) {
                        break;
                    }
                } else {
                    if (runFirst < 0) {
                        runFirst = page;
                    }
                    runPages++;
                }
            } while (cur != end && (cur - allocationFirst) % Pages.PAGES_PER_BLOCK != 0);
            if (runPages > 0) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = new long[] {runFirst, runPages};
            }
        }
        return Arrays.copyOf(out, n);
    }
}
