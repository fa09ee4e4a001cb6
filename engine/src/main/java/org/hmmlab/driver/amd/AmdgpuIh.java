package org.hmmlab.driver.amd;

import org.hmmlab.device.DevicePageTable;
import org.hmmlab.device.FaultBuffer;
import org.hmmlab.device.GpuMemoryAccessFault;
import org.hmmlab.device.Interrupts;
import org.hmmlab.metrics.Counter;
import org.hmmlab.sim.EventPhase;

/**
 * The interrupt handler that takes the GPU's retry faults off the IH ring one at a time, in order: each passes the
 * fault filter ({@link GmcFaultFilter}) or is dropped, and each that passes is handled to the end, migration and
 * mapping included ({@link KfdSvm#restorePages}), before the next is read. No batches, no replay: the waves retry on
 * their own and find their page mapped.
 *
 * <p>Mirrors gmc_v9_0_process_interrupt() (drivers/gpu/drm/amd/amdgpu/gmc_v9_0.c) for a retry fault:
 * amdgpu_gmc_filter_faults(), the delegation to the soft IH ring whose one work item processes entries in order
 * (amdgpu_irq_delegate(), amdgpu_ih.c), then amdgpu_vm_handle_fault() (amdgpu_vm.c), which calls
 * svm_range_restore_pages(). With XNACK off the GPU raises no retry fault: an unmapped access is a VM fault that
 * kfd_signal_vm_fault_event() turns into a memory exception, fatal to the process ({@link GpuMemoryAccessFault}).
 */
final class AmdgpuIh implements Interrupts {

    private final AmdSvmGpu gpu;
    private boolean busy;

    AmdgpuIh(AmdSvmGpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public void faultBufferWritten(long arrive) {
        if (!busy) {
            busy = true;
            long entry = gpu.h.faultEntry().nanos();
            gpu.sim.scheduleAtNanos(Math.max(arrive, gpu.sim.nowNanos()) + entry, EventPhase.HOST,
                    a -> process(entry), 0);
        }
    }

    /** AMD's GPUs raise no access-counter notifications that drive migration: nothing is written there. */
    @Override
    public void accessCounterBufferWritten(long arrive) {
    }

    /** Takes the next entry that has arrived and handles it; {@code entryCharged} is the wake-up charged before. */
    private void process(long entryCharged) {
        FaultBuffer buf = gpu.faults;
        long now = gpu.sim.nowNanos();
        if (buf.size() == 0) {
            busy = false;
            return;
        }
        if (buf.headArrive() > now) {
            gpu.sim.scheduleAtNanos(buf.headArrive(), EventPhase.HOST, a -> process(entryCharged), 0);
            return;
        }
        int slot = buf.take();
        long page = buf.page(slot);
        boolean write = buf.write(slot);
        long stamp = buf.arrive(slot);
        gpu.warps.leftBuffer(buf.warp(slot));
        long decode = gpu.h.perFaultOverhead().nanos(); // decoding the IV entry, the filter
        long t = now + decode;
        if (!gpu.options.xnack()) {
            noRetryFault(page, write, t);
            gpu.sim.scheduleAtNanos(t, EventPhase.HOST, a -> process(0), 0);
            return;
        }
        if (gpu.filter.filter(page, stamp)) {
            gpu.counters.increment(Counter.DUPLICATE_FAULTS);
            if (!mapped(page, write)) {
                gpu.svm.armRetry(t + gpu.options.retryInterval().nanos());
            }
            gpu.sim.scheduleAtNanos(t, EventPhase.HOST, a -> process(0), 0);
            return;
        }
        gpu.svm.restorePages(page, write, t, entryCharged + decode,
                end -> gpu.sim.scheduleAtNanos(end, EventPhase.HOST, a -> process(0), 0));
    }

    private boolean mapped(long page, boolean write) {
        return gpu.pt.covers(page) && DevicePageTable.allows(gpu.pt.pte(gpu.pt.idx(page)), write);
    }

    /**
     * XNACK off: the access found no valid PTE. While the restore work is due (the queues are stopped for it) the
     * wave waits for it; a page mapped meanwhile lets it go on; anything else is fatal.
     */
    private void noRetryFault(long page, boolean write, long t) {
        if (mapped(page, write)) {
            gpu.svm.armRetry(t);
            return;
        }
        if (gpu.svm.queuesStopped()) {
            return; // the restore work maps it and restarts the queues
        }
        throw new GpuMemoryAccessFault(page, write, String.format(
                "GPU memory access fault with XNACK off: the GPU %s page 0x%x (address 0x%x) of allocation '%s', "
                        + "which is not mapped for it (its SVM range has no GPU access). With XNACK off there is no "
                        + "retry fault: gmc_v9_0_process_interrupt() reports the VM fault, kfd_signal_vm_fault_event() "
                        + "raises a memory exception and the HIP runtime aborts the process (\"Memory access fault by "
                        + "GPU node-1 ... Reason: Page not present or supervisor privilege.\"). Map it before the kernel "
                        + "runs (give the range access, the default) or turn XNACK on.",
                write ? "wrote" : "read", page, page << 12, gpu.allocationOf(page)));
    }
}
