/**
 * Platform profiles: every number the timing layer charges, grouped as host ({@link org.hmmlab.platform.HostProfile}),
 * link ({@link org.hmmlab.pcie.PcieLinkConfig}) and GPU ({@link org.hmmlab.platform.GpuProfile}) in one
 * {@link org.hmmlab.platform.Platform}, serialisable to JSON and validated field by field. Ready profiles
 * with a source for each number are in {@link org.hmmlab.platform.Platforms}.
 */
package org.hmmlab.platform;
