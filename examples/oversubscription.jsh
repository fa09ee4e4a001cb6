// Oversubscription: how many pages a 256 MiB stream evicts as device memory shrinks.
// Run: ./hmmlab run examples/oversubscription.jsh --out build/oversubscription
var stream = scenario("stream").engine(Engine.RESIDENCY_MODEL).on(A100_PCIE4).policy(onDemand())
    .alloc("x", MiB(256))
    .cpu(phase("init").writes("x"))
    .gpu(kernel("scan").reads("x").passes(2).warps(1024));

var vram = param("vram", MiB(64), MiB(128), MiB(256), MiB(512));
var sweep = sweep(vram).seed(42)
    .onProgress(progress("vram sweep"))   // a progress line on the terminal, a bar in a notebook
    .run(p -> stream.vram(p.get(vram)).run(p.seed()).summary());

display(sweep.table().select("vram_bytes", "faults", "pages_to_device", "evictions"));
sweep.curves("evictions")   // a bare last expression is shown too, as in a notebook cell
