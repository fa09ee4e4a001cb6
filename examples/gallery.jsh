// Draws the chart gallery in docs/charts from real runs of the two engines.
// Run: ./hmmlab run examples/gallery.jsh
var docs = java.nio.file.Path.of("docs", "charts");

// --- timing model: a CPU-filled 8 MiB buffer scanned by a GPU kernel, three policies ---------------
var scan = scenario("scan").on(A100_PCIE4)
    .alloc("x", MiB(8))
    .cpu(phase("init").writes("x"))
    .gpu(kernel("scan").reads("x").warps(8));   // few warps: faults arrive one block at a time
var demand = scan.renamed("on demand").policy(onDemand()).run();
var dense  = scan.renamed("density prefetch").policy(onDemand().prefetch(density(51))).run();
var uvm    = scan.renamed("uvm defaults").policy(uvmDefaults()).run();

Charts.latencyCdf("GPU fault latency, 8 MiB scan, A100 PCIe Gen4",
        demand.faultLatency(), dense.faultLatency()).save(docs.resolve("latency-cdf.png"));
Charts.latencyHistogram("GPU fault latency, 8 MiB scan, density prefetch",
        dense.faultLatency()).save(docs.resolve("latency-histogram.png"));
var stages = Table.concat("stages", demand.stageMeans(), dense.stageMeans());
Charts.stageBreakdown("Mean time per fault by stage", stages, "run").save(docs.resolve("stage-breakdown.png"));
Charts.bandwidthOverTime("PCIe payload bandwidth, 8 MiB scan, on demand", demand.bandwidth(), "time_ns", "h2d_GBps", "d2h_GBps")
        .save(docs.resolve("bandwidth.png"));

// --- residency model: sweeps ------------------------------------------------------------------------
var stream = scenario("stream").engine(Engine.RESIDENCY_MODEL).on(A100_PCIE4).policy(onDemand())
    .alloc("x", MiB(256))
    .cpu(phase("init").writes("x"))
    .gpu(kernel("scan").reads("x").passes(2));
var vram = param("vram", MiB(64), MiB(128), MiB(192), MiB(256), MiB(512));
var pct = param("density", 1, 25, 51, 75, 100);
var grid = sweep(vram, pct).named("256 MiB stream, two passes")
    .run(p -> stream.vram(p.get(vram)).policy(onDemand().prefetch(density(p.get(pct)))).run(p.seed()).summary());
Charts.curvesBy("GPU faults by VRAM and prefetch threshold", grid.table(), "vram_bytes", "faults", "density")
        .save(docs.resolve("sweep-curves-by.png"));
Charts.curves("Pages moved, density 51 %", grid.table().where("density", 51), "vram_bytes", "pages_to_device", "pages_to_host")
        .save(docs.resolve("sweep-curves.png"));
Charts.heatMap("GPU faults, 256 MiB stream, two passes", grid.table(), "density", "vram_bytes", "faults")
        .save(docs.resolve("heat-map.png"));

// --- timing model: residency over time, a 24 MiB stream over 8 MiB of device memory, two passes ----
var oversub = scenario("oversubscribed stream").on(A100_PCIE4).vram(MiB(8)).policy(onDemand())
    .alloc("x", MiB(24))
    .cpu(phase("init").writes("x"))
    .gpu(kernel("scan").reads("x").passes(2).warps(64));
Charts.residencyOverTime("Device memory residency, 24 MiB stream over 8 MiB VRAM", oversub.run().residencyOverTime(),
        "time_ns", "device_resident_bytes").save(docs.resolve("residency.png"));

// --- calibration: the model against every published figure it can answer ----------------------------
Charts.calibration("The model against published measurements", calibration()).save(docs.resolve("calibration.png"));
