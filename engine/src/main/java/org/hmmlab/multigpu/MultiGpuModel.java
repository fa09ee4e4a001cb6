package org.hmmlab.multigpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.CoherentLink;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLink;
import org.hmmlab.platform.PeerFabric;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Topology;
import org.hmmlab.policy.Hints;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.Pages;
import org.hmmlab.run.ResidencyModel;
import org.hmmlab.run.Seeds;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Free;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

import static org.hmmlab.multigpu.MultiGpuCounter.ACCESS_COUNTER_MIGRATIONS;
import static org.hmmlab.multigpu.MultiGpuCounter.DUPLICATED_PAGES;
import static org.hmmlab.multigpu.MultiGpuCounter.EVICTIONS;
import static org.hmmlab.multigpu.MultiGpuCounter.FAULTS;
import static org.hmmlab.multigpu.MultiGpuCounter.INVALIDATED_COPIES;
import static org.hmmlab.multigpu.MultiGpuCounter.INVALIDATED_MAPPINGS;
import static org.hmmlab.multigpu.MultiGpuCounter.LINK_BYTES;
import static org.hmmlab.multigpu.MultiGpuCounter.LOCAL_ACCESSES;
import static org.hmmlab.multigpu.MultiGpuCounter.PAGES_POPULATED_ON_DEVICE;
import static org.hmmlab.multigpu.MultiGpuCounter.PAGES_TO_DEVICE;
import static org.hmmlab.multigpu.MultiGpuCounter.PAGES_TO_HOST;
import static org.hmmlab.multigpu.MultiGpuCounter.PEER_ACCESSES;
import static org.hmmlab.multigpu.MultiGpuCounter.PEER_COPIED_PAGES;
import static org.hmmlab.multigpu.MultiGpuCounter.REMOTE_ACCESSES;
import static org.hmmlab.multigpu.MultiGpuCounter.STAGED_PAGES;

/**
 * A page-granular model of one process's managed memory on a platform of several GPUs (or a coherent CPU-GPU
 * pair): where each page lives, which GPUs map it and which hold read-only duplicates, decided fault by fault as
 * the UVM driver decides, with copies and remote accesses charged to the path they take.
 *
 * <p>On PCIe (the UVM/HMM driver), a GPU fault asks {@link #selectResidency} for the page's new home, which mirrors
 * block_select_processor_residency() (uvm_va_block.c) rule for rule:
 * <ol>
 *   <li>read-mostly and a read: a read-only duplicate on the faulting GPU ({@code can_read_duplicate()}); a write to
 *       a read-mostly page moves it to the writer and every other copy is invalidated
 *       (break_read_duplication_in_region());</li>
 *   <li>the faulting GPU is the preferred location: migrate there;</li>
 *   <li>not resident anywhere: the preferred location if the faulting GPU can access it, else the faulting GPU;</li>
 *   <li>the faulting GPU is in the page's accessed-by set and can access where the page is: stay, map remotely;</li>
 *   <li>a preferred location the faulting GPU can access: move there, map remotely;</li>
 *   <li>otherwise migrate to the faulting GPU.</li>
 * </ol>
 * After a move, the accessed-by GPUs that can reach the new home map it again (the driver's mappings after
 * migration), and every other mapping of the page is dropped. A fault is serviced for its 64 KiB big page
 * (UVM_BIG_PAGE_SIZE; grow_fault_granularity() in uvm_perf_prefetch.c). A CPU touch of a page in GPU memory
 * migrates it back (HMM's migrate_to_ram: "if the faulting processor is the CPU, HMM has to migrate the block to
 * system memory"); a CPU write drops the GPUs' read-only duplicates. A GPU-to-GPU move takes the path
 * the topology's {@link GpuToGpu} says. A full GPU evicts its oldest page to host memory (first in, first out, 4 KiB; the driver
 * evicts 2 MiB root chunks in allocation order, uvm_pmm_gpu.c).
 *
 * <p>On a coherent link ({@link Topology#coherent()}, Grace Hopper's ATS), there are no device-private pages: a
 * GPU reads and writes a page in CPU memory over the link without faulting, a GPU first touch populates the page
 * in the GPU's own NUMA node (ats_batch_select_residency(), uvm_ats_faults.c), the access counters migrate a
 * 64 KiB region to the GPU once {@link Costs#accessCounterThreshold} remote accesses reached it
 * (uvm_ats_service_access_counters(); migrations are on by default where ATS is, uvm_perf_access_counter_migration_enable),
 * and the CPU reads and writes GPU memory in place. Hints are not consulted on this path.
 *
 * <p>Time is the serial sum of the costs charged ({@link Costs}): a fault's service, each copy (the path's latency
 * plus the bytes at its bandwidth), each access (a remote access's latency is shared by the phase's
 * {@code concurrency} issuers, which overlap it, plus its bytes at the path's bandwidth). Counts are the outputs to
 * trust; times are indicative, as in {@link ResidencyModel}. Same inputs and seed: same result, bit for bit.
 */
