package org.hmmlab.run;

import java.util.function.Supplier;
import org.hmmlab.device.FaultPath;
import org.hmmlab.multigpu.MultiGpuModel;
import org.hmmlab.platform.Platform;
import org.hmmlab.policy.MigrationPolicy;
import org.hmmlab.sim.CancellationToken;
import org.hmmlab.units.Bytes;
import org.hmmlab.workload.Workload;

/**
 * One of the two engines that run a workload under a driver policy: the timing engine ({@link Timed}: the GPU
 * model on a discrete-event clock, {@link Experiment}) or the residency-only engine ({@link Residency}: the
 * page-granular {@link ResidencyModel}, no clock). Both take the same inputs and give an {@link Outcome} whose
 * counters use one column vocabulary ({@link Columns}), so a front end picks an engine without caring which.
 *
 * <pre>{@code
 * Outcome o = Engine.timed(Platforms.A100_PCIE4).run(workload, Policies::uvmDefaults, 42, token);
 * }</pre>
 */
public sealed interface Engine permits Engine.Timed, Engine.Residency, Engine.MultiGpu {

    /**
     * Runs {@code workload} to its end under a fresh policy from {@code policy}, every random stream derived from
     * {@code seed} ({@link Seeds}), stopping with {@link org.hmmlab.sim.SimulationCancelledException}
     * soon after {@code cancel} is cancelled. Same inputs, same outcome, bit for bit.
     */
    Outcome run(Workload workload, Supplier<MigrationPolicy> policy, long seed, CancellationToken cancel);

    /** The timing engine on {@code platform} with the replayable fault buffer. */
    static Timed timed(Platform platform) {
        return new Timed(platform, FaultPath.REPLAYABLE_BUFFER);
    }

    /** The residency-only engine sized and priced by {@code platform} ({@link Residency#on}). */
    static Residency residency(Platform platform) {
        return Residency.on(platform);
    }

    /**
     * The timing engine: {@link Experiment} on a platform and fault path.
     *
     * @param platform  host, link and GPU
     * @param faultPath replayable fault buffer (UVM) or ATS/PRI
     */
    record Timed(Platform platform, FaultPath faultPath) implements Engine {
        public Timed {
            if (platform == null || faultPath == null) {
                throw new IllegalArgumentException("timing engine: platform and faultPath must be set, got null");
            }
        }

        @Override
        public Outcome.Timed run(Workload workload, Supplier<MigrationPolicy> policy, long seed,
                                 CancellationToken cancel) {
            return new Outcome.Timed(Experiment.of(platform, workload, policy).withFaultPath(faultPath).withSeed(seed)
                    .withCancellation(cancel).run());
        }
    }

    /**
     * The residency-only engine: {@link ResidencyModel} with a device memory, a host memory and fixed costs.
     *
     * @param deviceMemory GPU memory available to the workload, at least one 2 MiB chunk
     * @param hostMemory   host memory; the workload's allocations must fit
     * @param costs        the model's fixed costs
     */
    record Residency(Bytes deviceMemory, Bytes hostMemory, ResidencyModel.Costs costs) implements Engine {
        public Residency {
            if (deviceMemory == null || hostMemory == null || costs == null) {
                throw new IllegalArgumentException(
                        "residency engine: deviceMemory, hostMemory and costs must be set, got null");
            }
        }

        /**
         * The residency model on {@code p}: the GPU's memory, 1 TiB of host memory, the default fault and access
         * costs, and the platform's link for remote accesses and copies (its round trip and TLP bandwidth).
         */
        public static Residency on(Platform p) {
            if (!p.driver().equals(org.hmmlab.platform.DriverPersonality.UVM)) {
                throw new IllegalArgumentException("engine residency-model replays nvidia-uvm's policy decisions only;"
                        + " platform '" + p.name() + "' is driven by " + p.driver().name()
                        + ": run it with the timing engine");
            }
            ResidencyModel.Costs d = ResidencyModel.Costs.defaults();
            return new Residency(p.gpu().vram(), Bytes.GiB(1024), new ResidencyModel.Costs(d.deviceFault(),
                    d.hostFault(), d.deviceAccess(), d.hostAccess(), p.link().roundTripLatency(),
                    p.link().tlpBandwidth()));
        }

        @Override
        public Outcome.Residency run(Workload workload, Supplier<MigrationPolicy> policy, long seed,
                                     CancellationToken cancel) {
            ResidencyModel model = new ResidencyModel(deviceMemory, hostMemory, policy.get(), costs);
            return new Outcome.Residency(model.run(workload, seed, cancel), seed);
        }
    }

    /**
     * The multi-GPU model: {@link MultiGpuModel} on a platform of several GPUs or a coherent
     * link ({@link Platform#topology()}, which also says how pages move between GPUs).
     *
     * @param platform the platform and its topology
     * @param costs    the model's fixed costs
     */
    record MultiGpu(Platform platform, MultiGpuModel.Costs costs) implements Engine {
        public MultiGpu {
            if (platform == null || costs == null) {
                throw new IllegalArgumentException("multi-GPU engine: platform and costs must be set, got null");
            }
        }

        /** The model on {@code p} with the default costs. */
        public static MultiGpu on(Platform p) {
            return new MultiGpu(p, MultiGpuModel.Costs.defaults());
        }

        @Override
        public Outcome.MultiGpu run(Workload workload, Supplier<MigrationPolicy> policy, long seed,
                                    CancellationToken cancel) {
            var model = new MultiGpuModel(platform, policy.get(), costs);
            return new Outcome.MultiGpu(model.run(workload, seed, cancel), seed);
        }
    }
}
