// GPU accesses to memory that is not on the GPU yet: managed memory (cudaMallocManaged, migrated on demand by
// the UVM driver), or with --memory system plain malloc memory, which a GPU reaches only where the device reports
// cudaDevAttrPageableMemoryAccess: that is HMM itself (the UVM driver's uvm_hmm.c on Linux's mm/hmm.c and
// mm/migrate_device.c). The host writes every buffer first, so every page starts in host memory.
//
// Results (each a "kind"):
//   first_fault   one thread reads one word of a fresh 2 MiB block: the latency of that read as the thread sees
//                 it (%globaltimer before and after, ns), and the same read again once resident
//   touch_order   one thread reads the 32 64 KiB pieces of a fresh 2 MiB block in a chosen order (sequential,
//                 reverse, random, even then odd, and any --order): each read's latency, so the reads that
//                 faulted show where the driver's prefetcher (uvm_perf_prefetch.c, the density tree) had already
//                 brought the piece in
//   stream        W warps read a host-written buffer once, 256 B per warp access (32 lanes x 8 B), grid-stride
//   gather        W warps read 256 B at 8192 random places in total (a fresh buffer for each W)
//   prefetch      cudaMemPrefetchAsync of a host-written buffer to the GPU and back, GB/s
//   cpu_readback  the GPU writes a buffer, then one host thread reads one byte of each 4 KiB page: the CPU's
//                 faults on device-resident pages (UVM's CPU fault path; for system memory, migrate_to_ram)
// Stream and gather results carry "fault_stats": the growth of the UVM driver's fault counters over the kernel
// (replayable faults, duplicates, pages migrated in, replays: one a serviced batch), read from its debug procfs
// file where the nvidia_uvm module was loaded with uvm_enable_debug_procfs=1; null elsewhere.
//
//   hmmlab-ondemand [--memory managed|system] [--order P,P,...] [--out FILE] [--dry-run]
// --order adds a touch_order of your own: the pieces (0 to 31) one thread reads, in that order.
#include "common.h"

using namespace hmmlab;

namespace {

constexpr size_t VA_BLOCK = 2 * MiB;
constexpr size_t PIECE = 64 * KiB;
constexpr int PIECES = VA_BLOCK / PIECE;
constexpr int FIRST_FAULT_REPEATS = 16;
constexpr int ORDER_REPEATS = 3;
constexpr size_t STREAM_BYTES = 256 * MiB;
constexpr size_t GATHER_BYTES = 1 * GiB;
constexpr int GATHER_ACCESSES = 8192;
constexpr size_t WARP_ACCESS = 256;
constexpr size_t PREFETCH_BYTES = 256 * MiB;
constexpr int PREFETCH_REPEATS = 3;
constexpr size_t READBACK_BYTES = 64 * MiB;
constexpr size_t HOST_PAGE = 4 * KiB;
constexpr double BUDGET_S = 75;  // the runner allows 90 s; what does not start in time is skipped, and says so
const int WARPS[] = {1, 8, 64, 512};

__device__ __forceinline__ unsigned long long globalTimer() {
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)::"memory");
    return t;
}

// One thread reads one word at base + order[k] * stride for each k, recording each read's latency in ns. The
// store of the value to shared memory waits for the load to land, so the second timer read comes after it.
__global__ void touchInOrder(const char* base, const int* order, int n, size_t stride, unsigned long long* ns,
                             int* sink) {
    __shared__ volatile int landed;
    int acc = 0;
    for (int k = 0; k < n; k++) {
        const volatile int* q = reinterpret_cast<const volatile int*>(base + order[k] * stride);
        unsigned long long t0 = globalTimer();
        int v = *q;
        landed = v;
        unsigned long long t1 = globalTimer();
        ns[k] = t1 - t0;
        acc += v;
    }
    *sink = acc + landed;
}

// Every warp reads 256 B (32 lanes x 8 B) per access, grid-stride: warp w of W takes accesses w, w + W, ...
__global__ void streamRead(const double* p, size_t n, double* sink) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x, step = (size_t)gridDim.x * blockDim.x;
    double acc = 0;
    for (; i < n; i += step) acc += p[i];
    if (acc == 1.25) *sink = acc;  // never true (the host wrote zeros); keeps the loads
}

