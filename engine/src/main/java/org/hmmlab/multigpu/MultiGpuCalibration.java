package org.hmmlab.multigpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hmmlab.calibrate.CalibrationCase;
import org.hmmlab.calibrate.SourceTag;
import org.hmmlab.platform.CoherentPlatforms;
import org.hmmlab.platform.NvLink;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.Platform;
import org.hmmlab.platform.Platforms;
import org.hmmlab.platform.Topology;
import org.hmmlab.policy.Location;
import org.hmmlab.policy.Policies;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/**
 * The multi-GPU model's copy paths against the published figures they touch: NVLink-C2C bandwidth each way on
 * GH200, and small GPU-to-GPU copies with and without peer access. Kept apart from
 * {@link org.hmmlab.calibrate.Calibration}, which times single GPUs on PCIe, so that table is unchanged; the
 * same {@link CalibrationCase} rows, so the lab's calibration table and chart take them as they are.
 */
public final class MultiGpuCalibration {

    private MultiGpuCalibration() {
    }

    /** The cases, each computed by the model now. */
    public static List<CalibrationCase> cases() {
        List<CalibrationCase> out = new ArrayList<>();
        MultiGpuModel gh = model(CoherentPlatforms.GH200_C2C);
        Bytes gib = Bytes.GiB(1);
        String schieffer = "Schieffer, Wahlgren, Ren, Faj, Peng, \"Harnessing Integrated CPU-GPU System Memory for HPC:"
                + " a first look into Grace Hopper\", ICPP 2024 (arXiv:2407.07850)";
        out.add(CalibrationCase.of("GH200 NVLink-C2C host to device, 1 GiB", SourceTag.MEASURED, schieffer, "GB/s",
                375, gbps(gib, gh.copyTime(Location.HOST, 0, gib)), "fit: sets coherentLink.hostToDevice"));
        out.add(CalibrationCase.of("GH200 NVLink-C2C device to host, 1 GiB", SourceTag.MEASURED, schieffer, "GB/s",
                297, gbps(gib, gh.copyTime(0, Location.HOST, gib)), "fit: sets coherentLink.deviceToHost"));
        out.add(CalibrationCase.of("GH200 host to device, copy-engine memcpy", SourceTag.MEASURED,
                "NVIDIA/nvbandwidth issue #23 (host_to_device_memcpy_ce)", "GB/s", 346,
                gbps(gib, gh.copyTime(Location.HOST, 0, gib)), ""));
        Platform a100 = Platforms.A100_PCIE4;
        MultiGpuModel staged = model(a100.withGpus(2));
        MultiGpuModel nvlink = model(a100.withTopology(Topology.gpus(2).withNvLink(NvLink.of(0, 1, NvLinkGen.NVLINK3,
                12))));
        Bytes small = Bytes.KiB(4);
        String samples = "NVIDIA/cuda-samples issue #230 (p2pBandwidthLatencyTest, 4-GPU NVLink box)";
        double stagedUs = staged.copyTime(0, 1, small).nanos() / 1e3;
        out.add(CalibrationCase.range("GPU to GPU small copy, P2P disabled (through the host)", SourceTag.MEASURED,
                samples, "us", 11, 20, stagedUs,
                "the published figure is a cudaMemcpy call (runtime, a pinned staging buffer, two synchronised DMA"
                        + " legs): the model charges the two DMA legs only, " + fmt(stagedUs) + " us"));
        double peerUs = nvlink.copyTime(0, 1, small).nanos() / 1e3;
        out.add(CalibrationCase.range("GPU to GPU small copy, P2P writes", SourceTag.MEASURED, samples, "us", 1.8, 2.3,
                peerUs, "the published figure includes the cudaMemcpy software path (2.1-2.7 us for a same-GPU copy in"
                        + " the same test); the model charges one NVLink transfer, whose latency is an assumption [A]"));
        return out;
    }

    private static MultiGpuModel model(Platform p) {
        return new MultiGpuModel(p, Policies.uvmDefaults(), MultiGpuModel.Costs.defaults());
    }

    private static double gbps(Bytes size, SimDuration t) {
        return size.bytes() / (double) t.nanos();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
