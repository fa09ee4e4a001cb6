package org.hmmlab.policy;

import static org.hmmlab.policy.EvictorTest.BASE;
import static org.hmmlab.policy.EvictorTest.arrive;
import static org.hmmlab.policy.EvictorTest.leave;
import static org.hmmlab.policy.PrefetcherTest.assertMessage;
import static org.hmmlab.policy.PrefetcherTest.mask;
import static org.hmmlab.policy.PrefetcherTest.prefetch;
import static org.hmmlab.policy.PrefetcherTest.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The policies of GPGPU-Sim UVMSmart (repository DebashisGanguly/gpgpu-sim_UVMSmart, src/gpgpu-sim/gpu-sim.cc,
 * src/cuda-sim/memory.cc, configs/GeForceGTX1080Ti/gpgpusim.config), one rule a test, each naming the peer's
 * function it follows.
 */
class PeerPoliciesTest {

    static final PeerEvictionOptions NO_OPTIONS = PeerEvictionOptions.DEFAULTS;

    /** 64 KiB leaf {@code i} of a block: its pages. */
    static long[] leaves(int... ids) {
        long[] m = PageMask.create();
        for (int i : ids) {
            PageMask.setRange(m, i * 16, i * 16 + 16);
        }
        return m;
    }

    static List<Integer> leafPages(int... ids) {
        List<Integer> out = new ArrayList<>();
        for (int i : ids) {
            out.addAll(range(i * 16, i * 16 + 16));
        }
        out.sort(null);
        return out;
    }

    @Nested
    class Prefetchers {

        @Test
        void sequentialLocalBringsTheFaultingBasicBlock() {
            // do_hardware_prefetch(), SEQUENTIAL_LOCAL: the faulting page's 64 KiB basic block, nothing more
            assertEquals(range(32, 35), prefetch(Policies.sequentialLocal(), mask(0, 0), mask(35, 36)).subList(0, 3));
            assertEquals(15, prefetch(Policies.sequentialLocal(), mask(0, 0), mask(35, 36)).size());
        }

        @Test
        void randomAddsOneInvalidPageOfTheLargePagePerFault() {
            // do_hardware_prefetch(), RANDOM: rand() % (large page / page size), kept only when invalid and not
            // faulting; the draw comes from the run's prefetcher seed
            Prefetcher p = Policies.randomPage();
            p.seedFrom(7);
            List<Integer> got = prefetch(p, mask(0, 0), mask(100, 101));
            assertEquals(1, got.size());
            assertNotEquals(100, got.get(0));
            Prefetcher same = Policies.randomPage();
            same.seedFrom(7);
            assertEquals(got, prefetch(same, mask(0, 0), mask(100, 101)), "same seed, same page");
            Prefetcher full = Policies.randomPage();
            full.seedFrom(7);
            assertEquals(List.of(), prefetch(full, mask(0, 512), mask(0, 0)), "no fault, no draw");
            long[] allButOne = mask(0, 512);
            PageMask.clear(allButOne, 100);
            assertEquals(List.of(), prefetch(full, allButOne, mask(100, 101)), "a draw of a valid page is lost");
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> Policies.randomPage().prefetch(0, mask(0, 0), mask(1, 2), PageMask.create()));
            assertTrue(e.getMessage().contains("not seeded"), e.getMessage());
        }

        @Test
        void treeFillsEveryNodeAboveHalfValid() {
            // traverse_and_fill_lp_tree(): blocks 0 and 1 resident, a fault in 2: the node of 4 leaves holds 3, so
            // leaf 3 comes too; the node of 8 then holds 4 of 8, not above half
            assertEquals(leafPages(2, 3).subList(1, 32), prefetch(new TreeNeighbourhoodPrefetcher(), leaves(0, 1),
                    mask(32, 33)));
        }

        @Test
        void treeFillsCascadeWhereDensityDoesNot() {
            // fill_lp_tree() updates valid sizes before the parent is tested: leaves 0, 1 resident and 4 resident,
            // a fault in 2 fills leaves 0..3, which lifts the node of 8 to 5 of 8 leaves, and it fills too;
            // UVM's density tests the node of 8 at 4 of 8 leaves (50 %), under its 51 %
            long[] resident = leaves(0, 1, 4);
            List<Integer> tree = prefetch(new TreeNeighbourhoodPrefetcher(), resident, mask(32, 33));
            List<Integer> density = prefetch(new DensityPrefetcher(51), resident, mask(32, 33));
            assertTrue(tree.containsAll(leafPages(5, 6, 7)), "the cascade reaches leaves 5..7");
            assertFalse(density.containsAll(leafPages(5, 6, 7)));
            assertTrue(density.containsAll(leafPages(3)));
        }