__device__ __forceinline__ unsigned long long splitMix(unsigned long long x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Every warp reads 256 B at `perWarp` random 256 B-aligned places (the same place for its 32 lanes).
__global__ void gather(const double* p, size_t chunks, int perWarp, double* sink) {
    int lane = threadIdx.x & 31;
    size_t warp = (blockIdx.x * (size_t)blockDim.x + threadIdx.x) >> 5;
    double acc = 0;
    for (int k = 0; k < perWarp; k++) {
        size_t c = splitMix(warp * perWarp + k) % chunks;
        acc += p[c * (WARP_ACCESS / sizeof(double)) + lane];
    }
    if (acc == 1.25) *sink = acc;
}

__global__ void writeAll(double* p, size_t n) {
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x, step = (size_t)gridDim.x * blockDim.x;
    for (; i < n; i += step) p[i] = 1.0;
}

// A launch shape of `warps` warps: blocks of up to 8 warps (256 threads).
dim3 blocksOf(int warps) { return dim3((warps + 7) / 8); }
dim3 threadsOf(int warps) { return dim3(std::min(warps, 8) * 32); }

// A host-written buffer of `bytes` in managed or system memory, 2 MiB-aligned, under the allocation cap.
struct Buffer {
    char* raw = nullptr;
    char* p = nullptr;
    size_t bytes = 0;
    bool managed = true;

    Buffer(const Device& d, bool managed, size_t bytes) : bytes(bytes), managed(managed) {
        if (bytes + VA_BLOCK > d.allocationCap()) {
            throw std::runtime_error("a buffer of " + std::to_string(bytes) + " B is above the allocation cap of "
                                     + std::to_string(d.allocationCap()) + " B (1/8 of the free device memory)");
        }
        if (managed) {
            CHECK(cudaMallocManaged(reinterpret_cast<void**>(&raw), bytes + VA_BLOCK));
        } else {
            void* r = nullptr;
            if (posix_memalign(&r, VA_BLOCK, bytes + VA_BLOCK) != 0) throw std::runtime_error("posix_memalign failed");
            raw = static_cast<char*>(r);
        }
        p = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(raw) + VA_BLOCK - 1) & ~(uintptr_t)(VA_BLOCK - 1));
        memset(p, 0, bytes);  // the host writes every page first
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() {
        if (managed) {
            cudaFree(raw);
        } else {
            free(raw);
        }
    }
};

struct Bench {
    const Device& d;
    Report& r;
    bool managed;
    double start = hostMicros();
    int* sink = nullptr;  // device memory (cudaMalloc) for results the kernels must not drop
    int* order = nullptr;
    unsigned long long* ns = nullptr;

    Bench(const Device& d, Report& r, bool managed) : d(d), r(r), managed(managed) {
        CHECK(cudaMalloc(&sink, 64));
        CHECK(cudaMalloc(&order, PIECES * sizeof(int)));
        CHECK(cudaMalloc(&ns, PIECES * sizeof(unsigned long long)));
    }
    ~Bench() {
        cudaFree(sink);
        cudaFree(order);
        cudaFree(ns);
    }

    // `bytes`, or less where the allocation cap (1/8 of the free memory) is lower: whole 2 MiB blocks.
    size_t fit(size_t bytes) const {
        size_t cap = d.allocationCap() > VA_BLOCK ? (d.allocationCap() - VA_BLOCK) / VA_BLOCK * VA_BLOCK : 0;
        if (cap < VA_BLOCK) throw std::runtime_error("the allocation cap is below 4 MiB: too little free memory");
        return std::min(bytes, cap);
    }

    // Runs one kind of measurement; a failure that leaves the GPU usable (an unsupported call, a size over the
    // cap) is recorded as skipped and the next kind runs; one that does not (a kernel fault) ends the benchmark.
    template <class F>
    void section(const std::string& kind, F&& body) {
        try {
            body();
        } catch (const std::exception& e) {
            r.skip(kind, std::string("failed: ") + e.what());
            cudaGetLastError();  // clears an error that is not sticky
            cudaError_t s = cudaDeviceSynchronize();
            if (s != cudaSuccess) {
                throw CudaError(std::string("after ") + kind + " failed, the GPU context is broken: " +
                                cudaGetErrorName(s));
            }
        }
    }

