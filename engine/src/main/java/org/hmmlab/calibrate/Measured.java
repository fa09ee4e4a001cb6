package org.hmmlab.calibrate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.hmmlab.metrics.Counter;
import org.hmmlab.metrics.RunResult;
import org.hmmlab.platform.Platform;
import org.hmmlab.run.Experiment;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.AccessTrace;
import org.hmmlab.workload.Allocation;
import org.hmmlab.workload.Patterns;
import org.hmmlab.workload.Phase;
import org.hmmlab.workload.Workload;

/**
 * One measurement of the CUDA microbenchmarks in {@code calibrate/cuda/} (a result of their JSON document), and the
 * same scenario run on the model: {@link #against} gives the calibration case, the measured value beside the
 * model's.
 *
 * <p>Each record mirrors one result {@code kind} of the document; the DSL's {@code MeasurementJson} reads them. The
 * model runs with UVM's defaults and 64 KiB fault growth ({@link Calibration#uvm64k()}), as the published fault
 * cases do; the benchmarks' host writes every buffer first, so every model scenario starts with a CPU phase that
 * writes the allocation. The model has one fault path for managed and for malloc (HMM) memory: a system-memory
 * case runs the same scenario, and its note says so.
 */
public sealed interface Measured {

    /** The result kind as the document names it: {@code copy}, {@code first_fault}, ... */
    String kind();

    /**
     * The cases: this measurement beside the model on {@code platform}; one, or several where the benchmark also
     * read the driver's fault counters ({@link FaultStats}).
     *
     * @param memory "device", "managed" or "system": the memory the benchmark ran over
     * @param tag    {@link SourceTag#MEASURED} for a measurement; a synthetic example file is tagged otherwise
     * @param source the citation (file, device, driver)
     */
    List<CalibrationCase> against(Platform platform, String memory, SourceTag tag, String source);

    /**
     * The growth of the UVM driver's fault counters over one kernel, as its debug procfs file {@code fault_stats}
     * shows them (nvidia-uvm's uvm_gpu.c, gpu_fault_stats_print_common): faults the GPU reported (duplicates
     * included), duplicates, 4 KiB pages migrated to the GPU, and replays, one for each serviced batch under the
     * default replay policy.
     */
    record FaultStats(long replayableFaults, long duplicates, long pagesIn, long replays) {
        public FaultStats {
            if (replayableFaults < 0 || duplicates < 0 || pagesIn < 0 || replays < 0) {
                throw new IllegalArgumentException("fault_stats counters must be >= 0, got " + replayableFaults
                        + ", " + duplicates + ", " + pagesIn + ", " + replays);
            }
        }

        /** The three counters beside the model's {@code FAULTS}, {@code PAGES_TO_DEVICE} and {@code REPLAYS}. */
        List<CalibrationCase> against(RunResult model, String what, SourceTag tag, String source) {
            String note = "the driver's fault_stats over the kernel (uvm_enable_debug_procfs=1)";
            return List.of(
                    CalibrationCase.of("faults reported, " + what, tag, source, "faults", replayableFaults,
                            model.count(Counter.FAULTS), note),
                    CalibrationCase.of("pages migrated to the GPU, " + what, tag, source, "pages", pagesIn,
                            model.count(Counter.PAGES_TO_DEVICE), note),
                    CalibrationCase.of("fault batches (replays), " + what, tag, source, "batches", replays,
                            model.count(Counter.REPLAYS), note));
        }
    }

    /** Host-to-device ({@code h2d}) or device-to-host ({@code d2h}) copy of {@code bytes}, median rate in GB/s. */
    record Copy(boolean toDevice, boolean pinned, long bytes, double gbps) implements Measured {
        public Copy {
            positive("copy.bytes", bytes);
            positive("copy.gbps", gbps);
        }

        @Override
        public String kind() {
            return "copy";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            String name = "copy " + (toDevice ? "H2D" : "D2H") + " " + (pinned ? "pinned" : "pageable") + " "
                    + size(bytes);
            if (pinned) {
                return List.of(CalibrationCase.of(name, tag, source, "GB/s", gbps, Calibration.copyRate(p, toDevice,
                        Bytes.of(bytes)), ""));
            }
            if (toDevice) {
                double model = bytes / (double) Calibration.pageableCopyTime(p, Bytes.of(bytes)).nanos();
                return List.of(CalibrationCase.of(name, tag, source, "GB/s", gbps, model, "CUDA events around the"
                        + " copy include staging the first piece, which the model's GPU-side span leaves out"));
            }
            return List.of(CalibrationCase.of(name, tag, source, "GB/s", gbps, Calibration.copyRate(p, false,
                    Bytes.of(bytes)), "the model stages only host-to-device copies: a pageable D2H runs as a"
                    + " pinned one there"));
        }
    }