public final class MultiGpuModel {

    /** Pages in a fault's unit of service: the 64 KiB big page. */
    static final int BIG_PAGE_PAGES = 16;
    static final int POLL_EVERY = 4096;
    private static final long PAGE_BYTES = Bytes.PAGE.bytes();
    private static final byte UNPOPULATED = (byte) Location.UNPOPULATED;
    private static final byte HOST = (byte) Location.HOST;

    /**
     * The model's fixed costs.
     *
     * @param deviceFault  the driver's service of one GPU fault, before copies (default 20 us, as
     *                     {@link ResidencyModel.Costs#defaults()})
     * @param hostFault    service of one CPU fault on a GPU page, before the copy (default 20 us, the same)
     * @param deviceAccess one GPU access to its own memory (default 10 ns)
     * @param hostAccess   one CPU access to host memory (default 10 ns)
     * @param accessCounterThreshold remote accesses to a 64 KiB region before the access counters migrate it on a
     *                     coherent link, 1 to 65535 (default 256: uvm_perf_access_counter_threshold)
     */
    public record Costs(SimDuration deviceFault, SimDuration hostFault, SimDuration deviceAccess,
                        SimDuration hostAccess, int accessCounterThreshold) {
        public Costs {
            if (deviceFault == null || hostFault == null || deviceAccess == null || hostAccess == null) {
                throw new IllegalArgumentException("multi-GPU model costs: every cost must be set, got null");
            }
            if (accessCounterThreshold < 1 || accessCounterThreshold > 65535) {
                throw new IllegalArgumentException("multi-GPU model accessCounterThreshold must be in [1, 65535], got "
                        + accessCounterThreshold);
            }
        }

        /** The defaults above. */
        public static Costs defaults() {
            ResidencyModel.Costs r = ResidencyModel.Costs.defaults();
            return new Costs(r.deviceFault(), r.hostFault(), r.deviceAccess(), r.hostAccess(), 256);
        }
    }

    private final Platform platform;
    private final Topology topo;
    private final MigrationPolicy policy;
    private final GpuToGpu mode;
    private final Costs costs;
    private final int gpus;
    private final long capacityPages;

    /**
     * @param platform the platform, its {@link Platform#topology()} giving the GPUs and links
     * @param policy   a fresh policy; its {@link MigrationPolicy#hints() hints} are the advice this model honours
     * @param costs    the fixed costs
     */
    public MultiGpuModel(Platform platform, MigrationPolicy policy, Costs costs) {
        if (platform == null || policy == null || costs == null) {
            throw new IllegalArgumentException("multi-GPU model: platform, policy and costs must be set, got null");
        }
        if (!platform.driver().equals(org.hmmlab.platform.DriverPersonality.UVM)) {
            throw new IllegalArgumentException("multi-GPU model: it makes nvidia-uvm's decisions; platform '"
                    + platform.name() + "' is driven by " + platform.driver().name());
        }
        this.platform = platform;
        this.topo = platform.topology();
        this.policy = policy;
        this.mode = platform.topology().gpuToGpu();
        this.costs = costs;
        this.gpus = topo.gpus();
        this.capacityPages = platform.gpu().vram().bytes() >>> Pages.PAGE_SHIFT;
    }

