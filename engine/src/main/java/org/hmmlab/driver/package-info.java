/**
 * The GPU drivers' software: what runs on the host when the device raises a fault or a notification, and when the
 * CPU's memory management tells the device that its mirror is stale. One sub-package per driver personality, its
 * classes named after the source files they mirror: {@link org.hmmlab.driver.uvm} (NVIDIA's nvidia-uvm) and
 * {@link org.hmmlab.driver.amd} (AMD's amdkfd SVM driver), chosen by the platform's driver personality.
 *
 * <p>May depend on: {@code device} (the hardware it drives), {@code policy} (what it decides with), {@code pcie},
 * {@code platform}, {@code metrics}, {@code sim}, {@code units}, {@code workload}, and {@code mm.notifier} for the
 * invalidation events the host sends. Nothing in {@code device} but the
 * wiring depends on it.
 */
package org.hmmlab.driver;