        @Test
        void densityAt51MakesTheTreesDecisionsOneFaultAtATimeWhenNoFillCascades() {
            // getHWPrefetcherP1.cu's order (64 KiB blocks 0, 1, 2, 4, 8, 16, one at a time) and 2,000 random
            // single-leaf fault sequences: whenever the tree's fill does not cascade, density(51) with 64 KiB big
            // pages prefetches exactly the same pages as traverse_and_fill_lp_tree()
            int[] p1 = {0, 1, 2, 4, 8, 16};
            int[][] expected = {{}, {}, {3}, {5, 6, 7}, {9, 10, 11, 12, 13, 14, 15},
                    {17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}};
            long[] resident = PageMask.create();
            for (int i = 0; i < p1.length; i++) {
                long[] faulted = leaves(p1[i]);
                List<Integer> tree = prefetch(new TreeNeighbourhoodPrefetcher(), resident, faulted);
                List<Integer> density = prefetch(new DensityPrefetcher(), resident, faulted);
                List<Integer> want = new ArrayList<>(leafPages(expected[i]));
                want.addAll(range(p1[i] * 16 + 1, p1[i] * 16 + 16));
                want.sort(null);
                long[] oneFault = mask(p1[i] * 16, p1[i] * 16 + 1);
                assertEquals(want, prefetch(new TreeNeighbourhoodPrefetcher(), resident, oneFault), "P1 touch " + i);
                assertEquals(tree, density, "P1 touch " + i);
                PageMask.or(resident, faulted);
                for (int leaf : expected[i]) {
                    PageMask.or(resident, leaves(leaf));
                }
            }
            SplittableRandom r = new SplittableRandom(21);
            int compared = 0;
            for (int run = 0; run < 2000; run++) {
                long[] res = PageMask.create();
                for (int step = 0; step < 8; step++) {
                    long[] faulted = leaves(r.nextInt(32));
                    List<Integer> tree = prefetch(new TreeNeighbourhoodPrefetcher(), res, faulted);
                    List<Integer> density = prefetch(new DensityPrefetcher(), res, faulted);
                    if (!cascades(res, faulted)) {
                        assertEquals(tree, density, "run " + run + " step " + step);
                        compared++;
                    }
                    PageMask.or(res, faulted);
                    for (int p : tree) {
                        PageMask.set(res, p);
                    }
                }
            }
            assertTrue(compared > 10_000, "compared " + compared);
        }

        /** True when a node above half valid only after a lower fill exists (the tree cascades). */
        private boolean cascades(long[] resident, long[] faulted) {
            boolean[] valid = new boolean[32];
            for (int leaf = 0; leaf < 32; leaf++) {
                valid[leaf] = PageMask.count(resident, leaf * 16, leaf * 16 + 16)
                        + PageMask.count(faulted, leaf * 16, leaf * 16 + 16) > 0;
            }
            boolean[] before = valid.clone();
            for (int size = 2; size <= 32; size <<= 1) {
                for (int first = 0; first < 32; first += size) {
                    int now = 0;
                    int was = 0;
                    for (int l = first; l < first + size; l++) {
                        now += valid[l] ? 1 : 0;
                        was += before[l] ? 1 : 0;
                    }
                    if (now != size && now > size / 2) {
                        if (was <= size / 2) {
                            return true;
                        }
                        for (int l = first; l < first + size; l++) {
                            valid[l] = true;
                        }
                    }
                }
            }
            return false;
        }

