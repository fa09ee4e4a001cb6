package org.hmmlab.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hmmlab.units.Bytes;
import org.junit.jupiter.api.Test;

class KernelLaunchTest {

    /** Two blocks: block 0 reads 300 B from 100 and writes 8 B at 5000; block 1 makes nothing; block 2 an atomic. */
    static final ThreadBlocks GRID = ThreadBlocks.of(3, (b, out) -> {
        if (b == 0) {
            out.read(100, 300);
            out.write(5000, 8);
        } else if (b == 2) {
            out.atomic(8192, 4);
        }
    });

    static List<String> accesses(AccessStream s) {
        List<String> out = new ArrayList<>();
        while (s.next()) {
            out.add(s.type().name().charAt(0) + "@" + s.offset() + "+" + s.size());
        }
        return out;
    }

    @Test
    void rangesAreCutAtMultiplesOfTheAccessSizeInBlockOrder() {
        KernelLaunch k = new KernelLaunch("toy", 0, "k", Bytes.PAGE.plus(Bytes.PAGE).plus(Bytes.PAGE), GRID);
        Bytes fp = Bytes.KiB(12);
        assertEquals(6, k.accessesPerPass(fp, Bytes.of(128)));
        assertEquals(List.of("R@100+28", "R@128+128", "R@256+128", "R@384+16", "W@5000+8", "A@8192+4"),
                accesses(k.stream(fp, 6, Bytes.of(128), 0, 1)));
        assertEquals(3, k.accessesPerPass(fp, Bytes.PAGE), "a range shorter than the access size stays one access");
    }

    @Test
    void moreWorkThanOnePassReplaysTheLaunch() {
        KernelLaunch k = new KernelLaunch("toy", 0, "k", Bytes.KiB(12), GRID);
        List<String> two = accesses(k.stream(Bytes.KiB(12), 6, Bytes.PAGE, 0, 1));
        assertEquals(List.of("R@100+300", "W@5000+8", "A@8192+4", "R@100+300", "W@5000+8", "A@8192+4"), two);
    }

    @Test
    void theFootprintMustHoldTheArrays() {
        KernelLaunch k = new KernelLaunch("toy", 0, "k", Bytes.KiB(12), GRID);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Phase("p", Agent.gpu(0), "x", k, Bytes.KiB(8), 3, 1, Bytes.PAGE, 0));
        assertTrue(e.getMessage().contains("needs a footprint of at least 12 KiB"), e.getMessage());
    }

    @Test
    void aLaunchIsNamedByBenchmarkAndStep() {
        KernelLaunch a = new KernelLaunch("toy", 1, "k", Bytes.KiB(12), GRID);
        assertEquals(a, new KernelLaunch("toy", 1, "k", Bytes.KiB(12), ThreadBlocks.of(1, (b, o) -> o.read(0, 1))));
        assertNotEquals(a, new KernelLaunch("toy", 2, "k", Bytes.KiB(12), GRID));
        assertEquals("k (toy step 1)", a.label());
        assertThrows(IllegalArgumentException.class, () -> new KernelLaunch("toy", -1, "k", Bytes.KiB(12), GRID));
        assertThrows(IllegalArgumentException.class, () -> ThreadBlocks.of(0, (b, o) -> { }));
    }

    @Test
    void aLaunchWithoutAnyAccessIsRefusedWhenCounted() {
        KernelLaunch k = new KernelLaunch("toy", 0, "k", Bytes.KiB(4), ThreadBlocks.of(4, (b, o) -> { }));
        assertThrows(IllegalStateException.class, () -> k.accessesPerPass(Bytes.KiB(4), Bytes.PAGE));
        AccessStream s = k.stream(Bytes.KiB(4), 0, Bytes.PAGE, 0, 1);
        assertFalse(s.next(), "no work, no access");
    }

    @Test
    void blockAccessesRefuseANegativeRange() {
        BlockAccesses b = new BlockAccesses();
        assertThrows(IllegalArgumentException.class, () -> b.read(-4, 4));
        assertThrows(IllegalArgumentException.class, () -> b.write(0, -1));
        b.read(0, 0);
        assertEquals(0, b.size(), "an empty range adds nothing");
        for (int i = 0; i < 1000; i++) {
            b.write(i, 1);
        }
        assertEquals(1000, b.size());
        assertEquals(999, b.offset(999));
    }
}
