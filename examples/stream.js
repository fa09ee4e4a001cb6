// Counts on the residency model (exact policy decisions, no clock): a GPU kernel streaming twice over a buffer the CPU wrote, with and without room in device memory.
// Run: ./hmmlab run examples/stream.js
const base = lab.scenario("stream").engine("residency-model").on("A100_PCIE4").policy("on-demand")
    .alloc("x", "256MiB")
    .cpu(lab.phase("init").writes("x"))
    .gpu(lab.kernel("scan").reads("x").passes(2).warps(1024));

const fits = base.vram("512MiB").run();
const tight = base.vram("128MiB").run();
lab.show(fits.counters());
print("evicted with 128 MiB of VRAM: " + tight.get("evictions") + " pages");

lab.show(lab.sweep("vram", ["64MiB", "128MiB", "256MiB", "512MiB"], v => base.vram(v).run()));
