// Copy bandwidth versus size: host to device and device to host, pinned (cudaMallocHost) and pageable (malloc)
// host memory, device memory from cudaMalloc. One result per (direction, memory, size): the median, minimum and
// maximum of the timed copies (CUDA events around the copy on stream 0, after one untimed warm-up) and the rate
// at the median in GB/s (10^9 bytes per second).
//
//   hmmlab-copy-bw [--out FILE] [--dry-run]
#include "common.h"

using namespace hmmlab;

namespace {

const size_t SIZES[] = {4 * KiB, 64 * KiB, 1 * MiB, 16 * MiB, 256 * MiB};

int repeatsFor(size_t bytes) { return bytes >= 16 * MiB ? 5 : 20; }

std::string result(const char* direction, const char* memory, size_t bytes, const std::vector<double>& us) {
    double med = median(us);
    return Obj()
        .str("kind", "copy").str("direction", direction).str("memory", memory).i("bytes", (long long)bytes)
        .i("repeats", (long long)us.size()).n("median_us", med).n("min_us", minOf(us)).n("max_us", maxOf(us))
        .n("gbps", bytes / (med * 1e3))
        .json();
}

void measure(Report& r, const Device& d) {
    size_t largest = 0;
    for (size_t s : SIZES) largest = std::max(largest, s);
    // device memory is plain cudaMalloc; still keep it far below the free memory
    largest = std::min(largest, d.allocationCap());
    char* dev = nullptr;
    CHECK(cudaMalloc(&dev, largest));
    char* pinned = nullptr;
    CHECK(cudaMallocHost(&pinned, largest));
    char* pageable = static_cast<char*>(malloc(largest));
    if (!pageable) throw std::runtime_error("malloc of the pageable buffer failed");
    memset(pinned, 1, largest);
    memset(pageable, 1, largest);  // populated, so the copy times the copy and not the host's first touch
    for (const char* memory : {"pinned", "pageable"}) {
        char* host = memory[1] == 'i' ? pinned : pageable;
        for (size_t bytes : SIZES) {
            if (bytes > largest) {
                r.skip("copy", "size " + std::to_string(bytes) + " B is above the allocation cap");
                continue;
            }
            for (const char* direction : {"h2d", "d2h"}) {
                bool h2d = direction[0] == 'h';
                auto copy = [&] {
                    if (h2d) {
                        CHECK(cudaMemcpyAsync(dev, host, bytes, cudaMemcpyHostToDevice));
                    } else {
                        CHECK(cudaMemcpyAsync(host, dev, bytes, cudaMemcpyDeviceToHost));
                    }
                };
                eventMicros(copy);  // warm-up: first use of the range, staging buffers
                std::vector<double> us;
                for (int k = 0; k < repeatsFor(bytes); k++) us.push_back(eventMicros(copy));
                r.results.push_back(result(direction, memory, bytes, us));
                r.checkpoint();
            }
        }
    }
    free(pageable);
    CHECK(cudaFreeHost(pinned));
    CHECK(cudaFree(dev));
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parseArgs(argc, argv, "hmmlab-copy-bw [--out FILE] [--dry-run]");
    Report r;
    r.benchmark = "copy";
    r.memory = "device";
    r.dryRun = a.dryRun;
    r.out = a.out;
    for (const char* memory : {"pinned", "pageable"}) {
        for (size_t bytes : SIZES) {
            r.plan.push_back(Obj().str("kind", "copy").str("memory", memory).i("bytes", (long long)bytes)
                                 .raw("directions", "[\"h2d\", \"d2h\"]").i("repeats", repeatsFor(bytes)).json());
        }
    }
    if (a.dryRun) return r.write(a.out) ? 0 : 3;
    Device d;
    return runReport(r, a, [&] {
        d = openDevice();
        r.device = &d;
        measure(r, d);
    });
}
