// The README's quick start as a script: a scenario, a sweep over device memory, a chart.
// Run: ./hmmlab run examples/quick-start.jsh --out build/quick-start
var scan = scenario("scan").on(A100_PCIE4).vram(MiB(32))
    .alloc("x", MiB(48))
    .cpu(phase("init").writes("x"))
    .gpu(kernel("scan").reads("x").passes(2).warps(8));
display(scan.run());

var vram = param("vram", MiB(16), MiB(32), MiB(48), MiB(64));
var grid = sweep(vram).run(p -> scan.vram(p.get(vram)).run(p.seed()).summary());
display(grid.table().select("vram_bytes", "faults", "evictions", "pages_to_device", "sim_time_ns"));
grid.curves("evictions")
