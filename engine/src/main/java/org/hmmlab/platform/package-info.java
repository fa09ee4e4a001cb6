/**
 * Platform profiles: every number the timing layer charges, grouped as host ({@link org.hmmlab.platform.HostProfile}),
 * link ({@link org.hmmlab.pcie.PcieLinkConfig}) and GPU ({@link org.hmmlab.platform.GpuProfile}) in one
 * {@link org.hmmlab.platform.Platform}, validated field by field (each error names the field and its range). Ready
 * profiles with a source for each number are in {@link org.hmmlab.platform.Platforms}.
 *
 * <p>JSON is not here: the engine depends on nothing heavier than HdrHistogram, so profiles are read and written
 * by the DSL's {@code org.hmmlab.dsl.json.PlatformJson} with Jackson, the lab's one JSON stack. May depend on
 * {@code units} and {@code pcie}.
 */
package org.hmmlab.platform;