    bool inBudget(const std::string& kind) {
        r.checkpoint();
        if ((hostMicros() - start) / 1e6 < BUDGET_S) return true;
        r.skip(kind, "not started: the benchmark's " + std::to_string((int)BUDGET_S) + " s budget was spent");
        return false;
    }

    std::vector<int> warpCounts() const {
        std::vector<int> w;
        for (int x : WARPS) {
            if (x < d.residentWarps()) w.push_back(x);
        }
        w.push_back(d.residentWarps());
        return w;
    }

    // Reads base + order[k] * stride for k < n with one thread; the latencies in ns.
    std::vector<double> touch(const char* base, const std::vector<int>& ord, size_t stride) {
        CHECK(cudaMemcpy(order, ord.data(), ord.size() * sizeof(int), cudaMemcpyHostToDevice));
        touchInOrder<<<1, 1>>>(base, order, (int)ord.size(), stride, ns, sink);
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        std::vector<unsigned long long> t(ord.size());
        CHECK(cudaMemcpy(t.data(), ns, t.size() * sizeof t[0], cudaMemcpyDeviceToHost));
        return std::vector<double>(t.begin(), t.end());
    }

    void firstFault() {
        if (!inBudget("first_fault")) return;
        Buffer b(d, managed, FIRST_FAULT_REPEATS * VA_BLOCK);
        std::vector<double> first, again;
        for (int k = 0; k < FIRST_FAULT_REPEATS; k++) {
            const char* block = b.p + k * VA_BLOCK;
            first.push_back(touch(block, {0}, 0)[0]);
            again.push_back(touch(block, {0}, 0)[0]);
        }
        r.results.push_back(Obj().str("kind", "first_fault").i("bytes_per_block", VA_BLOCK)
                                .n("median_us", median(first) / 1e3).n("min_us", minOf(first) / 1e3)
                                .n("max_us", maxOf(first) / 1e3).n("resident_median_us", median(again) / 1e3)
                                .nums("latency_ns", first).nums("resident_latency_ns", again).json());
    }

    std::vector<int> custom;  // --order, or empty

