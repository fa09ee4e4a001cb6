package org.hmmlab.multigpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.hmmlab.platform.CoherentPlatforms;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLink;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.PeerFabric;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.platform.Topology;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Policies;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Agent;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The multi-GPU model's rules, each test named after the driver function whose decision it checks.
 */
class MultiGpuModelTest {

    static final Bytes SIZE = Bytes.MiB(1); // 256 pages, 16 big pages
    static final long PAGES = 256;
    static final Platform TWO = Platforms.A100_PCIE4.withGpus(2);
    static final Platform TWO_PEERS = Platforms.A100_PCIE4.withTopology(Topology.gpus(2).withPeerAccess(true));

    /** One read (or write) of every page of x by {@code agent}. */
    static Phase pass(String name, Agent agent, boolean write) {
        Phase p = Phase.gpu(name, "x", Patterns.sequential(), SIZE, PAGES).withAgent(agent);
        return write ? p.withWriteFraction(1.0) : p;
    }

    static MultiGpuResult run(Platform p, Hints hints, GpuToGpu mode, Phase... phases) {
        MigrationPolicy policy = Policies.uvmDefaults().withHints(hints);
        Workload w = new Workload(List.of(new Allocation("x", SIZE)), List.of(phases));
        Platform on = p.withTopology(p.topology().withGpuToGpu(mode));
        return new MultiGpuModel(on, policy, MultiGpuModel.Costs.defaults()).run(w, 42, new CancellationToken());
    }

    static MultiGpuResult run(Platform p, Hints hints, Phase... phases) {
        return run(p, hints, GpuToGpu.DRIVER, phases);
    }

    static Phase cpuInit() {
        return Phase.cpu("init", "x", Patterns.sequential(), SIZE, PAGES).withWriteFraction(1.0);
    }

    @Nested
    class block_select_processor_residency {

