/**
 * Workloads: named allocations, CPU and GPU phases over them, the access patterns the phases issue, and
 * recorded access traces.
 *
 * <p>A {@link org.hmmlab.workload.Workload} is a sequence of {@link org.hmmlab.workload.Phase}s; each phase has
 * an {@link org.hmmlab.workload.Agent} (CPU or a GPU), an allocation, a {@link org.hmmlab.workload.Pattern}
 * ({@link org.hmmlab.workload.Patterns}: sequential, strided, uniform random, Zipf, hot set, stencil, pointer
 * chasing), a footprint, an amount of work (accesses), a concurrency (warps or threads), an access size and a
 * write fraction. {@link org.hmmlab.workload.Workload#pingPong} builds the CPU/GPU ping-pong.
 * {@link org.hmmlab.workload.AccessTrace} replays a CSV trace.
 *
 * <p>This package knows no time and no memory: it only says which bytes are touched, in which order, for read or
 * write. How the timing layer consumes it:
 * <ol>
 *   <li>for each phase in order, {@code phase.stream(seed)} with a seed split from the run's seed by the phase's
 *       index (so adding a phase does not change the accesses of the others);</li>
 *   <li>the agent's issuers ({@code concurrency} warps or threads) take accesses from the stream in order; an
 *       access that is {@link org.hmmlab.workload.AccessStream#dependent() dependent} waits for the previous one
 *       to complete;</li>
 *   <li>{@code offset()} is added to the allocation's base virtual address; the page it falls in is what faults,
 *       migrates or is accessed remotely.</li>
 * </ol>
 * Streams allocate nothing per access and are a pure function of their inputs: same seed, same accesses, bit for
 * bit.
 */
package org.hmmlab.workload;