    /** One thread's first read of a fresh, host-written 2 MiB block: the median latency it saw, in us. */
    record FirstFault(double medianUs) implements Measured {
        public FirstFault {
            positive("first_fault.median_us", medianUs);
        }

        @Override
        public String kind() {
            return "first_fault";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            RunResult r = Experiment.of(p, Calibration.touchOnce(Bytes.MiB(2)), Calibration::uvm64k)
                    .withSeed(SEED).run();
            return List.of(CalibrationCase.of("first fault, one thread, " + memory, tag, source, "us", medianUs,
                    r.faults().total().mean().nanos() / 1e3, systemNote(memory)));
        }
    }

    /**
     * One thread reads the 64 KiB pieces of a fresh, host-written 2 MiB block in the order {@code pieces}; the
     * reads that faulted, averaged over the runs (each run on a fresh block).
     */
    record TouchOrder(String order, long pieceBytes, int[] pieces, double faultedReads) implements Measured {
        public TouchOrder {
            Objects.requireNonNull(order, "touch_order.order");
            positive("touch_order.piece_bytes", pieceBytes);
            if (pieces.length == 0) {
                throw new IllegalArgumentException("touch_order.pieces_in_order must not be empty");
            }
            for (int x : pieces) {
                if (x < 0 || x * pieceBytes >= Bytes.MiB(2).bytes()) {
                    throw new IllegalArgumentException("touch_order.pieces_in_order: piece " + x + " lies outside"
                            + " the 2 MiB block (pieces of " + pieceBytes + " B)");
                }
            }
            pieces = pieces.clone();
        }

        @Override
        public int[] pieces() {
            return pieces.clone();
        }

