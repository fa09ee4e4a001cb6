// HMM Lab CUDA microbenchmarks: what every benchmark shares.
//
// Each benchmark program writes ONE JSON document (format "hmmlab-cuda-measurements", version 1) to the file
// named by --out (or stdout): the machine it ran on (device, driver, CUDA and kernel versions, the PCIe link and
// the nvidia_uvm module's parameters as sysfs shows them) and a flat list of results, each with a "kind". The
// Java reader (org.hmmlab.dsl.json.MeasurementJson) turns such a document into calibration cases.
//
// --dry-run writes the same document without touching a GPU: "dry_run": true, the system fields null, no
// results, and "plan" listing what a real run would measure. The build test runs it, so the format the reader
// expects is checked on machines with no GPU.
//
// Safety on a real GPU: device memory comes from cudaMalloc; every managed or system allocation is capped at
// an eighth of the free device memory that cudaMemGetInfo reports at start (never oversubscribed).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

namespace hmmlab {

constexpr const char* FORMAT = "hmmlab-cuda-measurements";
constexpr int FORMAT_VERSION = 1;
constexpr size_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

struct CudaError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void check(cudaError_t e, const char* what) {
    if (e != cudaSuccess) {
        throw CudaError(std::string(what) + ": " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")");
    }
}
#define CHECK(call) ::hmmlab::check((call), #call)

// --- JSON -----------------------------------------------------------------------------------------------------

inline std::string quote(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\t': o += "\\t"; break;
            default:
                if (c < 0x20) {
                    char b[8];
                    snprintf(b, sizeof b, "\\u%04x", c);
                    o += b;
                } else {
                    o += static_cast<char>(c);
                }
        }
    }
    return o + "\"";
}

inline std::string num(double v) {
    if (!std::isfinite(v)) return "null";
    char b[40];
    snprintf(b, sizeof b, "%.9g", v);
    return b;
}

// One JSON object, built field by field in insertion order.
class Obj {
  public:
    Obj& raw(const std::string& k, const std::string& json) {
        body_ += (body_.empty() ? "" : ", ") + quote(k) + ": " + json;
        return *this;
    }
    Obj& str(const std::string& k, const std::string& v) { return raw(k, quote(v)); }
    Obj& strOrNull(const std::string& k, const std::string& v) { return raw(k, v.empty() ? "null" : quote(v)); }
    Obj& n(const std::string& k, double v) { return raw(k, num(v)); }
    Obj& i(const std::string& k, long long v) { return raw(k, std::to_string(v)); }
    Obj& b(const std::string& k, bool v) { return raw(k, v ? "true" : "false"); }
    Obj& nums(const std::string& k, const std::vector<double>& v) {
        std::string a = "[";
        for (size_t j = 0; j < v.size(); j++) a += (j ? ", " : "") + num(v[j]);
        return raw(k, a + "]");
    }
    Obj& ints(const std::string& k, const std::vector<long long>& v) {
        std::string a = "[";
        for (size_t j = 0; j < v.size(); j++) a += (j ? ", " : "") + std::to_string(v[j]);
        return raw(k, a + "]");
    }
    std::string json() const { return "{" + body_ + "}"; }

  private:
    std::string body_;
};

inline std::string array(const std::vector<std::string>& items, const char* indent = "\n    ") {
    if (items.empty()) return "[]";
    std::string a = "[";
    for (size_t j = 0; j < items.size(); j++) a += (j ? "," : "") + std::string(indent) + items[j];
    return a + "\n  ]";
}

// --- statistics -----------------------------------------------------------------------------------------------

inline double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double minOf(const std::vector<double>& v) { return v.empty() ? NAN : *std::min_element(v.begin(), v.end()); }
inline double maxOf(const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); }

// --- the machine ----------------------------------------------------------------------------------------------

inline std::string readFirstLine(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    if (f && std::getline(f, line)) {
        while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
        return line;
    }
    return "";
}

