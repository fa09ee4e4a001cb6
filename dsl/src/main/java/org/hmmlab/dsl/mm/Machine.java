package org.hmmlab.dsl.mm;

import java.util.Objects;
import org.hmmlab.mm.Frames;
import org.hmmlab.mm.MmStruct;
import org.hmmlab.units.Bytes;

/**
 * A machine's physical memory, on which processes are created: {@code var m = machine(GiB(1));}.
 *
 * <p>Mirrors the kernel's page allocator and struct page array (the engine's {@link Frames}). Every process of
 * one machine shares its frames, so a fork's copy-on-write sharing and the shared zero page show in the tables.
 */
public final class Machine {

    /** The RAM of {@code machine()}: 1 GiB, small enough to create in microseconds. */
    public static final Bytes DEFAULT_RAM = Bytes.GiB(1);

    private final Frames frames;
    private int processes;
    private int devices;

    private Machine(Frames frames) {
        this.frames = frames;
    }

    /** A machine with {@code ram} of system RAM, between 8 MiB and 8 TiB: {@code Machine.withRam(GiB(1))}. */
    public static Machine withRam(Bytes ram) {
        Objects.requireNonNull(ram, "machine(ram): ram");
        if (ram.bytes() < 8L << 20 || ram.bytes() > 8L << 40) {
            throw new IllegalArgumentException("machine(ram): ram must be in [8 MiB, 8 TiB], got " + ram);
        }
        return new Machine(Frames.create(ram));
    }

    /** A new process with an empty address space: {@code var p = m.process();}. Mirrors exec's mm_alloc(). */
    public Task process() {
        return new Task(this, MmStruct.create(frames), ++processes);
    }

    /**
     * A device with device-private memory on this machine: {@code var gpu = m.device("gpu0");}. Mirrors loading
     * lib/test_hmm.c's dmirror device (its pagemap grows as pages migrate in).
     */
    public Device device(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("device(name): name must be non-empty text, got '" + name + "'");
        }
        if (devices >= 64) {
            throw new IllegalStateException("device(name): a machine holds at most 64 devices");
        }
        return new Device(name, Device.create(frames, devices++));
    }

    Task adopt(MmStruct mm) {
        return new Task(this, mm, ++processes);
    }

    /** The engine's physical memory, for code that goes below this API. */
    public Frames frames() {
        return frames;
    }

    /** System RAM pages in use (including the zero pages and page tables' frames the engine counts). */
    public long usedRamPages() {
        return frames.usedRamPages();
    }

    @Override
    public String toString() {
        return "machine with " + Bytes.of(frames.ramPages() * Bytes.PAGE.bytes()) + " of RAM, " + processes + " processes";
    }
}
