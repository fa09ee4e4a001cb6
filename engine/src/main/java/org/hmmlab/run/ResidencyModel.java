package org.hmmlab.run;

import java.util.Arrays;
import java.util.List;
import org.hmmlab.policy.Decision;
import org.hmmlab.policy.FaultContext;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.MigrationCause;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.policy.MutableFaultContext;
import org.hmmlab.policy.PageMask;
import org.hmmlab.policy.Pages;
import org.hmmlab.policy.UserPrefetchPlan;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;
import org.hmmlab.workload.AccessStream;
import org.hmmlab.workload.AccessType;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Free;
import org.hmmlab.workload.UserPrefetch;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * A page-granular residency simulation of one GPU and the host: runs a workload's phases access by access,
 * driving a {@link MigrationPolicy} exactly as the timing layer does (see the policy package documentation), and counts
 * faults, migrations, evictions and remote traffic. For quick what-ifs and for testing policies on their own.
 *
 * <p>Time is a simple serial sum of fixed costs ({@link Costs}): each access, each fault service, each page copy
 * over the link at a fixed bandwidth, and throttling naps. There is no batching, no concurrency (a phase's
 * {@code concurrency} is ignored), no copy/link contention and no TLB: those belong to the timing layer's GPU
 * model. What this model gets exactly right is the sequence of policy decisions and the residency they produce,
 * so counts (faults, pages moved, remote accesses) are the outputs to trust; times are indicative.
 *
 * <p>A {@link Free} of the workload runs at its point in the phase sequence: the allocation's pages leave the
 * GPU and the host uncopied, as munmap frees them.
 *
 * <p>Allocations are laid out from virtual address {@link #BASE_ADDRESS}, each starting on a 2 MiB boundary;
 * only the GPU with index 0 is modelled. Per-page state is in primitive arrays; nothing is allocated per access.
 * Same workload, policy and seed: same result, bit for bit.
 */
public final class ResidencyModel {

    /** Virtual address of the first allocation. */
    public static final long BASE_ADDRESS = 0x7f00_0000_0000L;

    private static final byte INVALID = -3;
    private static final int MAX_RETRIES = 100_000;
    /** Accesses between two polls of the cancellation token. */
    static final int POLL_EVERY = 4096;

    /**
     * Fixed costs of the model, with defaults sourced in perf-figures.md.
     *
     * @param deviceFault  driver service of one GPU fault, before copies (default 20 us: ARIADNE's "roughly
     *                     20 us" per VA block on RTX A5000, section 3a)
     * @param hostFault    service of one CPU fault on a device page, before the copy (default 20 us, assumed equal)
     * @param deviceAccess one GPU access to device memory (default 10 ns)
     * @param hostAccess   one CPU access to host memory (default 10 ns)
     * @param remoteAccess latency of one GPU access over the link, before its bytes (default 546 ns: median DMA read
     *                     round trip, section 1d)
     * @param link         migration and remote-access bandwidth per direction (default 12 GB/s: measured Gen3 x16,
     *                     section 1c)
     */
    public record Costs(SimDuration deviceFault, SimDuration hostFault, SimDuration deviceAccess,
                        SimDuration hostAccess, SimDuration remoteAccess, Bandwidth link) {
        public Costs {
            if (deviceFault == null || hostFault == null || deviceAccess == null || hostAccess == null
                    || remoteAccess == null || link == null) {
                throw new IllegalArgumentException("residency model costs: every cost must be set, got null");
            }
        }

        /** The sourced defaults. */
        public static Costs defaults() {
            return new Costs(SimDuration.us(20), SimDuration.us(20), SimDuration.ns(10), SimDuration.ns(10),
                    SimDuration.ns(546), Bandwidth.GBps(12));
        }
    }

    /**
     * What a run did.
     *
     * @param faults           GPU faults serviced (a throttled fault counts once per retry)
     * @param hostFaults       CPU faults on device pages
     * @param localAccesses    GPU accesses served from device memory
     * @param remoteAccesses   GPU accesses that crossed the link to host memory
     * @param remoteBytes      bytes of those accesses
     * @param pagesToDevice    pages whose contents were copied host to device (migrations by faults, prefetch and
     *                         access counters, and read-only duplicates)
     * @param pagesPopulatedOnDevice pages a first device touch populated in device memory, nothing copied
     * @param pagesToHost      pages migrated device to host (evictions and CPU faults)
     * @param prefetchedPages  of {@code pagesToDevice}, those the prefetcher added
     * @param evictions        pages evicted to make room
     * @param duplicatedPages  read-only duplicates created
     * @param throttles        throttle decisions obeyed
     * @param elapsed          the model's serial time
     */
    public record Result(long faults, long hostFaults, long localAccesses, long remoteAccesses,
                         long remoteBytes, long pagesToDevice, long pagesPopulatedOnDevice, long pagesToHost,
                         long prefetchedPages,
                         long evictions, long duplicatedPages, long throttles, SimDuration elapsed) {

        /** Bytes migrated host to device. */
        public Bytes bytesToDevice() {
            return Bytes.pages(pagesToDevice);
        }

        /** Bytes migrated device to host. */
        public Bytes bytesToHost() {
            return Bytes.pages(pagesToHost);
        }

        /** Bytes that crossed the link, both directions: migrations plus remote accesses. */
        public Bytes linkBytes() {
            return Bytes.pages(pagesToDevice + pagesToHost).plus(Bytes.of(remoteBytes));
        }
    }

    private final long capacityPages;
    private final Bytes hostMemory;
    private final MigrationPolicy policy;
    private final Costs costs;

    /**
     * @param deviceMemory GPU memory available to the workload, at least one 2 MiB chunk
     * @param hostMemory   host memory; the workload's allocations must fit
     * @param policy       a fresh policy (its components keep per-run state)
     * @param costs        the time model
     */
    public ResidencyModel(Bytes deviceMemory, Bytes hostMemory, MigrationPolicy policy, Costs costs) {
        if (deviceMemory == null || deviceMemory.bytes() < Pages.BLOCK.bytes()) {
            throw new IllegalArgumentException("device memory must be >= 2 MiB, got " + deviceMemory);
        }
        if (hostMemory == null || hostMemory.bytes() < 1) {
            throw new IllegalArgumentException("host memory must be >= 1 B, got " + hostMemory);
        }
        if (policy == null || costs == null) {
            throw new IllegalArgumentException("residency model policy and costs must be set, got null");
        }
        this.capacityPages = deviceMemory.bytes() >>> Pages.PAGE_SHIFT;
        this.hostMemory = hostMemory;
        this.policy = policy;
        this.costs = costs;
    }

    /** Default costs, 1 TiB of host memory. */
    public ResidencyModel(Bytes deviceMemory, MigrationPolicy policy) {
        this(deviceMemory, Bytes.GiB(1024), policy, Costs.defaults());
    }

    /**
     * Runs every phase of {@code workload} in order. Phase {@code i}'s accesses come from
     * {@code phase.stream(Seeds.phase(seed, i, phase.name()))}, the seed the timing engine gives the
     * same phase. A model runs once: build a new one (and a new policy) per run.
     *
     * @throws IllegalArgumentException when the workload does not fit in host memory or uses a GPU other than 0
     */
    public Result run(Workload workload, long seed) {
        return run(workload, seed, new CancellationToken());
    }

    /**
     * Runs every phase of {@code workload} in order, as {@link #run(Workload, long)}, stopping with
     * {@link org.hmmlab.sim.SimulationCancelledException} soon after {@code cancel} is cancelled (it is polled
     * between phases and every {@value #POLL_EVERY} accesses).
     */
    public Result run(Workload workload, long seed, CancellationToken cancel) {
        if (cancel == null) {
            throw new IllegalArgumentException("residency model cancel token must be set, got null");
        }
        workload.requireFitsInHost(hostMemory);
        for (Phase p : workload.phases()) {
            if (!p.agent().isCpu() && p.agent().index() != 0) {
                throw new IllegalArgumentException("phase '" + p.name() + "' agent must be cpu or gpu0 in the"
                        + " residency model, got " + p.agent());
            }
        }
        policy.evictor().seedFrom(Seeds.evictor(seed));
        policy.prefetcher().seedFrom(Seeds.prefetcher(seed));
        Run r = new Run(workload, cancel);
        List<Phase> phases = workload.phases();
        for (int i = 0; i <= phases.size(); i++) {
            cancel.throwIfCancelled();
            for (Free f : workload.freesAfter(i)) {
                r.free(f.allocation());
            }
            for (UserPrefetch u : workload.prefetchesAfter(i)) {
                r.userPrefetch(u);
            }
            if (i < phases.size()) {
                r.phase(phases.get(i), Seeds.phase(seed, i, phases.get(i).name()));
            }
        }
        return r.result();
    }

    /** One run's mutable state. */
    private final class Run {
        private final long basePage = BASE_ADDRESS >>> Pages.PAGE_SHIFT;
        private final String[] names;
        private final long[] allocFirstPage;
        private final long[] allocPages;
        private final byte[] loc;
        private final boolean[] remoteMapped;
        private final boolean[] duplicate;
        private final long[] resident = PageMask.create();
        private final long[] faulted = PageMask.create();
        private final long[] prefetch = PageMask.create();
        private long used;
        private long now;
        private final long pageCopyNanos = costs.link().timeToTransfer(Bytes.PAGE).nanos();

        private long deviceFaults;
        private long hostFaults;
        private long deviceAccesses;
        private long remoteAccesses;
        private long remoteBytes;
        private long pagesToDevice;
        private long populatedOnDevice;
        private long pagesToHost;
        private long prefetched;
        private long evicted;
        private long duplicated;
        private long throttles;

        // The flyweight fault context.
        /** The fault handed to the policy, refilled before each call. */
        private final MutableFaultContext ctx = new MutableFaultContext(this::residency, () -> capacityPages - used,
                capacityPages);

        private final CancellationToken cancel;

        Run(Workload w, CancellationToken cancel) {
            this.cancel = cancel;
            List<Allocation> allocs = w.allocations();
            names = new String[allocs.size()];
            allocFirstPage = new long[allocs.size()];
            allocPages = new long[allocs.size()];
            long pages = 0;
            for (int i = 0; i < allocs.size(); i++) {
                names[i] = allocs.get(i).name();
                allocFirstPage[i] = pages;
                long p = allocs.get(i).size().pagesCeil();
                allocPages[i] = p;
                policy.onMapped(names[i], basePage + allocFirstPage[i], p); // advice by allocation name
                pages += (p + Pages.PAGES_PER_BLOCK - 1) & -Pages.PAGES_PER_BLOCK;
            }
            if (pages > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("residency model workload size must be <= 8 TiB, got "
                        + Bytes.pages(pages));
            }
            loc = new byte[(int) pages];
            Arrays.fill(loc, INVALID);
            for (int i = 0; i < allocs.size(); i++) {
                int from = (int) allocFirstPage[i];
                Arrays.fill(loc, from, from + (int) allocs.get(i).size().pagesCeil(), (byte) Location.UNPOPULATED);
            }
            remoteMapped = new boolean[loc.length];
            duplicate = new boolean[loc.length];
        }

        void phase(Phase phase, long seed) {
            int a = 0;
            while (!names[a].equals(phase.allocation())) {
                a++;
            }
            long first = basePage + allocFirstPage[a];
            boolean cpu = phase.agent().isCpu();
            AccessStream s = phase.stream(seed);
            int poll = 0;
            while (s.next()) {
                if (++poll == POLL_EVERY) {
                    poll = 0;
                    cancel.throwIfCancelled();
                }
                long off = s.offset();
                long lastPage = (off + s.size() - 1) >>> Pages.PAGE_SHIFT;
                for (long p = off >>> Pages.PAGE_SHIFT; p <= lastPage; p++) {
                    if (cpu) {
                        hostAccess(first + p, s.type());
                    } else {
                        deviceAccess(first + p, s.type(), s.size());
                    }
                }
            }
        }

        /**
         * Frees an allocation (munmap): its pages leave every place, device copies included, without a copy back,
         * and the policies forget them. Mirrors MMU_NOTIFY_UNMAP and the pagemap's page_free (mm/memremap.c).
         */
        /**
         * An explicit prefetch ({@code cudaMemPrefetchAsync}) to the GPU: the transfers GPGPU-Sim UVMSmart cuts
         * ({@link UserPrefetchPlan}), each page migrated as {@link MigrationCause#EXPLICIT}, one page copy each.
         */
        void userPrefetch(UserPrefetch u) {
            if (u.gpu() != 0) {
                throw new IllegalArgumentException("prefetch of '" + u.allocation() + "' gpu must be 0 in the"
                        + " residency model, got " + u.gpu());
            }
            int a = 0;
            while (!names[a].equals(u.allocation())) {
                a++;
            }
            long first = basePage + allocFirstPage[a];
            for (long[] t : UserPrefetchPlan.transfers(first + u.firstPage(), u.pages(), first,
                    p -> loc[index(p)] == 0 || duplicate[index(p)])) {
                for (long p = t[0]; p < t[0] + t[1]; p++) {
                    migrateToDevice(p, MigrationCause.EXPLICIT);
                }
            }
        }

        void free(String allocation) {
            int a = 0;
            while (!names[a].equals(allocation)) {
                a++;
            }
            long first = basePage + allocFirstPage[a];
            int from = (int) allocFirstPage[a];
            int end = from + (int) allocPages[a];
            long runFirst = -1;
            for (int i = from; i <= end; i++) {
                boolean resident = i < end && (loc[i] == 0 || duplicate[i]);
                if (i < end) {
                    if (resident) {
                        used--;
                    }
                    loc[i] = INVALID;
                    remoteMapped[i] = false;
                    duplicate[i] = false;
                }
                long p = first + (i - from);
                if (runFirst >= 0 && (!resident || (p & (Pages.PAGES_PER_BLOCK - 1)) == 0)) {
                    // one report per contiguous run within a 2 MiB block, as migrations are reported
                    policy.onMigrated(runFirst, p - runFirst, 0, Location.UNPOPULATED, MigrationCause.UNMAP, now);
                    runFirst = -1;
                }
                if (resident && runFirst < 0) {
                    runFirst = p;
                }
            }
        }

        private int index(long page) {
            return (int) (page - basePage);
        }

        /** The allocation whose 2 MiB-aligned span holds {@code page}, or -1. */
        private int allocationOf(long page) {
            long i = page - basePage;
            for (int a = 0; a < allocFirstPage.length; a++) {
                if (i >= allocFirstPage[a] && i < allocFirstPage[a] + allocPages[a]) {
                    return a;
                }
            }
            return -1;
        }

        private FaultContext context(long page, AccessType type, int processor) {
            return ctx.fill(page << Pages.PAGE_SHIFT, type, processor, now);
        }

        private void deviceAccess(long page, AccessType type, long size) {
            int i = index(page);
            for (int retry = 0; retry < MAX_RETRIES; retry++) {
                if (loc[i] == 0 || (duplicate[i] && type == AccessType.READ)) {
                    deviceAccesses++;
                    now += costs.deviceAccess().nanos();
                    if (policy.evictor().wantsAccesses()) {
                        // A hit after a fault is the faulted access's replay: its insertion, not a re-reference.
                        policy.evictor().onDeviceAccess(0, page, type.modifies(), retry > 0, now);
                    }
                    return;
                }
                if (remoteMapped[i] && !duplicate[i]) {
                    remoteAccesses++;
                    remoteBytes += size;
                    now += costs.remoteAccess().nanos() + costs.link().timeToTransfer(Bytes.of(size)).nanos();
                    Decision d = policy.onRemoteAccess(context(page, type, 0));
                    if (d.action() == Decision.Action.MIGRATE) {
                        now += policy.placement().decisionCost().nanos();
                        long firstPage = d.regionFirstPage(page);
                        migrateRange(firstPage, d.regionPages(), d, MigrationCause.ACCESS_COUNTER);
                    }
                    return;
                }
                deviceFaults++;
                now += costs.deviceFault().nanos() + policy.deviceFaultCost().nanos();
                Decision d = policy.onDeviceFault(context(page, type, 0));
                switch (d.action()) {
                    case NONE, MAP_REMOTE -> {
                        populateOnHost(i);
                        remoteMapped[i] = true;
                    }
                    case MIGRATE -> migrateForFault(page, d);
                    case DUPLICATE -> duplicateRange(d.regionFirstPage(page), d.regionPages());
                    case THROTTLE -> {
                        throttles++;
                        now += d.delay().nanos();
                    }
                }
            }
            throw new IllegalStateException("policy " + policy.describe() + " did not let gpu0 access page 0x"
                    + Long.toHexString(page) + " after " + MAX_RETRIES + " faults");
        }

        private void hostAccess(long page, AccessType type) {
            int i = index(page);
            for (int retry = 0; retry < MAX_RETRIES; retry++) {
                if (loc[i] == 0) {
                    hostFaults++;
                    now += costs.hostFault().nanos() + policy.deviceFaultCost().nanos();
                    Decision d = policy.onHostFault(context(page, type, Location.HOST));
                    if (d.action() == Decision.Action.THROTTLE) {
                        throttles++;
                        now += d.delay().nanos();
                        continue;
                    }
                    moveToHost(page, MigrationCause.HOST_FAULT);
                    continue;
                }
                populateOnHost(i);
                if (duplicate[i] && type.modifies()) {
                    // A write collapses the read-only duplicates: the GPU copy is invalidated, not copied.
                    duplicate[i] = false;
                    used--;
                    policy.onMigrated(page, 1, 0, Location.HOST, MigrationCause.HOST_FAULT, now);
                }
                now += costs.hostAccess().nanos();
                return;
            }
            throw new IllegalStateException("policy " + policy.describe() + " did not let the cpu access page 0x"
                    + Long.toHexString(page) + " after " + MAX_RETRIES + " faults");
        }

        private void populateOnHost(int i) {
            if (loc[i] == Location.UNPOPULATED) {
                loc[i] = Location.HOST;
            }
        }

        /** A fault's migration: the decided region plus, block by block, what the prefetcher adds. */
        private void migrateForFault(long page, Decision d) {
            long first = d.regionFirstPage(page);
            long end = first + d.regionPages();
            for (long block = Pages.block(first); block <= Pages.block(end - 1); block++) {
                long blockFirst = Pages.firstPageOfBlock(block);
                PageMask.clearAll(resident);
                PageMask.clearAll(faulted);
                for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
                    long p = blockFirst + k;
                    int i = index(p);
                    if (i < 0 || i >= loc.length || loc[i] == INVALID) {
                        continue;
                    }
                    if (loc[i] == 0) {
                        PageMask.set(resident, k);
                    } else if (p >= first && p < end) {
                        PageMask.set(faulted, k);
                    }
                }
                if (PageMask.count(faulted) == 0) {
                    continue;
                }
                // max_prefetch_region: the block's pages inside the allocation (its tail block may end early)
                int a = allocationOf(blockFirst);
                int regionOuter = a < 0 ? Pages.PAGES_PER_BLOCK : (int) Math.min(Pages.PAGES_PER_BLOCK,
                        allocFirstPage[a] + allocPages[a] - (blockFirst - basePage));
                policy.prefetch(block, 0, regionOuter, resident, faulted, prefetch, now);
                now += policy.prefetcher().decisionCost().nanos();
                for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
                    if (PageMask.test(faulted, k)) {
                        migrateToDevice(blockFirst + k, MigrationCause.DEVICE_FAULT);
                    }
                }
                for (int k = 0; k < Pages.PAGES_PER_BLOCK; k++) {
                    if (PageMask.test(prefetch, k)) {
                        long p = blockFirst + k;
                        int i = index(p);
                        // counted among pagesToDevice only when its contents are copied
                        boolean copies = i >= 0 && i < loc.length && loc[i] == Location.HOST && !duplicate[i];
                        if (i >= 0 && i < loc.length && loc[i] != INVALID && loc[i] != 0
                                && migrateToDevice(p, MigrationCause.PREFETCH) && copies) {
                            prefetched++;
                        }
                    }
                }
            }
        }

        /** Migrates the pages of [first, first + count) in the sub-regions {@code d} names. */
        private void migrateRange(long first, long count, Decision d, MigrationCause cause) {
            for (long p = first; p < first + count; p++) {
                int i = index(p);
                if (i >= 0 && i < loc.length && loc[i] != INVALID && loc[i] != 0 && d.coversSubRegion(p)) {
                    migrateToDevice(p, cause);
                }
            }
        }

        /** Moves one page to gpu0 if there is (or can be made) room; otherwise maps it remotely. */
        private boolean migrateToDevice(long page, MigrationCause cause) {
            int i = index(page);
            if (!duplicate[i] && !makeRoom()) {
                populateOnHost(i);
                remoteMapped[i] = true;
                return false;
            }
            int from = loc[i];
            if (from == Location.HOST && !duplicate[i]) { // collapsing a duplicate reuses its device copy
                pagesToDevice++;
                now += pageCopyNanos;
            } else if (from == Location.UNPOPULATED) {
                populatedOnDevice++; // zero-filled in device memory, nothing to copy
            }
            if (!duplicate[i]) {
                used++;
            }
            duplicate[i] = false;
            loc[i] = 0;
            remoteMapped[i] = false;
            policy.onMigrated(page, 1, from, 0, cause, now);
            return true;
        }

        private void duplicateRange(long first, long count) {
            for (long p = first; p < first + count; p++) {
                int i = index(p);
                if (i < 0 || i >= loc.length || loc[i] == INVALID || loc[i] == 0 || duplicate[i]) {
                    continue;
                }
                populateOnHost(i);
                if (!makeRoom()) {
                    remoteMapped[i] = true;
                    continue;
                }
                used++;
                duplicate[i] = true;
                duplicated++;
                pagesToDevice++;
                now += pageCopyNanos;
                policy.onMigrated(p, 1, Location.HOST, 0, MigrationCause.DEVICE_FAULT, now);
            }
        }

        private void moveToHost(long page, MigrationCause cause) {
            int i = index(page);
            loc[i] = Location.HOST;
            used--;
            remoteMapped[i] = false;
            pagesToHost++;
            now += pageCopyNanos;
            policy.onMigrated(page, 1, 0, Location.HOST, cause, now);
        }

        /**
         * Evicts chunks until one page fits (and the evictor's free-page buffer is kept, and its queued victims are
         * gone); false when no page fits and the evictor has nothing to give.
         */
        private boolean makeRoom() {
            var evictor = policy.evictor();
            long keep = Math.max(0, capacityPages - evictor.headroomPages(capacityPages));
            while (used >= keep || evictor.hasQueuedVictims(0)) {
                long victim = evictor.pickVictim(0, now);
                now += evictor.decisionCost().nanos();
                if (victim < 0) {
                    break;
                }
                long extent = evictor.victimPages(0);
                boolean drop = evictor.dropsVictimClean(0);
                long freed = 0;
                long runFirst = -1;
                for (long p = victim; p <= victim + extent; p++) {
                    int i = index(p);
                    boolean leaves = p < victim + extent && i >= 0 && i < loc.length
                            && (loc[i] == 0 || duplicate[i]);
                    if (leaves) {
                        if (loc[i] == 0 && !drop) {
                            pagesToHost++;
                            now += pageCopyNanos;
                        }
                        loc[i] = Location.HOST;
                        duplicate[i] = false;
                        remoteMapped[i] = false;
                        used--;
                        evicted++;
                        freed++;
                        if (runFirst < 0) {
                            runFirst = p;
                        }
                    } else if (runFirst >= 0) {
                        // One report per contiguous run, as the driver evicts a chunk in one migration.
                        policy.onMigrated(runFirst, p - runFirst, 0, Location.HOST, MigrationCause.EVICTION, now);
                        runFirst = -1;
                    }
                }
                if (freed == 0) {
                    throw new IllegalStateException("evictor " + evictor.name() + " chose chunk 0x"
                            + Long.toHexString(victim) + " with no page resident on gpu0");
                }
            }
            return used < capacityPages;
        }

        Result result() {
            return new Result(deviceFaults, hostFaults, deviceAccesses, remoteAccesses, remoteBytes, pagesToDevice,
                    populatedOnDevice, pagesToHost, prefetched, evicted, duplicated, throttles, SimDuration.ns(now));
        }

        /** Where a page lives, as a {@link Location} code: the fault context's residency view. */
        private int residency(long page) {
            long i = page - basePage;
            if (i < 0 || i >= loc.length || loc[(int) i] == INVALID) {
                return Location.UNPOPULATED;
            }
            return loc[(int) i];
        }
    }
}