        @Override
        public String kind() {
            return "touch_order";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            StringBuilder csv = new StringBuilder("order,agent,address,access,size\n");
            for (int k = 0; k < pieces.length; k++) {
                csv.append(k).append(",gpu0,").append(pieces[k] * pieceBytes).append(",R,4\n");
            }
            AccessTrace trace = AccessTrace.parse(csv.toString());
            Bytes block = Bytes.MiB(2);
            Workload w = Calibration.cpuWritesThen("x", block, 1, Phase.gpu("touch", "x",
                    Patterns.replay(trace, 0, pieces.length, 0), block, pieces.length).withConcurrency(1));
            RunResult r = Experiment.of(p, w, Calibration::uvm64k).withSeed(SEED).run();
            return List.of(CalibrationCase.of("reads that faulted, " + pieces.length + " x " + size(pieceBytes) + " "
                            + order + ", one thread, " + memory, tag, source, "faults", faultedReads,
                    r.count(Counter.FAULT_BATCHES), systemNote(memory)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TouchOrder t && t.order.equals(order) && t.pieceBytes == pieceBytes
                    && Arrays.equals(t.pieces, pieces) && Double.compare(t.faultedReads, faultedReads) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(order, pieceBytes, Arrays.hashCode(pieces), faultedReads);
        }

        @Override
        public String toString() {
            return "TouchOrder[" + order + ", " + pieceBytes + " B, " + Arrays.toString(pieces) + ", "
                    + faultedReads + " faulted]";
        }
    }

    /**
     * {@code warps} warps read a host-written buffer of {@code bytes} once, 256 B per warp access; GB/s, and the
     * driver's fault counters over the kernel where it showed them ({@code null} otherwise).
     */
    record Stream(int warps, long bytes, long accessBytes, double gbps, FaultStats faultStats) implements Measured {
        public Stream {
            positive("stream.warps", warps);
            positive("stream.bytes", bytes);
            positive("stream.access_bytes", accessBytes);
            positive("stream.gbps", gbps);
        }

        @Override
        public String kind() {
            return "stream";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            Bytes size = Bytes.of(bytes);
            Workload w = Calibration.cpuWritesThen("x", size, 16, Phase.gpu("stream", "x", Patterns.sequential(),
                    size, bytes / accessBytes).withAccessSize(Bytes.of(accessBytes)).withConcurrency(warps));
            RunResult r = Experiment.of(p, w, Calibration::uvm64k).withSeed(SEED).run();
            String what = "stream " + size(bytes) + ", " + warps + " warps, " + memory;
            return withFaultStats(CalibrationCase.of("on-demand " + what, tag, source, "GB/s", gbps,
                    bytes / (double) r.phases().get(1).duration_ns(), systemNote(memory)), faultStats, r, what, tag,
                    source);
        }
    }

    /**
     * {@code warps} warps read {@code accessBytes} at {@code accesses} random places of {@code bytes}: the kernel's
     * time in us, and the driver's fault counters over it where it showed them ({@code null} otherwise).
     */
    record Gather(int warps, long bytes, long accesses, long accessBytes, double us, FaultStats faultStats)
            implements Measured {
        public Gather {
            positive("gather.warps", warps);
            positive("gather.bytes", bytes);
            positive("gather.accesses", accesses);
            positive("gather.access_bytes", accessBytes);
            positive("gather.us", us);
        }

        @Override
        public String kind() {
            return "gather";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            Bytes size = Bytes.of(bytes);
            Workload w = Calibration.cpuWritesThen("x", size, 16, Phase.gpu("gather", "x", Patterns.uniformRandom(),
                    size, accesses).withAccessSize(Bytes.of(accessBytes)).withConcurrency(warps));
            RunResult r = Experiment.of(p, w, Calibration::uvm64k).withSeed(SEED).run();
            String what = "random gather " + accesses + " x " + accessBytes + " B over " + size(bytes) + ", " + warps
                    + " warps, " + memory;
            return withFaultStats(CalibrationCase.of(what, tag, source, "us", us,
                    r.phases().get(1).duration_ns() / 1e3, systemNote(memory)), faultStats, r, what, tag, source);
        }
    }

    /** {@code cudaMemPrefetchAsync} of {@code bytes} to the GPU ({@code toDevice}) or back; median GB/s. */
    record Prefetch(boolean toDevice, long bytes, double gbps) implements Measured {
        public Prefetch {
            positive("prefetch.bytes", bytes);
            positive("prefetch.gbps", gbps);
        }

        @Override
        public String kind() {
            return "prefetch";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            return List.of(CalibrationCase.of("cudaMemPrefetchAsync " + (toDevice ? "H2D " : "D2H ") + size(bytes)
                            + ", " + memory, tag, source, "GB/s", gbps, Calibration.copyRate(p, toDevice,
                            Bytes.of(bytes)), "the model answers with one copy-engine copy in 2 MiB pieces: it has no"
                            + " explicit-migration step, so the driver's per-VA-block work is not in it"));
        }
    }

    /**
     * The GPU wrote {@code bytes}, then one host thread read one byte of each {@code pageBytes} page: the CPU's
     * faults on device-resident pages; microseconds per page.
     */
    record CpuReadback(long bytes, long pageBytes, double usPerPage) implements Measured {
        public CpuReadback {
            positive("cpu_readback.bytes", bytes);
            positive("cpu_readback.page_bytes", pageBytes);
            positive("cpu_readback.us_per_page", usPerPage);
        }

        @Override
        public String kind() {
            return "cpu_readback";
        }

        @Override
        public List<CalibrationCase> against(Platform p, String memory, SourceTag tag, String source) {
            Bytes size = Bytes.of(bytes);
            long pages = bytes / pageBytes;
            // the host writes, the GPU writes every byte (pages move to the GPU), one host thread reads each page
            Workload w = Workload.of(List.of(new Allocation("x", size)), List.of(
                    Phase.cpu("init", "x", Patterns.sequential(), size, size.pagesCeil()).withWriteFraction(1)
                            .withConcurrency(16),
                    Phase.gpu("write", "x", Patterns.sequential(), size, bytes / 256).withAccessSize(Bytes.of(256))
                            .withWriteFraction(1).withConcurrency(p.gpu().warps()),
                    Phase.cpu("read back", "x", Patterns.sequential(), size, pages)
                            .withAccessSize(Bytes.of(pageBytes))));
            RunResult r = Experiment.of(p, w, Calibration::uvm64k).withSeed(SEED).run();
            return List.of(CalibrationCase.of("CPU read-back of GPU-written " + size(bytes) + ", per "
                            + size(pageBytes) + " page, " + memory, tag, source, "us", usPerPage,
                    r.phases().get(2).duration_ns() / 1e3 / pages, systemNote(memory)));
        }
    }

    /** The seed of every model run here, as {@link Calibration}'s. */
    long SEED = 1;

    private static List<CalibrationCase> withFaultStats(CalibrationCase main, FaultStats stats, RunResult model,
                                                        String what, SourceTag tag, String source) {
        if (stats == null) {
            return List.of(main);
        }
        List<CalibrationCase> out = new java.util.ArrayList<>(List.of(main));
        out.addAll(stats.against(model, what, tag, source));
        return List.copyOf(out);
    }

    private static String systemNote(String memory) {
        return memory.equals("system") ? "malloc memory (HMM): the model runs the managed-memory scenario" : "";
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a positive number, got " + v);
        }
    }

    /** 4 KiB, 64 KiB, 256 MiB, 1 GiB: whole binary units where they fit. */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        long v = bytes;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%d %s", v, units[u]);
    }
}