    /**
     * Runs every phase of {@code workload} in order, phase {@code i}'s accesses from
     * {@code Seeds.phase(seed, i, name)} as on the other engines; polls {@code cancel} between phases and every
     * {@value #POLL_EVERY} accesses.
     *
     * @throws IllegalArgumentException naming the phase when it runs on a GPU the platform does not have
     */
    public MultiGpuResult run(Workload workload, long seed, CancellationToken cancel) {
        if (workload == null || cancel == null) {
            throw new IllegalArgumentException("multi-GPU model: workload and cancel must be set, got null");
        }
        for (Phase p : workload.phases()) {
            if (!p.agent().isCpu()) {
                topo.requireGpu("phase '" + p.name() + "'", p.agent().index());
            }
        }
        workload.requireFitsInHost(Bytes.GiB(1024));
        Run r = new Run(workload, cancel);
        List<Phase> phases = workload.phases();
        for (int i = 0; i <= phases.size(); i++) {
            cancel.throwIfCancelled();
            for (Free f : workload.freesAfter(i)) {
                r.free(f.allocation());
            }
            if (i < phases.size()) {
                r.phase(phases.get(i), Seeds.phase(seed, i, phases.get(i).name()));
            }
        }
        return new MultiGpuResult(platform.name(), gpus, r.c, r.hostFaults, r.cpuRemote, SimDuration.ns(r.now),
                r.timings);
    }

    // --- paths ----------------------------------------------------------------------------------------------------

    /**
     * What this model charges for one copy of {@code size} from {@code from} to {@code to} (each
     * {@link Location#HOST} or a GPU index): the path's latency plus the bytes at its bandwidth, a GPU-to-GPU copy
     * staged through system memory as two such copies unless the topology's path and peers allow a direct one.
     * For calibration and for reading the model: {@code model.copyTime(Location.HOST, 0, Bytes.GiB(1))}.
     */
    public SimDuration copyTime(int from, int to, Bytes size) {
        if (from == to || from < Location.HOST || to < Location.HOST || from >= gpus || to >= gpus) {
            throw new IllegalArgumentException("copyTime(from, to, size): from and to must be two different processors"
                    + " among host (-1) and " + Topology.names(gpus) + ", got " + from + " and " + to);
        }
        long b = size.bytes();
        if (from == Location.HOST) {
            return SimDuration.ns(hostToDeviceLatency() + transfer(hostToDevice(), b));
        }
        if (to == Location.HOST) {
            return SimDuration.ns(hostToDeviceLatency() + transfer(deviceToHost(), b));
        }
        if (mode == GpuToGpu.DRIVER && topo.peers(from, to)) {
            return SimDuration.ns(peerLatency(from, to) + transfer(peerBandwidth(from, to), b));
        }
        return SimDuration.ns(2 * hostToDeviceLatency() + transfer(deviceToHost(), b) + transfer(hostToDevice(), b));
    }

    private long hostToDeviceLatency() {
        CoherentLink c = topo.coherentLink();
        return c != null ? c.latency().nanos() : platform.link().roundTripLatency().nanos();
    }

    private Bandwidth hostToDevice() {
        CoherentLink c = topo.coherentLink();
        return c != null ? c.hostToDevice() : platform.link().tlpBandwidth();
    }

    private Bandwidth deviceToHost() {
        CoherentLink c = topo.coherentLink();
        return c != null ? c.deviceToHost() : platform.link().tlpBandwidth();
    }

