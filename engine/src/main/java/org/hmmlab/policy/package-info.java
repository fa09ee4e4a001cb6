/**
 * Migration policies: what the driver decides when a GPU faults on a page, what it prefetches, what it evicts
 * when device memory is full, how it reacts to pages that bounce, and how it honours advice.
 *
 * <p>Each decision is a small pluggable interface, named after the UVM driver part it mirrors
 * ({@code kernel-open/nvidia-uvm/} in {@code NVIDIA/open-gpu-kernel-modules}; defaults in perf-figures.md
 * section 2):
 * <ul>
 *   <li>{@link org.hmmlab.policy.Placement}: map remotely, migrate, migrate a region, duplicate
 *       ({@code uvm_va_block_select_residency}, access-counter servicing);</li>
 *   <li>{@link org.hmmlab.policy.Prefetcher}: pages to migrate along with a fault ({@code uvm_perf_prefetch.c});</li>
 *   <li>{@link org.hmmlab.policy.Evictor}: the victim chunk when a GPU is full ({@code uvm_pmm_gpu.c});</li>
 *   <li>{@link org.hmmlab.policy.ThrashingDetector}: throttle or pin bouncing pages ({@code uvm_perf_thrashing.c});</li>
 *   <li>{@link org.hmmlab.policy.Hints}: preferred location, accessed-by, read-mostly ({@code cudaMemAdvise});</li>
 * </ul>
 * GPGPU-Sim UVMSmart's policies (Ganguly et al. ISCA'19, IPDPS'20) sit beside UVM's, each naming the peer's
 * function it follows: {@link org.hmmlab.policy.RandomPagePrefetcher}, {@link org.hmmlab.policy.TreeNeighbourhoodPrefetcher},
 * {@link org.hmmlab.policy.SwitchOnEvictionPrefetcher}, {@link org.hmmlab.policy.PeerEvictor},
 * {@link org.hmmlab.policy.TreeNeighbourhoodEvictor}, {@link org.hmmlab.policy.PeerEvictionOptions},
 * {@link org.hmmlab.policy.AdaptiveAccessCounterPlacement}.
 * composed by {@link org.hmmlab.policy.MigrationPolicy} in the driver's order. Every policy is a
 * {@link org.hmmlab.policy.DriverPolicy} with a {@link org.hmmlab.policy.DriverPolicy#decisionCost() cost hook}.
 *
 * <h2>How the timing layer calls them</h2>
 * The GPU model's fault handler (after fetching, deduplicating and sorting a batch of faults) does, for each
 * faulting page, with a {@link org.hmmlab.policy.FaultContext} flyweight refilled for that fault:
 * <ol>
 *   <li>{@code Decision d = policy.onDeviceFault(ctx)}; charge {@code policy.deviceFaultCost()} to the
 *       fault-servicing CPU thread;</li>
 *   <li>act on {@code d.action()}:
 *     <ul>
 *       <li>{@code NONE}: replay;</li>
 *       <li>{@code MAP_REMOTE}: map the host page into the device page table (zero-copy); each later access to it
 *           crosses the link, and for each the layer calls {@code policy.onRemoteAccess(ctx)}, which returns
 *           {@code NONE} or a {@code MIGRATE} decision (an access-counter notification). The notification goes
 *           into the GPU's notification buffer, apart from the fault buffer, and the host carries it out like a
 *           fault's in a batch of notifications, without a replay;</li>
 *       <li>{@code MIGRATE}: the region is pages {@code [d.regionFirstPage(page), + d.regionPages())}. For each
 *           2 MiB block the region (or the fault) touches, call
 *           {@code policy.prefetcher().prefetch(block, residentMask, faultedMask, outMask)} (charging its
 *           {@code decisionCost()}) and add {@code outMask} with cause {@code PREFETCH}. While the GPU lacks free
 *           pages for the migration, {@code victim = policy.evictor().pickVictim(gpu, now)} (charging its cost),
 *           migrate the victim chunk's resident pages back to the host through {@code migrate_vma} and report them
 *           with cause {@code EVICTION}; if no victim, migrate what fits and map the rest remotely. Then migrate
 *           through {@code migrate_vma_setup/pages/finalize} and map;</li>
 *       <li>{@code DUPLICATE}: copy the region read-only, keep the host copy mapped for the CPU; a later write by
 *           any processor invalidates the other copies;</li>
 *       <li>{@code THROTTLE}: do not service the fault now; replay it after {@code d.delay()}.</li>
 *     </ul></li>
 *   <li>after every completed migration (faults, prefetches, access counters, evictions, CPU faults and
 *       explicit migrations) call {@code policy.onMigrated(firstPage, pages, from, to, cause, now)}, so the
 *       evictor, the thrashing detector and the placement keep their state;</li>
 *   <li>if {@code policy.evictor().wantsAccesses()}, call {@code onDeviceAccess(gpu, page, write, faulted, now)}
 *       on each access to a device-resident page (its default hands the accesses that did not fault to
 *       {@code onDeviceAccess(gpu, page, now)}).</li>
 *   <li>when making room: evict while the pages would not fit in the capacity less
 *       {@code evictor().headroomPages(capacity)}, or while {@code evictor().hasQueuedVictims(gpu)}; each victim
 *       spans {@code evictor().victimPages(gpu)} pages from {@code pickVictim}'s first, and goes without a
 *       write-back when {@code evictor().dropsVictimClean(gpu)}.</li>
 * </ol>
 * A CPU fault on a page resident on a GPU calls {@code policy.onHostFault(ctx)} (with {@code processor()} =
 * {@link org.hmmlab.policy.Location#HOST}): {@code THROTTLE} delays the CPU, otherwise the page migrates back to
 * host memory ({@code migrate_to_ram}) and is reported with cause {@code HOST_FAULT}.
 *
 * <p>Policies keep their state in primitive arrays and hash tables keyed by page number, allocate nothing per
 * call, never read the wall clock and never iterate in hash order: same seed, same result, bit for bit. They are
 * single-threaded, like the simulator that drives them; build a fresh policy for each run.
 *
 * <p>{@link org.hmmlab.run.ResidencyModel} is a page-granular residency simulation without time that drives
 * the same interfaces in the same order, for quick what-ifs and for the policies' own tests.
 */
package org.hmmlab.policy;