    void touchOrders() {
        if (!inBudget("touch_order")) return;
        std::vector<int> sequential(PIECES), reverse(PIECES), random(PIECES), evenThenOdd(PIECES);
        for (int k = 0; k < PIECES; k++) {
            sequential[k] = k;
            reverse[k] = PIECES - 1 - k;
            random[k] = k;
            // every other piece first: each pair of the density tree's leaves half touched, then the rest
            evenThenOdd[k] = k < PIECES / 2 ? 2 * k : 2 * (k - PIECES / 2) + 1;
        }
        unsigned long long x = 1;  // a fixed shuffle (Fisher-Yates over xorshift64), written to the result
        for (int k = PIECES - 1; k > 0; k--) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            std::swap(random[k], random[x % (k + 1)]);
        }
        struct Named {
            const char* name;
            const std::vector<int>* order;
        };
        std::vector<Named> orders = {{"sequential", &sequential}, {"reverse", &reverse}, {"random", &random},
                                     {"even_then_odd", &evenThenOdd}};
        if (!custom.empty()) orders.push_back({"chosen", &custom});
        Buffer b(d, managed, orders.size() * ORDER_REPEATS * VA_BLOCK);
        int block = 0;
        for (const Named& o : orders) {
            std::vector<std::string> runs;
            std::vector<double> resident;
            for (int k = 0; k < ORDER_REPEATS; k++, block++) {
                const char* base = b.p + block * VA_BLOCK;
                std::vector<double> lat = touch(base, *o.order, PIECE);
                runs.push_back(Obj().nums("latency_ns", lat).json());
                if (k == 0) resident = touch(base, *o.order, PIECE);  // the same reads, all resident now
            }
            // a read "faulted" when it took over 4 times the resident median, and at least 2 us
            double threshold = std::max(2000.0, 4 * median(resident));
            std::vector<long long> ord(o.order->begin(), o.order->end());
            std::string runsJson = "[";
            for (size_t k = 0; k < runs.size(); k++) runsJson += (k ? ", " : "") + runs[k];
            r.results.push_back(Obj().str("kind", "touch_order").str("order", o.name).i("piece_bytes", PIECE)
                                    .i("pieces", PIECES).ints("pieces_in_order", ord).raw("runs", runsJson + "]")
                                    .nums("resident_latency_ns", resident).n("fault_threshold_ns", threshold)
                                    .json());
        }
    }

    void streams() {
        for (int w : warpCounts()) {
            if (!inBudget("stream")) return;
            size_t bytes = fit(STREAM_BYTES);
            Buffer b(d, managed, bytes);
            FaultStats before = d.faultStats();
            double us = eventMicros([&] {
                streamRead<<<blocksOf(w), threadsOf(w)>>>(reinterpret_cast<const double*>(b.p),
                                                          bytes / sizeof(double), reinterpret_cast<double*>(sink));
                CHECK(cudaGetLastError());
            });
            r.results.push_back(Obj().str("kind", "stream").i("warps", w).i("bytes", bytes)
                                    .i("access_bytes", WARP_ACCESS).n("us", us).n("gbps", bytes / (us * 1e3))
                                    .raw("fault_stats", d.faultStats().since(before)).json());
        }
    }

    void gathers() {
        for (int w : warpCounts()) {
            if (!inBudget("gather")) return;
            w = std::min(w, GATHER_ACCESSES);
            int perWarp = GATHER_ACCESSES / w;
            size_t bytes = fit(GATHER_BYTES);
            Buffer b(d, managed, bytes);
            FaultStats before = d.faultStats();
            double us = eventMicros([&] {
                gather<<<blocksOf(w), threadsOf(w)>>>(reinterpret_cast<const double*>(b.p), bytes / WARP_ACCESS,
                                                      perWarp, reinterpret_cast<double*>(sink));
                CHECK(cudaGetLastError());
            });
            r.results.push_back(Obj().str("kind", "gather").i("warps", w).i("bytes", bytes)
                                    .i("accesses", (long long)perWarp * w).i("access_bytes", WARP_ACCESS).n("us", us)
                                    .raw("fault_stats", d.faultStats().since(before)).json());
        }
    }

    void prefetches() {
        if (!inBudget("prefetch")) return;
        size_t bytes = fit(PREFETCH_BYTES);
        Buffer b(d, managed, bytes);
        cudaMemLocation gpu{}, host{};
        gpu.type = cudaMemLocationTypeDevice;
        gpu.id = d.id;
        host.type = cudaMemLocationTypeHost;
        host.id = 0;
        std::vector<double> to, back;
        for (int k = 0; k < PREFETCH_REPEATS; k++) {
            to.push_back(eventMicros([&] { CHECK(cudaMemPrefetchAsync(b.p, bytes, gpu, 0, 0)); }));
            back.push_back(eventMicros([&] { CHECK(cudaMemPrefetchAsync(b.p, bytes, host, 0, 0)); }));
        }
        for (int k = 0; k < 2; k++) {
            const std::vector<double>& us = k == 0 ? to : back;
            r.results.push_back(Obj().str("kind", "prefetch").str("direction", k == 0 ? "h2d" : "d2h")
                                    .i("bytes", bytes).nums("us", us).n("median_us", median(us))
                                    .n("gbps", bytes / (median(us) * 1e3)).json());
        }
    }

    void cpuReadback() {
        if (!inBudget("cpu_readback")) return;
        size_t bytes = fit(READBACK_BYTES);
        Buffer b(d, managed, bytes);
        int w = d.residentWarps();
        writeAll<<<blocksOf(w), threadsOf(w)>>>(reinterpret_cast<double*>(b.p), bytes / sizeof(double));
        CHECK(cudaGetLastError());
        CHECK(cudaDeviceSynchronize());
        const volatile char* p = b.p;
        size_t pages = bytes / HOST_PAGE;
        long sum = 0;
        double t0 = hostMicros();
        sum += p[0];
        double t1 = hostMicros();
        for (size_t k = 1; k < pages; k++) sum += p[k * HOST_PAGE];
        double t2 = hostMicros();
        r.results.push_back(Obj().str("kind", "cpu_readback").i("bytes", bytes).i("page_bytes", HOST_PAGE)
                                .i("pages", pages).n("first_page_us", t1 - t0).n("us", t2 - t0)
                                .n("us_per_page", (t2 - t0) / pages).n("gbps", bytes / ((t2 - t0) * 1e3))
                                .i("checksum", sum).json());
    }
};