    private long peerLatency(int a, int b) {
        NvLink l = topo.nvlink(a, b);
        if (l != null) {
            return l.latency().nanos();
        }
        long rt = platform.link().roundTripLatency().nanos();
        return topo.fabric() == PeerFabric.ROOT_COMPLEX ? 2 * rt : rt;
    }

    private Bandwidth peerBandwidth(int a, int b) {
        NvLink l = topo.nvlink(a, b);
        return l != null ? l.bandwidth() : platform.link().tlpBandwidth();
    }

    private static long transfer(Bandwidth bw, long bytes) {
        return bw.timeToTransfer(Bytes.of(bytes)).nanos();
    }

    /**
     * The processor whose memory a fault by GPU {@code g} on page {@code page} (now at {@code loc}) should make the
     * page's home, with {@code dup[0]} set when it becomes a read-only duplicate there. Mirrors
     * block_select_processor_residency() (uvm_va_block.c), the rules listed on the class.
     */
    int selectResidency(Hints hints, long page, int loc, int g, boolean write, boolean[] dup) {
        dup[0] = false;
        if (hints.readMostly(page)) {
            dup[0] = !write && loc != Location.UNPOPULATED; // can_read_duplicate(): reads copy, writes migrate
            return g;
        }
        int preferred = hints.preferredLocation(page);
        boolean hasPreferred = preferred != Hints.NO_PREFERENCE;
        if (hasPreferred && preferred == g) {
            return g;
        }
        if (loc == Location.UNPOPULATED) {
            return hasPreferred && accessible(preferred, g) ? preferred : g;
        }
        if (hints.accessedBy(page, g) && accessible(loc, g)) {
            return loc;
        }
        if (loc != g && hasPreferred && accessible(preferred, g)) {
            return preferred;
        }
        return g;
    }

    /** Whether GPU {@code g} can map memory of {@code location}: host memory always, a GPU when they are peers. */
    boolean accessible(int location, int g) {
        return location == Location.HOST || topo.peers(location, g);
    }

    /** One run's mutable state. */
    private final class Run {
        private final CancellationToken cancel;
        private final Hints hints;
        private final long basePage = ResidencyModel.BASE_ADDRESS >>> Pages.PAGE_SHIFT;
        private final String[] names;
        private final long[] allocFirst;
        private final long[] allocPages;
        private final byte[] loc;
        private final long[] dup;
        private final long[] mapped;
        private final long[] resident;
        private final long[][] fifo;
        private final int[] fifoHead;
        private final int[] fifoTail;
        private final int[][] accessCounts;
        final long[][] c = new long[MultiGpuCounter.values().length][];
        long hostFaults;
        long cpuRemote;
        long now;
        final List<RunResult.PhaseTiming> timings = new ArrayList<>();
        // copies of the fault being serviced, by source and destination processor (index = location + 2)
        private final long[][] moves;
        private final boolean[] dupOut = new boolean[1];

        Run(Workload w, CancellationToken cancel) {
            this.cancel = cancel;
            this.hints = policy.hints();
            List<Allocation> allocs = w.allocations();
            names = new String[allocs.size()];
            allocFirst = new long[allocs.size()];
            allocPages = new long[allocs.size()];
            long pages = 0;
            for (int i = 0; i < allocs.size(); i++) {
                names[i] = allocs.get(i).name();
                allocFirst[i] = pages;
                allocPages[i] = allocs.get(i).size().pagesCeil();
                pages += (allocPages[i] + Pages.PAGES_PER_BLOCK - 1) / Pages.PAGES_PER_BLOCK * Pages.PAGES_PER_BLOCK;
                policy.onMapped(names[i], basePage + allocFirst[i], allocPages[i]);
            }
            if (pages > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("multi-GPU model: allocations of " + pages + " pages exceed "
                        + Integer.MAX_VALUE + " pages");
            }
            loc = new byte[(int) pages];
            Arrays.fill(loc, UNPOPULATED);
            dup = new long[(int) pages];
            mapped = new long[(int) pages];
            resident = new long[gpus];
            fifo = new long[gpus][64];
            fifoHead = new int[gpus];
            fifoTail = new int[gpus];
            accessCounts = new int[topo.coherent() ? gpus : 0][(int) (pages / BIG_PAGE_PAGES + 1)];
            for (int k = 0; k < c.length; k++) {
                c[k] = new long[gpus];
            }
            moves = new long[gpus + 2][gpus + 2];
        }

