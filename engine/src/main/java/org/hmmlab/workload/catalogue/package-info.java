/**
 * The benchmarks of the peer simulator (GPGPU-Sim UVMSmart) as workloads, each following its CUDA kernels: the
 * managed arrays as the peer's allocator lays them out, the host loops that fill them, and every kernel launch with
 * its thread blocks in launch order and each block's accesses in program order.
 *
 * <p>{@link org.hmmlab.workload.catalogue.Catalogue} lists them; a
 * {@link org.hmmlab.workload.catalogue.Benchmark} turns into phases of {@link org.hmmlab.workload.KernelLaunch}
 * patterns. Data-dependent benchmarks (bfs, sssp, ra) draw their inputs from a fixed seed, so a benchmark's accesses
 * are the same on every run.
 */
package org.hmmlab.workload.catalogue;
