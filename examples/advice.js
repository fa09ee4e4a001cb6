// Memory-use advice by allocation name (cudaMemAdvise): read-mostly weights are duplicated on the GPU, so the CPU
// reads them afterwards without pulling anything back; a log kept in host memory is written over the link.
// Run: ./hmmlab run examples/advice.js
const base = lab.scenario("advice").engine("residency-model").on("A100_PCIE4").policy("on-demand")
    .alloc("weights", "32MiB").alloc("log", "4MiB")
    .cpu(lab.phase("load").writes("weights"))
    .gpu(lab.kernel("infer").reads("weights").passes(2).warps(256))
    .gpu(lab.kernel("append").writes("log").warps(64))
    .cpu(lab.phase("inspect").reads("weights"));

const plain = base.run();
const advised = base.readMostly("weights").preferredLocation("log", "host").run();
print("pages back to the host: " + plain.get("pages_to_host") + " without advice, " + advised.get("pages_to_host")
    + " with read-mostly weights");
print("remote accesses: " + plain.get("remote_accesses") + " without advice, " + advised.get("remote_accesses")
    + " with the log preferred on the host");
lab.show(advised.counters());