        private int alloc(String name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no allocation '" + name + "'");
        }

        void phase(Phase ph, long phaseSeed) {
            long start = now;
            int a = alloc(ph.allocation());
            long first = allocFirst[a];
            AccessStream s = ph.stream(phaseSeed);
            int conc = ph.concurrency();
            boolean cpu = ph.agent().isCpu();
            int g = cpu ? -1 : ph.agent().index();
            long n = 0;
            while (s.next()) {
                if (++n % POLL_EVERY == 0) {
                    cancel.throwIfCancelled();
                }
                int i = (int) (first + s.page());
                boolean write = s.type().modifies();
                if (cpu) {
                    cpuAccess(a, i, write, s.size(), conc);
                } else if (topo.coherent()) {
                    coherentGpuAccess(a, g, i, s.size(), conc);
                } else {
                    gpuAccess(a, g, i, write, s.size(), conc);
                }
            }
            timings.add(new RunResult.PhaseTiming(ph.name(), ph.agent().toString(), start, now));
        }

        void free(String name) {
            int a = alloc(name);
            for (long p = allocFirst[a]; p < allocFirst[a] + allocPages[a]; p++) {
                int i = (int) p;
                if (loc[i] >= 0) {
                    resident[loc[i]]--;
                }
                for (int h = 0; h < gpus; h++) {
                    if ((dup[i] & (1L << h)) != 0) {
                        resident[h]--;
                    }
                }
                loc[i] = UNPOPULATED;
                dup[i] = 0;
                mapped[i] = 0;
            }
        }

        // --- GPU on PCIe: the UVM fault path ---------------------------------------------------------------------

        private void gpuAccess(int a, int g, int i, boolean write, long size, int conc) {
            long bit = 1L << g;
            // while a page is duplicated every mapping of it is read-only, the original's too
            // (block_prep_read_duplicate_mapping()), so any write faults and collapses the copies
            if ((mapped[i] & bit) == 0 || (write && dup[i] != 0)) {
                fault(a, g, i, write);
            }
            if ((dup[i] & bit) != 0 || loc[i] == g) {
                c[LOCAL_ACCESSES.ordinal()][g]++;
                now += costs.deviceAccess().nanos();
            } else if (loc[i] == HOST) {
                c[REMOTE_ACCESSES.ordinal()][g]++;
                c[LINK_BYTES.ordinal()][g] += size;
                now += hostToDeviceLatency() / conc + transfer(write ? deviceToHost() : hostToDevice(), size);
            } else {
                int h = loc[i];
                c[PEER_ACCESSES.ordinal()][g]++;
                c[LINK_BYTES.ordinal()][g] += size;
                now += peerLatency(g, h) / conc + transfer(peerBandwidth(g, h), size);
            }
        }

