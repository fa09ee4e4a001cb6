/**
 * Typed quantities: sizes ({@link org.hmmlab.units.Bytes}), simulated durations and instants
 * ({@link org.hmmlab.units.SimDuration}, {@link org.hmmlab.units.SimTime}) and rates
 * ({@link org.hmmlab.units.Bandwidth}).
 *
 * <p>Every number that crosses an API carries its unit in its type. Each record wraps one {@code long}
 * (bytes, nanoseconds, bytes per second), so the hot paths stay primitive. Parsing demands a unit
 * ({@code "2MiB"}, {@code "31.5GB/s"}, {@code "5us"}); {@code KiB} (1024) and {@code kB} (1000) differ.
 * {@link org.hmmlab.units.Bandwidth#timeToTransfer(Bytes)} is the only size-to-time conversion.
 */
package org.hmmlab.units;