// The kernel module's version: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.159.04  ..." -> "580.159.04".
inline std::string nvidiaModuleVersion() {
    std::string l = readFirstLine("/proc/driver/nvidia/version");
    size_t k = l.find("Kernel Module");
    if (k == std::string::npos) return "";
    std::istringstream in(l.substr(k + 13));
    std::string v;
    in >> v;
    return v;
}

inline std::string cpuModel() {
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("model name", 0) == 0) {
            size_t c = line.find(':');
            if (c != std::string::npos) return line.substr(c + 2);
        }
    }
    return "";
}

// The nvidia_uvm module's parameters (uvm_perf_prefetch_threshold, uvm_perf_fault_batch_count...), as sysfs
// shows them; an empty object where sysfs does not (a sandbox, no module).
inline std::string uvmParameters() {
    const std::string dir = "/sys/module/nvidia_uvm/parameters";
    Obj o;
    DIR* d = opendir(dir.c_str());
    if (!d) return "{}";
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (auto& n : names) o.str(n, readFirstLine(dir + "/" + n));
    return o.json();
}

// The UVM driver's fault counters for one GPU, from /proc/driver/nvidia-uvm/gpus/GPU-<uuid>/fault_stats: present
// only where the nvidia_uvm module was loaded with uvm_enable_debug_procfs=1 (uvm_gpu.c,
// gpu_fault_stats_print_common). Replays count the batches the driver serviced: it replays once a batch under
// its default replay policy (uvm_perf_fault_replay_policy).
struct FaultStats {
    bool present = false;
    long long replayableFaults = 0, duplicates = 0, pagesIn = 0, replays = 0;

    static FaultStats read(const std::string& path) {
        FaultStats f;
        std::ifstream in(path);
        if (!in) return f;
        std::string line;
        bool faults = false, dups = false, pages = false, replays = false;
        auto value = [](const std::string& l) {
            std::istringstream s(l);
            std::string name;
            long long v = -1;
            s >> name >> v;
            return v;
        };
        while (std::getline(in, line)) {
            std::string t = line.substr(line.find_first_not_of(' ') == std::string::npos ? 0
                                                                                        : line.find_first_not_of(' '));
            // the first of each: the replayable section comes before the non-replayable one
            if (!faults && t.rfind("replayable_faults", 0) == 0) { f.replayableFaults = value(t); faults = true; }
            else if (!dups && t.rfind("duplicates", 0) == 0) { f.duplicates = value(t); dups = true; }
            else if (!pages && t.rfind("num_pages_in", 0) == 0) { f.pagesIn = value(t); pages = true; }
            else if (!replays && t.rfind("start ", 0) == 0) { f.replays = value(t); replays = true; }
        }
        f.present = faults && dups && pages && replays;
        return f;
    }

    // The counters' growth from `before` to this, as a JSON object; null where either is missing.
    std::string since(const FaultStats& before) const {
        if (!present || !before.present) return "null";
        return Obj().i("replayable_faults", replayableFaults - before.replayableFaults)
            .i("duplicates", duplicates - before.duplicates).i("pages_in", pagesIn - before.pagesIn)
            .i("replays", replays - before.replays).json();
    }
};

inline std::string versionText(int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); }

struct Device {
    int id = 0;
    cudaDeviceProp prop{};
    size_t freeBytes = 0, totalBytes = 0;
    bool pageableAccess = false, concurrentManaged = false, usesHostPageTables = false;

    // The most warps that can be resident at once: SMs x resident threads per SM / 32.
    int residentWarps() const { return prop.multiProcessorCount * prop.maxThreadsPerMultiProcessor / 32; }

    // An eighth of the free memory at start: the ceiling of every managed or system allocation.
    size_t allocationCap() const { return freeBytes / 8; }