        /** A replayable fault by GPU {@code g} on page {@code i}, serviced for its 64 KiB big page. */
        private void fault(int a, int g, int i, boolean write) {
            c[FAULTS.ordinal()][g]++;
            now += costs.deviceFault().nanos();
            long bit = 1L << g;
            long lo = Math.max(allocFirst[a], i - (i - allocFirst[a]) % BIG_PAGE_PAGES);
            long hi = Math.min(allocFirst[a] + allocPages[a], lo + BIG_PAGE_PAGES);
            for (long p = lo; p < hi; p++) {
                int j = (int) p;
                boolean faulted = j == i;
                if (!faulted && (mapped[j] & bit) != 0) {
                    continue; // already mapped for this GPU: the grown fault leaves it alone
                }
                int target = selectResidency(hints, basePage + j, loc[j], g, faulted && write, dupOut);
                if (dupOut[0]) {
                    if ((dup[j] & bit) == 0 && loc[j] != g) {
                        moves[loc[j] + 2][g + 2]++;
                        dup[j] |= bit;
                        land(g, j);
                        c[DUPLICATED_PAGES.ordinal()][g]++;
                    }
                    mapped[j] |= bit;
                    continue;
                }
                if (target != loc[j]) {
                    moveTo(j, target);
                } else if (faulted && write) {
                    breakReadDuplication(j, target); // a write where the page lives: every copy elsewhere goes
                }
                mapped[j] |= bit; // local, or a remote mapping of where the page stays
            }
            chargeMoves();
            for (int h = 0; h < gpus; h++) {
                while (resident[h] > capacityPages) {
                    evictOne(h);
                }
            }
        }

        /**
         * Makes {@code target} page {@code j}'s home: read duplication broken (every other copy invalidated), the
         * copy queued on the right path, every mapping of the old home dropped and the accessed-by GPUs that can
         * reach the new home mapped again.
         */
        private void moveTo(int j, int target) {
            int from = loc[j];
            boolean targetHasCopy = target >= 0 && (dup[j] & (1L << target)) != 0;
            breakReadDuplication(j, target);
            if (targetHasCopy) {
                // the duplicate on the target becomes the page: nothing to copy (resident already counted)
            } else {
                moves[from + 2][target + 2]++;
                if (target >= 0) {
                    land(target, j);
                }
            }
            if (from >= 0) {
                resident[from]--;
            }
            dropMappings(j, 0);
            loc[j] = (byte) target;
            remapAccessedBy(j);
        }

        /** Drops every read-only duplicate of page {@code j} but {@code keep}'s. Mirrors break_read_duplication_in_region(). */
        private void breakReadDuplication(int j, int keep) {
            long d = dup[j];
            if (d == 0) {
                return;
            }
            for (int h = 0; h < gpus; h++) {
                long bit = 1L << h;
                if ((d & bit) != 0) {
                    if (h != keep) {
                        resident[h]--;
                        c[INVALIDATED_COPIES.ordinal()][h]++;
                    }
                    mapped[j] &= ~bit;
                }
            }
            dup[j] = 0;
        }

        /** Drops the GPUs' mappings of page {@code j}, but those in {@code keep}. */
        private void dropMappings(int j, long keep) {
            long drop = mapped[j] & ~keep;
            for (int h = 0; h < gpus; h++) {
                if ((drop & (1L << h)) != 0) {
                    c[INVALIDATED_MAPPINGS.ordinal()][h]++;
                }
            }
            mapped[j] &= keep;
        }

        /** The accessed-by GPUs that can reach page {@code j}'s home map it (mappings after a migration). */
        private void remapAccessedBy(int j) {
            int home = loc[j];
            if (home == UNPOPULATED) {
                return;
            }
            for (int h = 0; h < gpus; h++) {
                if (h == home || (hints.accessedBy(basePage + j, h) && accessible(home, h))) {
                    mapped[j] |= 1L << h;
                }
            }
        }

        private void land(int g, int j) {
            resident[g]++;
            if (fifoTail[g] == fifo[g].length) {
                int live = fifoTail[g] - fifoHead[g];
                long[] next = live * 2 > fifo[g].length ? new long[fifo[g].length * 2] : fifo[g];
                System.arraycopy(fifo[g], fifoHead[g], next, 0, live);
                fifo[g] = next;
                fifoHead[g] = 0;
                fifoTail[g] = live;
            }
            fifo[g][fifoTail[g]++] = j;
        }