        @Test
        void first_touch_migrates_to_the_faulting_gpu_a_page_on_another_gpu_follows_the_next_faulting_gpu() {
            MultiGpuResult r = run(TWO, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 0));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 1));
            assertEquals(PAGES / MultiGpuModel.BIG_PAGE_PAGES, r.count(MultiGpuCounter.FAULTS, 1),
                    "one fault per 64 KiB big page");
            assertEquals(0, r.total(MultiGpuCounter.PEER_ACCESSES));
        }

        @Test
        void accessed_by_gpu_that_can_reach_the_page_maps_it_remotely_without_migrating() {
            Hints h = Hints.none().accessedBy("x", 1);
            MultiGpuResult r = run(TWO_PEERS, h, cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.PEER_ACCESSES, 1), "gpu1 reads gpu0's memory peer to peer");
            assertEquals(0, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 1));
            assertEquals(0, r.count(MultiGpuCounter.FAULTS, 1),
                    "mapped after gpu0's migration: the driver maps the accessed-by GPUs that can reach the page");
        }

        @Test
        void accessed_by_gpu_without_peer_access_cannot_map_another_gpus_memory_so_the_page_migrates() {
            Hints h = Hints.none().accessedBy("x", 1);
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false));
            assertEquals(0, r.count(MultiGpuCounter.PEER_ACCESSES, 1));
            assertEquals(PAGES, r.count(MultiGpuCounter.STAGED_PAGES, 1));
        }

        @Test
        void accessed_by_a_set_of_gpus_maps_host_memory_remotely_for_each() {
            Hints h = Hints.none().preferredLocation("x", Location.HOST).accessedBy("x", 0).accessedBy("x", 1);
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.REMOTE_ACCESSES, 0));
            assertEquals(PAGES, r.count(MultiGpuCounter.REMOTE_ACCESSES, 1));
            assertEquals(0, r.total(MultiGpuCounter.PAGES_TO_DEVICE));
            assertEquals(0, r.total(MultiGpuCounter.FAULTS), "the CPU's first touch mapped both accessed-by GPUs");
        }

        @Test
        void preferred_location_on_one_gpu_pulls_the_page_there_and_a_peer_maps_it_remotely() {
            Hints h = Hints.none().preferredLocation("x", 0);
            MultiGpuResult r = run(TWO_PEERS, h, cpuInit(), pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 0), "moved to the preferred gpu0");
            assertEquals(0, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 1));
            assertEquals(PAGES, r.count(MultiGpuCounter.PEER_ACCESSES, 1));
        }

        @Test
        void preferred_location_a_gpu_cannot_reach_is_ignored_and_the_page_migrates_to_it() {
            Hints h = Hints.none().preferredLocation("x", 0);
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g1", Agent.gpu(1), false));
            assertEquals(0, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 0));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 1));
        }
    }

    @Nested
    class can_read_duplicate {

        @Test
        void read_mostly_pages_are_duplicated_on_every_reading_gpu_and_the_host_copy_stays() {
            Hints h = Hints.none().readMostly("x");
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false),
                    pass("g0 again", Agent.gpu(0), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.DUPLICATED_PAGES, 0));
            assertEquals(PAGES, r.count(MultiGpuCounter.DUPLICATED_PAGES, 1));
            assertEquals(2 * PAGES, r.count(MultiGpuCounter.LOCAL_ACCESSES, 0), "the second pass reads its own copy");
            assertEquals(0, r.total(MultiGpuCounter.PAGES_TO_HOST), "nothing copied back: the host copy is current");
        }
    }

    @Nested
    class break_read_duplication_in_region {

        @Test
        void a_gpu_write_to_a_duplicated_page_invalidates_every_other_copy() {
            Hints h = Hints.none().readMostly("x");
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false),
                    pass("g0 writes", Agent.gpu(0), true));
            assertEquals(PAGES, r.count(MultiGpuCounter.INVALIDATED_COPIES, 1), "gpu1's copies");
            assertEquals(0, r.count(MultiGpuCounter.INVALIDATED_COPIES, 0), "gpu0's copy becomes the page");
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 0), "no second copy to the writer");
        }

        @Test
        void block_prep_read_duplicate_mapping_makes_the_original_read_only_so_its_owner_writing_invalidates_the_copies() {
            Hints h = Hints.none().readMostly("x");
            MultiGpuResult r = run(TWO_PEERS, h, pass("g0 populates", Agent.gpu(0), true), pass("g1", Agent.gpu(1), false),
                    pass("g0 writes", Agent.gpu(0), true));
            assertEquals(PAGES, r.count(MultiGpuCounter.DUPLICATED_PAGES, 1), "gpu1 copies gpu0's pages peer to peer");
            assertEquals(PAGES, r.count(MultiGpuCounter.INVALIDATED_COPIES, 1));
            assertEquals(PAGES / MultiGpuModel.BIG_PAGE_PAGES + PAGES, r.count(MultiGpuCounter.FAULTS, 0),
                    "first touch by big page, then one write fault per page on its read-only original");
        }

        @Test
        void a_cpu_write_invalidates_the_copies_on_all_gpus() {
            Hints h = Hints.none().readMostly("x");
            MultiGpuResult r = run(TWO, h, cpuInit(), pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false),
                    cpuInit());
            assertEquals(PAGES, r.count(MultiGpuCounter.INVALIDATED_COPIES, 0));
            assertEquals(PAGES, r.count(MultiGpuCounter.INVALIDATED_COPIES, 1));
            assertEquals(0, r.hostFaults(), "the host copy was current: nothing migrates back");
        }
    }

    @Nested
    class block_populate_pages {

        @Test
        void without_peer_access_a_gpu_to_gpu_move_is_staged_through_system_memory() {
            MultiGpuResult r = run(TWO, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, r.count(MultiGpuCounter.STAGED_PAGES, 1));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_TO_HOST, 0), "the copy down from gpu0");
            assertEquals(0, r.total(MultiGpuCounter.PEER_COPIED_PAGES));
        }

        @Test
        void with_peer_access_the_driver_copies_directly_and_saves_the_second_copy() {
            MultiGpuResult staged = run(TWO, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            MultiGpuResult peer = run(TWO_PEERS, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, peer.count(MultiGpuCounter.PEER_COPIED_PAGES, 1));
            assertEquals(0, peer.count(MultiGpuCounter.PAGES_TO_HOST, 0));
            assertTrue(peer.elapsed().nanos() < staged.elapsed().nanos(), peer.elapsed() + " vs " + staged.elapsed());
        }

        @Test
        void nvlink_moves_the_page_faster_than_pcie_peer_to_peer() {
            Platform nv = Platforms.A100_PCIE4.withTopology(Topology.gpus(2).withNvLink(NvLink.of(0, 1, NvLinkGen.NVLINK3, 12)));
            MultiGpuResult pcie = run(TWO_PEERS, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            MultiGpuResult nvlink = run(nv, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, nvlink.count(MultiGpuCounter.PEER_COPIED_PAGES, 1), "NVLink implies peer access");
            assertTrue(nvlink.elapsed().nanos() < pcie.elapsed().nanos());
        }
    }

    @Nested
    class migrate_vma_collect_pmd {

        @Test
        void another_owners_page_goes_through_system_memory_even_between_peers_with_a_cpu_side_fault() {
            MultiGpuResult kernel = run(TWO_PEERS, Hints.none(), GpuToGpu.THROUGH_SYSTEM_MEMORY, cpuInit(),
                    pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false));
            MultiGpuResult driver = run(TWO_PEERS, Hints.none(), GpuToGpu.DRIVER, cpuInit(),
                    pass("g0", Agent.gpu(0), false), pass("g1", Agent.gpu(1), false));
            assertEquals(PAGES, kernel.count(MultiGpuCounter.STAGED_PAGES, 1));
            assertEquals(PAGES / MultiGpuModel.BIG_PAGE_PAGES, kernel.hostFaults(), "one migrate_to_ram per fault");
            assertTrue(driver.elapsed().nanos() < kernel.elapsed().nanos(), "what the peer copy saves");
        }
    }

    @Nested
    class ats_batch_select_residency {

        @Test
        void a_gpu_first_touch_populates_the_gpus_own_node_with_no_copy() {
            MultiGpuResult r = run(CoherentPlatforms.GH200_C2C, Hints.none(), pass("g0", Agent.gpu(0), true));
            assertEquals(PAGES, r.count(MultiGpuCounter.PAGES_POPULATED_ON_DEVICE, 0));
            assertEquals(PAGES / MultiGpuModel.BIG_PAGE_PAGES, r.count(MultiGpuCounter.FAULTS, 0));
            assertEquals(0, r.count(MultiGpuCounter.PAGES_TO_DEVICE, 0));
        }

        @Test
        void cpu_written_pages_are_read_over_the_link_without_a_fault_and_the_cpu_reads_gpu_memory_in_place() {
            MultiGpuResult r = run(CoherentPlatforms.GH200_C2C, Hints.none(), cpuInit(), pass("g0", Agent.gpu(0), false),
                    pass("g0 writes y", Agent.gpu(0), true));
            assertEquals(0, r.count(MultiGpuCounter.FAULTS, 0), "ATS translates against the CPU page table");
            assertEquals(2 * PAGES, r.count(MultiGpuCounter.REMOTE_ACCESSES, 0));
            assertEquals(0, r.hostFaults());
        }
    }

    @Nested
    class uvm_ats_service_access_counters {

        @Test
        void a_region_read_threshold_times_over_the_link_migrates_to_the_gpu() {
            Phase hot = Phase.gpu("hot", "x", Patterns.sequential(), Bytes.KiB(64), 256 * 16).withAgent(Agent.gpu(0));
            MultiGpuResult r = run(CoherentPlatforms.GH200_C2C, Hints.none(), cpuInit(), hot);
            assertEquals(MultiGpuModel.BIG_PAGE_PAGES, r.count(MultiGpuCounter.ACCESS_COUNTER_MIGRATIONS, 0));
            assertEquals(256, r.count(MultiGpuCounter.REMOTE_ACCESSES, 0), "remote until the 256th access");
            assertEquals(256 * 16 - 256, r.count(MultiGpuCounter.LOCAL_ACCESSES, 0));
        }
    }

    @Nested
    class uvm_pmm_gpu_eviction {

        @Test
        void a_full_gpu_evicts_its_oldest_pages_to_host_memory() {
            Platform small = Platforms.A100_PCIE4.withGpu(Platforms.A100_PCIE4.gpu().withVram(Bytes.MiB(2)))
                    .withGpus(2);
            Bytes four = Bytes.MiB(4);
            Phase p = Phase.gpu("g0", "x", Patterns.sequential(), four, 1024).withAgent(Agent.gpu(0));
            Workload w = new Workload(List.of(new Allocation("x", four)), List.of(p));
            MultiGpuResult r = new MultiGpuModel(small, Policies.uvmDefaults(),
                    MultiGpuModel.Costs.defaults()).run(w, 1, new CancellationToken());
            assertEquals(512, r.count(MultiGpuCounter.EVICTIONS, 0));
            assertEquals(0, r.count(MultiGpuCounter.EVICTIONS, 1));
        }
    }

    @Nested
    class bad_input {

        @Test
        void a_phase_on_a_gpu_that_does_not_exist_is_refused_naming_it_and_the_gpus_that_do() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> run(TWO, Hints.none(), pass("k", Agent.gpu(2), false)));
            assertEquals("phase 'k': gpu2 does not exist; this platform has gpu0, gpu1", e.getMessage());
        }

        @Test
        void nvlink_between_a_gpu_and_itself_is_refused() {
            var e = assertThrows(IllegalArgumentException.class, () -> NvLink.of(1, 1, NvLinkGen.NVLINK3, 4));
            assertTrue(e.getMessage().startsWith("nvlink(1, 1): a GPU cannot have NVLink to itself"), e.getMessage());
        }

        @Test
        void nvlink_to_a_missing_gpu_is_refused_naming_the_gpus_that_exist() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Topology.gpus(2).withNvLink(NvLink.of(0, 3, NvLinkGen.NVLINK3, 4)));
            assertEquals("topology.nvlinks: nvlink(0, 3) names gpu3, which does not exist; this platform has gpu0,"
                    + " gpu1", e.getMessage());
        }

        @Test
        void more_links_than_the_generation_has_are_refused() {
            var e = assertThrows(IllegalArgumentException.class, () -> NvLink.of(0, 1, NvLinkGen.NVLINK2, 7));
            assertTrue(e.getMessage().contains("nvlink.links"), e.getMessage());
        }
    }

    @Nested
    class platform {

        @Test
        void a_platform_built_the_old_way_has_one_gpu_and_equals_itself_with_the_single_topology() {
            Platform p = Platforms.A100_PCIE4;
            assertEquals(Topology.SINGLE, p.topology());
            assertEquals(p, p.withTopology(Topology.SINGLE));
            assertEquals(1, p.gpus());
            assertNotEquals(p, p.withGpus(2));
        }

        @Test
        void the_peer_paths_follow_the_topology() {
            Topology t = Topology.gpus(3).behind(PeerFabric.SWITCH).withNvLink(NvLink.of(0, 1, NvLinkGen.NVLINK4, 18));
            assertTrue(t.peers(0, 1));
            assertTrue(t.peers(1, 0));
            assertTrue(!t.peers(0, 2), "PCIe peer access off");
            assertTrue(t.withPeerAccess(true).peers(0, 2));
            assertEquals(450, t.nvlink(1, 0).bandwidth().toGBps(), 1e-9, "18 links x 25 GB/s");
        }
    }

    @Test
    void same_seed_same_bits() {
        Hints h = Hints.none().readMostly("x");
        Phase rnd = Phase.gpu("r", "x", Patterns.uniformRandom(), SIZE, 2000).withAgent(Agent.gpu(1)).withWriteFraction(0.2);
        Map<String, Long> a = run(TWO_PEERS, h, cpuInit(), rnd, pass("g0", Agent.gpu(0), false)).summary();
        Map<String, Long> b = run(TWO_PEERS, h, cpuInit(), rnd, pass("g0", Agent.gpu(0), false)).summary();
        assertEquals(a, b);
        assertTrue(a.get("faults") > 0);
        assertEquals(a.get("faults"), run(TWO_PEERS, h, cpuInit(), rnd, pass("g0", Agent.gpu(0), false)).perGpuSummary()
                .entrySet().stream().filter(e -> e.getKey().endsWith("_faults")).mapToLong(Map.Entry::getValue).sum());
    }
}