    // The UVM driver's debug procfs file of this GPU's fault counters (it may not exist).
    std::string faultStatsPath() const {
        char u[64];
        const unsigned char* b = reinterpret_cast<const unsigned char*>(prop.uuid.bytes);
        snprintf(u, sizeof u, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
        return std::string("/proc/driver/nvidia-uvm/gpus/GPU-") + u + "/fault_stats";
    }
    FaultStats faultStats() const { return FaultStats::read(faultStatsPath()); }
};

inline Device openDevice() {
    Device d;
    CHECK(cudaGetDevice(&d.id));
    CHECK(cudaGetDeviceProperties(&d.prop, d.id));
    CHECK(cudaMemGetInfo(&d.freeBytes, &d.totalBytes));
    int v = 0;
    CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrPageableMemoryAccess, d.id));
    d.pageableAccess = v != 0;
    CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrConcurrentManagedAccess, d.id));
    d.concurrentManaged = v != 0;
    CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrPageableMemoryAccessUsesHostPageTables, d.id));
    d.usesHostPageTables = v != 0;
    return d;
}

// The "system" object: every field null in a dry run (no GPU is asked anything).
inline std::string systemJson(const Device* d) {
    utsname u{};
    uname(&u);
    Obj o;
    o.str("kernel", u.release).str("machine", u.machine).strOrNull("cpu", cpuModel())
        .strOrNull("transparent_hugepage", readFirstLine("/sys/kernel/mm/transparent_hugepage/enabled"));
    if (!d) {
        for (const char* k : {"device", "compute_capability", "sms", "resident_warps", "memory_bytes",
                              "free_bytes_at_start", "allocation_cap_bytes", "pci_bus_id", "pcie_link",
                              "driver_version", "cuda_driver_api", "cuda_runtime", "pageable_memory_access",
                              "concurrent_managed_access", "pageable_access_uses_host_page_tables",
                              "uvm_fault_stats"}) {
            o.raw(k, "null");
        }
        return o.raw("uvm_parameters", "{}").json();
    }
    char bus[32] = "";
    cudaDeviceGetPCIBusId(bus, sizeof bus, d->id);
    std::string busId = bus;
    std::transform(busId.begin(), busId.end(), busId.begin(), ::tolower);
    std::string sys = "/sys/bus/pci/devices/" + busId + "/";
    Obj link;
    std::string speed = readFirstLine(sys + "current_link_speed"), width = readFirstLine(sys + "current_link_width");
    link.strOrNull("current_speed", speed).strOrNull("current_width", width)
        .strOrNull("max_speed", readFirstLine(sys + "max_link_speed"))
        .strOrNull("max_width", readFirstLine(sys + "max_link_width"));
    int drv = 0, rt = 0;
    cudaDriverGetVersion(&drv);
    cudaRuntimeGetVersion(&rt);
    o.str("device", d->prop.name)
        .str("compute_capability", std::to_string(d->prop.major) + "." + std::to_string(d->prop.minor))
        .i("sms", d->prop.multiProcessorCount).i("resident_warps", d->residentWarps())
        .i("memory_bytes", (long long)d->totalBytes).i("free_bytes_at_start", (long long)d->freeBytes)
        .i("allocation_cap_bytes", (long long)d->allocationCap()).str("pci_bus_id", busId)
        .raw("pcie_link", speed.empty() && width.empty() ? "null" : link.json())
        .strOrNull("driver_version", nvidiaModuleVersion()).str("cuda_driver_api", versionText(drv))
        .str("cuda_runtime", versionText(rt)).b("pageable_memory_access", d->pageableAccess)
        .b("concurrent_managed_access", d->concurrentManaged)
        .b("pageable_access_uses_host_page_tables", d->usesHostPageTables).raw("uvm_parameters", uvmParameters())
        .b("uvm_fault_stats", d->faultStats().present);
    return o.json();
}

inline std::string utcNow() {
    time_t t = time(nullptr);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    return b;
}

