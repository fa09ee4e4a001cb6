package org.hmmlab.policy;

import java.util.SplittableRandom;

/**
 * Prefetches, for each faulting page, one more 4 KiB page drawn at random from the same 2 MiB large page, when that
 * page is neither resident nor already on its way.
 *
 * <p>Mirrors the {@code RANDOM} hardware prefetcher of GPGPU-Sim UVMSmart ({@code gmmu_t::do_hardware_prefetch()},
 * {@code gpu-sim.cc}): for each faulting page it draws {@code rand() % (large page size / page size)}, and adds that
 * page to the transfer when it is invalid ({@code !is_valid}), not itself faulting this turn and not pending in an
 * earlier transfer; otherwise the draw is lost. The draws come from the run's prefetcher seed
 * ({@link #seedFrom(long)}), so the same run seed gives the same pages.
 */
public final class RandomPagePrefetcher implements Prefetcher {

    private SplittableRandom random;

    @Override
    public void seedFrom(long prefetcherSeed) {
        random = new SplittableRandom(prefetcherSeed);
    }

    @Override
    public void prefetch(long block, long[] resident, long[] faulted, long[] out) {
        PageMask.clearAll(out);
        if (random == null) {
            throw new IllegalStateException("random prefetcher: not seeded; the engine calls seedFrom(prefetcherSeed)"
                    + " before the run, a caller of its own must too");
        }
        for (int p = 0; p < Pages.PAGES_PER_BLOCK; p++) {
            if (PageMask.test(faulted, p)) {
                int draw = random.nextInt(Pages.PAGES_PER_BLOCK);
                if (!PageMask.test(resident, draw) && !PageMask.test(faulted, draw)) {
                    PageMask.set(out, draw);
                }
            }
        }
    }

    @Override
    public String name() {
        return "random-4KiB";
    }
}
