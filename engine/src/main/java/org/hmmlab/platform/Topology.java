package org.hmmlab.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How many GPUs a platform holds and how they reach each other and the CPU: PCIe behind the root complex or a
 * switch, with or without peer-to-peer access, NVLink between pairs, or a coherent chip-to-chip link to the CPU.
 *
 * <p>Every GPU is a copy of the platform's {@link GpuProfile} with a fault buffer, TLB, device memory and copy
 * engines of its own, and its own PCIe link of the platform's {@link PcieLinkConfig}. {@link #SINGLE} (one GPU,
 * no peers) is what every platform had before several GPUs existed, and what a platform has unless
 * {@link Platform#withTopology} says otherwise: single-GPU runs are untouched by this record.
 *
 * <p>Peer access mirrors the CUDA/UVM notion: with it, a GPU maps and copies another GPU's memory directly (the
 * UVM driver's {@code accessible_from} and {@code can_copy_from} masks of uvm_va_space.c); without it, the driver
 * stages a GPU-to-GPU copy through system memory ({@code pages_staged} in block_populate_pages(),
 * uvm_va_block.c). NVLink between two GPUs implies peer access between them.
 *
 * @param gpus         GPUs, 1 to 64 ({@code gpu0} .. {@code gpuN-1})
 * @param fabric       what the GPUs sit behind on PCIe
 * @param peerAccess   whether GPUs on PCIe reach each other's memory peer-to-peer
 * @param nvlinks      NVLink connections between pairs of GPUs
 * @param coherentLink the CPU-GPU coherent link, or null for PCIe
 * @param gpuToGpu     how the driver moves a page from one GPU to another: {@link GpuToGpu#DRIVER}, or the what-if
 *                     {@link GpuToGpu#THROUGH_SYSTEM_MEMORY}
 */
public record Topology(int gpus, PeerFabric fabric, boolean peerAccess, List<NvLink> nvlinks,
                       CoherentLink coherentLink, GpuToGpu gpuToGpu) {

    /** One GPU on PCIe, as every platform was before several GPUs. */
    public static final Topology SINGLE = new Topology(1, PeerFabric.ROOT_COMPLEX, false, List.of(), null,
            GpuToGpu.DRIVER);

    public Topology {
        Check.range("topology.gpus", gpus, 1, 64);
        Check.notNull("topology.fabric", fabric);
        Check.notNull("topology.nvlinks", nvlinks);
        Check.notNull("topology.gpuToGpu", gpuToGpu);
        nvlinks = List.copyOf(nvlinks);
        List<NvLink> seen = new ArrayList<>();
        for (NvLink l : nvlinks) {
            Objects.requireNonNull(l, "topology.nvlinks must not hold null");
            for (int end : new int[] {l.a(), l.b()}) {
                if (end >= gpus) {
                    throw new IllegalArgumentException("topology.nvlinks: nvlink(" + l.a() + ", " + l.b()
                            + ") names gpu" + end + ", which does not exist; this platform has " + names(gpus));
                }
            }
            for (NvLink s : seen) {
                if (s.joins(l.a(), l.b())) {
                    throw new IllegalArgumentException("topology.nvlinks: gpu" + l.a() + " and gpu" + l.b()
                            + " are joined twice; give one nvlink with the number of links instead");
                }
            }
            seen.add(l);
        }
    }

    /** {@code n} GPUs behind the root complex, without peer access or NVLink. */
    public static Topology gpus(int n) {
        return new Topology(n, PeerFabric.ROOT_COMPLEX, false, List.of(), null, GpuToGpu.DRIVER);
    }

    /** The GPUs as a reader names them: {@code gpu0, gpu1}. */
    public static String names(int gpus) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < gpus; i++) {
            b.append(i == 0 ? "" : ", ").append("gpu").append(i);
        }
        return b.toString();
    }

    /** This topology with {@code n} GPUs (NVLinks must still name GPUs that exist). */
    public Topology withGpus(int n) {
        return new Topology(n, fabric, peerAccess, nvlinks, coherentLink, gpuToGpu);
    }

    /** This topology behind {@code f}. */
    public Topology behind(PeerFabric f) {
        return new Topology(gpus, f, peerAccess, nvlinks, coherentLink, gpuToGpu);
    }

    /** This topology with PCIe peer-to-peer access on or off. */
    public Topology withPeerAccess(boolean on) {
        return new Topology(gpus, fabric, on, nvlinks, coherentLink, gpuToGpu);
    }

    /** This topology with {@code link} added. */
    public Topology withNvLink(NvLink link) {
        List<NvLink> next = new ArrayList<>(nvlinks);
        next.add(link);
        return new Topology(gpus, fabric, peerAccess, next, coherentLink, gpuToGpu);
    }

    /** This topology with the CPU and GPU joined by {@code link} (null: PCIe). */
    public Topology withCoherentLink(CoherentLink link) {
        return new Topology(gpus, fabric, peerAccess, nvlinks, link, gpuToGpu);
    }

    /** This topology with GPU-to-GPU moves taking the path {@code path}. */
    public Topology withGpuToGpu(GpuToGpu path) {
        return new Topology(gpus, fabric, peerAccess, nvlinks, coherentLink, path);
    }

    /** Whether the CPU and GPUs are coherent over a chip-to-chip link. */
    public boolean coherent() {
        return coherentLink != null;
    }

    /** The NVLink joining {@code x} and {@code y}, or null. */
    public NvLink nvlink(int x, int y) {
        for (NvLink l : nvlinks) {
            if (l.joins(x, y)) {
                return l;
            }
        }
        return null;
    }

    /**
     * Whether GPU {@code x} reaches GPU {@code y}'s memory directly: the same GPU, NVLink between them, or PCIe
     * peer access. Mirrors the UVM driver's {@code accessible_from} mask between GPUs (uvm_va_space.c).
     */
    public boolean peers(int x, int y) {
        return x == y || nvlink(x, y) != null || peerAccess;
    }

    /**
     * Checks that {@code gpu} exists, naming {@code parameter} and the GPUs that do:
     * {@code "gpu(2, phase): gpu2 does not exist; this platform has gpu0, gpu1"}.
     */
    public void requireGpu(String parameter, int gpu) {
        if (gpu < 0 || gpu >= gpus) {
            throw new IllegalArgumentException(parameter + ": gpu" + gpu + " does not exist; this platform has "
                    + names(gpus));
        }
    }
}