        /** Evicts GPU {@code g}'s oldest page to host memory (a duplicate is dropped). */
        private void evictOne(int g) {
            long bit = 1L << g;
            while (fifoHead[g] < fifoTail[g]) {
                int j = (int) fifo[g][fifoHead[g]++];
                if ((dup[j] & bit) != 0) {
                    dup[j] &= ~bit;
                    mapped[j] &= ~bit;
                    resident[g]--;
                    c[EVICTIONS.ordinal()][g]++;
                    return;
                }
                if (loc[j] == g) {
                    c[EVICTIONS.ordinal()][g]++;
                    c[PAGES_TO_HOST.ordinal()][g]++;
                    c[LINK_BYTES.ordinal()][g] += PAGE_BYTES;
                    now += transferTime(deviceToHost(), 1, hostToDeviceLatency());
                    resident[g]--;
                    dropMappings(j, 0);
                    loc[j] = HOST;
                    remapAccessedBy(j);
                    return;
                }
            }
            throw new IllegalStateException("gpu" + g + " holds " + resident[g] + " pages but none to evict");
        }

        private long transferTime(Bandwidth bw, long pages, long latency) {
            return latency + transfer(bw, pages * PAGE_BYTES);
        }

        /** Charges the copies of the fault just serviced, one per path, and clears them. */
        private void chargeMoves() {
            for (int s = 0; s < gpus + 2; s++) {
                for (int d = 0; d < gpus + 2; d++) {
                    long n = moves[s][d];
                    if (n == 0) {
                        continue;
                    }
                    moves[s][d] = 0;
                    charge(s - 2, d - 2, n);
                }
            }
        }

        private void charge(int from, int to, long n) {
            long bytes = n * PAGE_BYTES;
            if (from == Location.UNPOPULATED) {
                if (to >= 0) {
                    c[PAGES_POPULATED_ON_DEVICE.ordinal()][to] += n; // zero-filled where it lands
                }
                return;
            }
            if (from == Location.HOST && to >= 0) {
                c[PAGES_TO_DEVICE.ordinal()][to] += n;
                c[LINK_BYTES.ordinal()][to] += bytes;
                now += transferTime(hostToDevice(), n, hostToDeviceLatency());
                return;
            }
            if (from >= 0 && to == Location.HOST) {
                c[PAGES_TO_HOST.ordinal()][from] += n;
                c[LINK_BYTES.ordinal()][from] += bytes;
                now += transferTime(deviceToHost(), n, hostToDeviceLatency());
                return;
            }
            if (from >= 0 && to >= 0) {
                c[PAGES_TO_DEVICE.ordinal()][to] += n;
                if (mode == GpuToGpu.DRIVER && topo.peers(from, to)) {
                    c[PEER_COPIED_PAGES.ordinal()][to] += n;
                    c[LINK_BYTES.ordinal()][to] += bytes;
                    now += transferTime(peerBandwidth(from, to), n, peerLatency(from, to));
                    return;
                }
                if (mode == GpuToGpu.THROUGH_SYSTEM_MEMORY) {
                    hostFaults++; // hmm_range_fault faults it back through its owner's migrate_to_ram
                    now += costs.hostFault().nanos();
                }
                c[STAGED_PAGES.ordinal()][to] += n;
                c[PAGES_TO_HOST.ordinal()][from] += n;
                c[LINK_BYTES.ordinal()][from] += bytes;
                c[LINK_BYTES.ordinal()][to] += bytes;
                now += transferTime(deviceToHost(), n, hostToDeviceLatency())
                        + transferTime(hostToDevice(), n, hostToDeviceLatency());
            }
        }

        // --- the CPU -----------------------------------------------------------------------------------------------