__global__ void noop() {}

// The pieces of --order ("0,16,8,24"): each 0 to 31, each at most once; an empty list where none was given.
std::vector<int> parseOrder(const std::string& text) {
    std::vector<int> pieces;
    if (text.empty()) return pieces;
    std::vector<bool> seen(PIECES);
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        char* end = nullptr;
        long v = strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < 0 || v >= PIECES || seen[v]) {
            throw std::invalid_argument("--order must list pieces 0 to " + std::to_string(PIECES - 1) +
                                        ", each once, separated by commas; got '" + item + "' in '" + text + "'");
        }
        seen[v] = true;
        pieces.push_back((int)v);
    }
    return pieces;
}

void planned(Report& r, const std::vector<int>& custom) {
    auto add = [&](const char* kind, const std::string& what) {
        r.plan.push_back(Obj().str("kind", kind).str("what", what).json());
    };
    add("first_fault", std::to_string(FIRST_FAULT_REPEATS) + " fresh 2 MiB blocks, one read each, then again");
    std::string chosen;
    for (size_t k = 0; k < custom.size(); k++) chosen += (k ? "," : "") + std::to_string(custom[k]);
    add("touch_order", "sequential, reverse, random and even-then-odd orders of 32 64 KiB pieces" +
                           (custom.empty() ? std::string() : ", and the chosen " + chosen) + ", " +
                           std::to_string(ORDER_REPEATS) + " fresh 2 MiB blocks each");
    add("stream", std::to_string(STREAM_BYTES) + " B at 1, 8, 64, 512 and the resident warps");
    add("gather", std::to_string(GATHER_ACCESSES) + " random 256 B reads over " + std::to_string(GATHER_BYTES)
                      + " B at 1, 8, 64, 512 and the resident warps");
    add("prefetch", std::to_string(PREFETCH_BYTES) + " B to the GPU and back, " + std::to_string(PREFETCH_REPEATS)
                        + " times");
    add("cpu_readback", std::to_string(READBACK_BYTES) + " B written by the GPU, read back one byte a 4 KiB page");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--parse-fault-stats") {
        // a check of the fault_stats parser on a file laid out as uvm_gpu.c prints it (the build test uses it)
        FaultStats f = FaultStats::read(argv[2]);
        printf("%s\n", f.since(FaultStats{true, 0, 0, 0, 0}).c_str());
        return f.present ? 0 : 1;
    }
    Args a = parseArgs(argc, argv, "hmmlab-ondemand [--memory managed|system] [--order P,P,...] [--out FILE] [--dry-run]");
    if (a.memory != "managed" && a.memory != "system") {
        fprintf(stderr, "--memory must be managed or system, got '%s'\n", a.memory.c_str());
        return 2;
    }
    Report r;
    r.benchmark = "ondemand";
    r.memory = a.memory;
    r.dryRun = a.dryRun;
    r.out = a.out;
    std::vector<int> custom;
    try {
        custom = parseOrder(a.order);
    } catch (const std::invalid_argument& e) {
        fprintf(stderr, "%s\n", e.what());
        return 2;
    }
    planned(r, custom);
    if (a.dryRun) return r.write(a.out) ? 0 : 3;
    Device d;
    return runReport(r, a, [&] {
        d = openDevice();
        r.device = &d;
        bool managed = a.memory == "managed";
        if (managed && !d.concurrentManaged) {
            r.skip("*", "cudaDevAttrConcurrentManagedAccess is 0: managed memory does not fault on demand here");
            return;
        }
        if (!managed && !d.pageableAccess) {
            r.skip("*", "cudaDevAttrPageableMemoryAccess is 0: this GPU cannot reach malloc memory (no HMM)");
            return;
        }
        noop<<<1, 1>>>();  // loads the module, so the first timed launch does not
        CHECK(cudaDeviceSynchronize());
        Bench b(d, r, managed);
        b.custom = custom;
        b.section("first_fault", [&] { b.firstFault(); });
        b.section("touch_order", [&] { b.touchOrders(); });
        b.section("stream", [&] { b.streams(); });
        b.section("gather", [&] { b.gathers(); });
        b.section("prefetch", [&] { b.prefetches(); });
        b.section("cpu_readback", [&] { b.cpuReadback(); });
    });
}