        @Test
        void thePrefetcherSwitchesAtTheFirstEviction() {
            // update_hardware_prefetcher_oversubscribed(), -hwprefetch_oversub 0: off once memory is oversubscribed
            SwitchOnEvictionPrefetcher p = new SwitchOnEvictionPrefetcher(new TreeNeighbourhoodPrefetcher(),
                    Prefetcher.NONE);
            MigrationPolicy policy = Policies.onDemand().withPrefetcher(p);
            assertEquals(15, prefetch(p, mask(0, 0), mask(0, 1)).size());
            policy.onMigrated(BASE, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, 0);
            assertFalse(p.switched(), "a CPU fault's migration is not an eviction");
            policy.onMigrated(BASE, 1, 0, Location.HOST, MigrationCause.EVICTION, 0);
            assertTrue(p.switched());
            assertEquals(List.of(), prefetch(p, mask(0, 0), mask(0, 1)));
        }
    }

    @Nested
    class Evictors {

        @Test
        void peerLruIsRefreshedByEveryAccessFaultedOrNot() {
            // refresh_valid_pages() on each TLB hit and each arrival: the victim is the least recently used
            Evictor lru = Policies.peerLru(Pages.BLOCK, NO_OPTIONS);
            arrive(lru, BASE, 1);
            arrive(lru, BASE + 512, 1);
            arrive(lru, BASE + 1024, 1);
            assertTrue(lru.wantsAccesses());
            lru.onDeviceAccess(0, BASE, false, true, 0); // a faulted access's replay refreshes too
            assertEquals(BASE + 512, lru.pickVictim(0, 0));
            lru.onDeviceAccess(0, BASE + 512, false, false, 0);
            assertEquals(BASE, lru.pickVictim(0, 0), "C, the oldest, holds the fault in flight: spared");
            arrive(lru, BASE + 2048, 1);
            assertEquals(BASE + 1024, lru.pickVictim(0, 0), "with the next fault C is evictable again");
            assertEquals("uvmsmart-lru-2MiB", lru.name());
            assertEquals("uvmsmart-lru-4KiB", Policies.peerLru(Bytes.PAGE, NO_OPTIONS).name());
        }

        @Test
        void aChunkWithAnAccessInFlightIsNeverChosen() {
            // is_block_evictable() / reserve_pages_check(): the chunk receiving the fault being serviced is not
            // evictable; with nothing else resident there is no victim
            Evictor lru = Policies.peerLru(Pages.BLOCK, NO_OPTIONS);
            arrive(lru, BASE, 1);
            assertEquals(-1, lru.pickVictim(0, 0));
            arrive(lru, BASE + 512, 1);
            assertEquals(BASE, lru.pickVictim(0, 0));
        }

        @Test
        void reserveSparesTheLeastRecentlyUsedPercent() {
            // page_eviction_procedure(): eviction_start = valid_pages.size() * reserve_accessed_page_percent / 100
            Evictor lru = Policies.peerLru(Bytes.PAGE, NO_OPTIONS.withReservePercent(50));
            arrive(lru, BASE, 4);
            arrive(lru, BASE + 100, 1); // the latest arrival is in flight
            assertEquals(BASE + 2, lru.pickVictim(0, 0), "5 chunks, 2 reserved: the third oldest goes");
            assertEquals("uvmsmart-lru-4KiB, reserve=50%", lru.name());
        }

        @Test
        void lfuEvictsTheLeastAccessedThenCleanThenOldest() {
            // sort_valid_pages(), LFU: access_counter, then RW, then cycle
            Evictor lfu = Policies.peerLfu(NO_OPTIONS);
            arrive(lfu, BASE, 1);            // A
            arrive(lfu, BASE + 512, 1);      // B
            arrive(lfu, BASE + 1024, 1);     // C
            arrive(lfu, BASE + 1536, 1);     // D: in flight
            lfu.onDeviceAccess(0, BASE, false, false, 0);
            lfu.onDeviceAccess(0, BASE, false, false, 0);
            lfu.onDeviceAccess(0, BASE + 512, true, false, 0);   // B: once, written
            lfu.onDeviceAccess(0, BASE + 1024, false, false, 0); // C: once, clean
            assertEquals(BASE + 1024, lfu.pickVictim(0, 0), "B and C tie on count; the clean one goes");
            lfu.onDeviceAccess(0, BASE + 1024, false, false, 0);
            lfu.onDeviceAccess(0, BASE + 1024, false, false, 0);
            assertEquals(BASE + 512, lfu.pickVictim(0, 0));
            assertEquals("uvmsmart-lfu-2MiB", lfu.name());
        }

        @Test
        void sequentialLocalTakesTheOldestLeafOfTheOldestLargePage() {
            // sort_valid_pages(), SEQUENTIAL_LOCAL: large pages by their most recent leaf, then leaves by age;
            // the victim is one 64 KiB basic block (MIN_PREFETCH_SIZE)
            Evictor sl = Policies.peerSequentialLocal(NO_OPTIONS);
            arrive(sl, BASE + 512, 16);  // block 1 leaf 0
            arrive(sl, BASE, 16);        // block 0 leaf 0
            arrive(sl, BASE + 16, 16);   // block 0 leaf 1
            arrive(sl, BASE + 528, 16);  // block 1 leaf 1: block 1 is now the most recent
            arrive(sl, BASE + 2048, 1);  // in flight elsewhere
            assertEquals(BASE, sl.pickVictim(0, 0), "block 0 is the older large page; its oldest leaf");
            assertEquals(16, sl.chunkPages());
        }

        @Test
        void randomDrawsFromTheRunSeed() {
            // page_eviction_procedure(), RANDOM: a random position of the ordered list, a 4 KiB page
            Evictor a = Policies.peerRandom(Bytes.PAGE, NO_OPTIONS);
            Evictor b = Policies.peerRandom(Bytes.PAGE, NO_OPTIONS);
            a.seedFrom(3);
            b.seedFrom(3);
            arrive(a, BASE, 64);
            arrive(b, BASE, 64);
            arrive(a, BASE + 1000, 1);
            arrive(b, BASE + 1000, 1);
            long v = a.pickVictim(0, 0);
            assertEquals(v, b.pickVictim(0, 0));
            assertTrue(v >= BASE && v < BASE + 64);
        }

        @Test
        void treeEvictsTheLeafThenTheRestOfEveryNodeBelowHalfMerged() {
            // page_eviction_procedure(), TBN: the LRU leaf, then traverse_and_remove_lp_tree() takes the valid
            // leaves of each node under half valid, and contiguous basic blocks go in one write-back
            TreeNeighbourhoodEvictor tbn = new TreeNeighbourhoodEvictor(NO_OPTIONS);
            arrive(tbn, BASE, 16);          // leaf 0 (oldest)
            arrive(tbn, BASE + 16, 16);     // leaf 1
            arrive(tbn, BASE + 64, 16);     // leaf 4
            for (int leaf = 16; leaf < 32; leaf++) {
                arrive(tbn, BASE + leaf * 16, 16); // leaves 16..31: the upper half, full
            }
            arrive(tbn, BASE + 4096, 1);    // in flight elsewhere
            assertEquals(BASE, tbn.pickVictim(0, 0));
            // without leaf 0: node {0,1} has 1 of 2 (not below half), node {0..3} 1 of 4 -> leaf 1 goes; node
            // {4..7} 1 of 4 -> leaf 4 goes; the upper half stays full
            assertArrayEquals(new long[] {BASE, BASE + 16, BASE + 64}, tbn.queuedFirstPages());
            assertEquals(32, tbn.victimPages(0), "leaves 0 and 1 merge into one 128 KiB write-back");
            assertTrue(tbn.hasQueuedVictims(0));
            leave(tbn, BASE, 32);
            assertEquals(BASE + 64, tbn.pickVictim(0, 0));
            assertEquals(16, tbn.victimPages(0));
            tbn.onDeviceAccess(0, BASE + 64, false, false, 0); // check_write_stage_queue(): rescued by an access
            assertFalse(tbn.hasQueuedVictims(0));
        }

        @Test
        void freeBufferEvictsAheadOfNeedAndDropCleanSkipsTheWriteBack() {
            // should_evict_page() with percentage_of_free_page_buffer; invalidate_clean: a read-only victim is
            // invalidated, not copied back
            Workload w = Workload.of(List.of(new Allocation("x", Bytes.MiB(16))), List.of(
                    Phase.gpu("read", "x", Patterns.sequential(), Bytes.MiB(16), 4096).withConcurrency(1)));
            ResidencyModel.Result plain = new ResidencyModel(Bytes.MiB(8),
                    Policies.onDemand().withEvictor(Policies.peerLru(Pages.BLOCK, NO_OPTIONS))).run(w, 1);
            ResidencyModel.Result buffered = new ResidencyModel(Bytes.MiB(8),
                    Policies.onDemand().withEvictor(Policies.peerLru(Pages.BLOCK, NO_OPTIONS.withFreeBufferPercent(25))))
                    .run(w, 1);
            ResidencyModel.Result dropped = new ResidencyModel(Bytes.MiB(8),
                    Policies.onDemand().withEvictor(Policies.peerLru(Pages.BLOCK, NO_OPTIONS.withDropClean(true))))
                    .run(w, 1);
            assertEquals(8 * 256, plain.evictions(), "16 MiB through 8 MiB: 8 MiB leaves");
            assertEquals(plain.evictions(), plain.pagesToHost());
            assertEquals(10 * 256, buffered.evictions(), "a 2 MiB (25 %) buffer keeps one more chunk free");
            assertEquals(plain.evictions(), dropped.evictions());
            assertEquals(0, dropped.pagesToHost(), "read-only chunks are dropped, nothing crosses back");
        }

        @Test
        void optionsAreValidated() {
            assertMessage("eviction reserve_pct must be in [0, 100], got 101",
                    () -> NO_OPTIONS.withReservePercent(101));
            assertMessage("eviction free_buffer_pct must be in [0, 100], got -1",
                    () -> NO_OPTIONS.withFreeBufferPercent(-1));
        }
    }

    @Nested
    class Placements {

        private final MutableFaultContext ctx(long[] free) {
            return new MutableFaultContext(p -> Location.HOST, () -> free[0], 1000);
        }

        @Test
        void adaptiveThresholdScalesWithOccupancyBeforeOversubscription() {
            // should_cause_page_migration(), ADAPTIVE, !over_sub: (int) (1 + migrate_threshold x occupancy)
            AdaptiveAccessCounterPlacement p = new AdaptiveAccessCounterPlacement(8, 2);
            long[] free = {1000};
            MutableFaultContext c = ctx(free);
            // empty memory: threshold 1, the first read migrates
            assertEquals(Decision.Action.MIGRATE, p.onDeviceFault(c.fill(BASE << 12, AccessType.READ, 0, 0)).action());
            free[0] = 500; // half full: threshold (int) (1 + 8 x 0.5) = 5
            long page = (BASE + 16) << 12;
            for (int i = 1; i < 5; i++) {
                assertEquals(Decision.Action.MAP_REMOTE, p.onDeviceFault(c.fill(page, AccessType.READ, 0, 0)).action(),
                        "read " + i);
            }
            assertEquals(Decision.Action.MIGRATE, p.onDeviceFault(c.fill(page, AccessType.READ, 0, 0)).action());
            assertEquals(Decision.Action.MIGRATE,
                    p.onDeviceFault(c.fill((BASE + 32) << 12, AccessType.WRITE, 0, 0)).action(), "writes migrate");
        }

        @Test
        void afterOversubscriptionTheThresholdGrowsWithPenaltyAndRoundTrips() {
            // should_cause_page_migration(), ADAPTIVE, over_sub: threshold x penalty x (round trips + 1), a round
            // trip counted per write-back of the large page (inc_bb_round_trip())
            AdaptiveAccessCounterPlacement p = new AdaptiveAccessCounterPlacement(8, 2);
            MutableFaultContext c = ctx(new long[] {0});
            p.onMigrated(BASE, 512, 0, Location.HOST, MigrationCause.EVICTION, 0);
            assertTrue(p.oversubscribed());
            assertEquals(32, p.derivedThreshold(c.fill(BASE << 12, AccessType.READ, 0, 0)), "8 x 2 x (1 + 1)");
            assertEquals(16, p.derivedThreshold(c.fill((BASE + 512) << 12, AccessType.READ, 0, 0)), "8 x 2 x 1");
            for (int i = 1; i < 16; i++) {
                assertEquals(Decision.Action.NONE,
                        p.onRemoteAccess(c.fill((BASE + 512) << 12, AccessType.READ, 0, 0)).action());
            }
            Decision d = p.onRemoteAccess(c.fill((BASE + 512) << 12, AccessType.READ, 0, 0));
            assertEquals(Decision.Action.MIGRATE, d.action());
            assertEquals(16, d.regionPages(), "the 64 KiB basic block");
            assertMessage("adaptive access-counter penalty must be in [1, 1000], got 0",
                    () -> new AdaptiveAccessCounterPlacement(8, 0));
        }
    }

    @Nested
    class UserPrefetch {

        @Test
        void aPrefetchIsCutAtEach2MiBLineOfTheAllocationAndAtValidPages() {
            // gmmu_t::cycle(), the prefetch request's do-while: case 1 the request's end, case 2 each
            // MAX_PREFETCH_SIZE line from the allocation's start, case 3 a valid page after some invalid ones
            long alloc = 1000;
            java.util.Set<Long> valid = java.util.Set.of(alloc + 100L, alloc + 101L, alloc + 600L);
            long[][] t = UserPrefetchPlan.transfers(alloc, 1100, alloc, valid::contains);
            assertArrayEquals(new long[] {alloc, 100}, t[0], "up to the first valid page");
            assertArrayEquals(new long[] {alloc + 102, 410}, t[1], "valid pages skipped, then up to the 2 MiB line");
            assertArrayEquals(new long[] {alloc + 512, 88}, t[2]);
            assertArrayEquals(new long[] {alloc + 601, 423}, t[3], "to the next 2 MiB line");
            assertArrayEquals(new long[] {alloc + 1024, 76}, t[4], "the request's end");
            assertEquals(5, t.length);
            assertEquals(0, UserPrefetchPlan.transfers(alloc, 4, alloc, p -> true).length, "all valid: nothing");
        }
    }
}