        private void cpuAccess(int a, int i, boolean write, long size, int conc) {
            int home = loc[i];
            if (home == UNPOPULATED) {
                loc[i] = HOST; // first touch on the CPU populates host memory
                remapAccessedBy(i);
            } else if (home >= 0 && topo.coherent()) {
                cpuRemote++; // coherent: the CPU loads and stores GPU memory in place
                now += hostToDeviceLatency() / conc + transfer(write ? hostToDevice() : deviceToHost(), size);
                return;
            } else if (home >= 0) {
                migrateToRam(a, i, home);
            }
            if (write && dup[i] != 0) {
                breakReadDuplication(i, Location.HOST);
            }
            now += costs.hostAccess().nanos();
        }

        /** A CPU fault on a page in GPU {@code h}'s memory: its big page's pages on {@code h} come home. */
        private void migrateToRam(int a, int i, int h) {
            hostFaults++;
            now += costs.hostFault().nanos();
            long lo = Math.max(allocFirst[a], i - (i - allocFirst[a]) % BIG_PAGE_PAGES);
            long hi = Math.min(allocFirst[a] + allocPages[a], lo + BIG_PAGE_PAGES);
            for (long p = lo; p < hi; p++) {
                int j = (int) p;
                if (loc[j] == h) {
                    moveTo(j, Location.HOST);
                }
            }
            chargeMoves();
        }

        // --- GPU on a coherent link: ATS ----------------------------------------------------------------------------

        private void coherentGpuAccess(int a, int g, int i, long size, int conc) {
            int home = loc[i];
            if (home == UNPOPULATED) {
                c[FAULTS.ordinal()][g]++; // an ATS fault: populated on the GPU's NUMA node
                now += costs.deviceFault().nanos();
                long lo = Math.max(allocFirst[a], i - (i - allocFirst[a]) % BIG_PAGE_PAGES);
                long hi = Math.min(allocFirst[a] + allocPages[a], lo + BIG_PAGE_PAGES);
                for (long p = lo; p < hi; p++) {
                    int j = (int) p;
                    if (loc[j] == UNPOPULATED) {
                        loc[j] = (byte) g;
                        land(g, j);
                        c[PAGES_POPULATED_ON_DEVICE.ordinal()][g]++;
                    }
                }
                home = g;
                while (resident[g] > capacityPages) {
                    evictOne(g);
                }
            }
            if (home == g) {
                c[LOCAL_ACCESSES.ordinal()][g]++;
                now += costs.deviceAccess().nanos();
                return;
            }
            if (home >= 0) {
                c[PEER_ACCESSES.ordinal()][g]++;
                c[LINK_BYTES.ordinal()][g] += size;
                now += topo.peers(g, home) ? peerLatency(g, home) / conc + transfer(peerBandwidth(g, home), size)
                        : 2 * hostToDeviceLatency() / conc + transfer(deviceToHost(), size) + transfer(hostToDevice(), size);
                return;
            }
            c[REMOTE_ACCESSES.ordinal()][g]++; // ATS: translated against the CPU page table, no fault
            c[LINK_BYTES.ordinal()][g] += size;
            now += hostToDeviceLatency() / conc + transfer(hostToDevice(), size);
            int region = i / BIG_PAGE_PAGES;
            if (++accessCounts[g][region] >= costs.accessCounterThreshold()) {
                accessCounts[g][region] = 0;
                long lo = Math.max(allocFirst[a], (long) region * BIG_PAGE_PAGES);
                long hi = Math.min(allocFirst[a] + allocPages[a], lo + BIG_PAGE_PAGES);
                long n = 0;
                for (long p = lo; p < hi; p++) {
                    int j = (int) p;
                    if (loc[j] == HOST) {
                        loc[j] = (byte) g;
                        land(g, j);
                        n++;
                    }
                }
                c[ACCESS_COUNTER_MIGRATIONS.ordinal()][g] += n;
                c[PAGES_TO_DEVICE.ordinal()][g] += n;
                c[LINK_BYTES.ordinal()][g] += n * PAGE_BYTES;
                now += transferTime(hostToDevice(), n, hostToDeviceLatency());
                while (resident[g] > capacityPages) {
                    evictOne(g);
                }
            }
        }
    }
}