// The document a benchmark writes: results so far, what it skipped and why, and the error that stopped it.
struct Report {
    std::string benchmark, memory, out = "-";
    bool dryRun = false;
    const Device* device = nullptr;
    std::vector<std::string> results, skipped, plan;
    std::string error;

    void skip(const std::string& kind, const std::string& reason) {
        skipped.push_back(Obj().str("kind", kind).str("reason", reason).json());
    }

    std::string json() const {
        std::string s = "{\n";
        s += "  \"format\": " + quote(FORMAT) + ",\n  \"version\": " + std::to_string(FORMAT_VERSION) + ",\n";
        s += "  \"benchmark\": " + quote(benchmark) + ",\n  \"memory\": " + quote(memory) + ",\n";
        s += "  \"dry_run\": " + std::string(dryRun ? "true" : "false") + ",\n";
        s += "  \"taken_at\": " + quote(utcNow()) + ",\n";
        s += "  \"system\": " + systemJson(device) + ",\n";
        s += "  \"results\": " + array(results) + ",\n";
        s += "  \"skipped\": " + array(skipped) + ",\n";
        s += "  \"plan\": " + array(plan) + ",\n";
        s += "  \"error\": " + (error.empty() ? std::string("null") : quote(error)) + "\n}\n";
        return s;
    }

    // Writes what is measured so far to the output file, marked incomplete, so that a benchmark stopped by the
    // runner's timeout (a hung GPU) still leaves its results behind.
    void checkpoint() {
        if (out == "-") return;
        std::string final = error;
        error = "incomplete: the benchmark was stopped before it finished";
        write(out);
        error = final;
    }

    // Writes the document to `path` ("-" for stdout); returns false if it could not.
    bool write(const std::string& path) const {
        std::string s = json();
        if (path == "-") return fwrite(s.data(), 1, s.size(), stdout) == s.size();
        FILE* f = fopen(path.c_str(), "w");
        if (!f) {
            fprintf(stderr, "cannot write %s: %s\n", path.c_str(), strerror(errno));
            return false;
        }
        bool ok = fwrite(s.data(), 1, s.size(), f) == s.size();
        return fclose(f) == 0 && ok;
    }
};

struct Args {
    std::string out = "-", memory = "managed", order;
    bool dryRun = false;
};

inline Args parseArgs(int argc, char** argv, const char* usage) {
    Args a;
    for (int k = 1; k < argc; k++) {
        std::string s = argv[k];
        if (s == "--dry-run") {
            a.dryRun = true;
        } else if (s == "--out" && k + 1 < argc) {
            a.out = argv[++k];
        } else if (s == "--memory" && k + 1 < argc) {
            a.memory = argv[++k];
        } else if (s == "--order" && k + 1 < argc) {
            a.order = argv[++k];
        } else {
            fprintf(stderr, "usage: %s\n", usage);
            exit(2);
        }
    }
    return a;
}

// Wall-clock microseconds since an arbitrary origin (host side).
inline double hostMicros() {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Times `launch` (work enqueued on stream 0) with CUDA events; microseconds.
template <class F>
double eventMicros(F&& launch) {
    cudaEvent_t a, b;
    CHECK(cudaEventCreate(&a));
    CHECK(cudaEventCreate(&b));
    CHECK(cudaEventRecord(a));
    launch();
    CHECK(cudaEventRecord(b));
    CHECK(cudaEventSynchronize(b));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, a, b));
    CHECK(cudaEventDestroy(a));
    CHECK(cudaEventDestroy(b));
    return ms * 1e3;
}

// Runs `body` and turns its CUDA error into the report's error; returns the process's exit status.
template <class F>
int runReport(Report& r, const Args& a, F&& body) {
    int status = 0;
    try {
        body();
    } catch (const std::exception& e) {
        r.error = e.what();
        fprintf(stderr, "%s: %s\n", r.benchmark.c_str(), e.what());
        status = 1;
    }
    if (!r.write(a.out)) status = 3;
    return status;
}

}  // namespace hmmlab
