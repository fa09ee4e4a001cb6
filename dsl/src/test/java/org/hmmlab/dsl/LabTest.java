package org.hmmlab.dsl;

import static org.hmmlab.dsl.Lab.GBps;
import static org.hmmlab.dsl.Lab.GiB;
import static org.hmmlab.dsl.Lab.KiB;
import static org.hmmlab.dsl.Lab.MBps;
import static org.hmmlab.dsl.Lab.MiB;
import static org.hmmlab.dsl.Lab.doublings;
import static org.hmmlab.dsl.Lab.ms;
import static org.hmmlab.dsl.Lab.ns;
import static org.hmmlab.dsl.Lab.pages;
import static org.hmmlab.dsl.Lab.us;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The unit helpers: right values, and every out-of-range value refused naming the helper and its range. */
class LabTest {

    @Test
    void unitsHaveTheirBinaryOrDecimalValues() {
        assertEquals(65_536, KiB(64).bytes());
        assertEquals(2L << 20, MiB(2).bytes());
        assertEquals(8L << 30, GiB(8).bytes());
        assertEquals(MiB(2), pages(512));
        assertEquals(250, ns(250).nanos());
        assertEquals(5_000, us(5).nanos());
        assertEquals(10_000_000, ms(10).nanos());
        assertEquals(31_500_000_000L, GBps(31.5).bytesPerSecond());
        assertEquals(900_000_000L, MBps(900).bytesPerSecond());
        assertEquals(List.of(KiB(64), KiB(128), KiB(256)), doublings(KiB(64), KiB(256)));
    }

    @Test
    void outOfRangeValuesNameTheHelperAndTheRange() {
        expect("KiB(n): n must be in [0, ", () -> KiB(-1));
        expect("MiB(n): n must be in [0, 8796093022207], got 8796093022208", () -> MiB(1L << 43));
        expect("GiB(n): n must be in [0, ", () -> GiB(-4));
        expect("pages(n): n must be in [0, ", () -> pages(-1));
        expect("ns(n): n must be in [0, ", () -> ns(-1));
        expect("us(n): n must be in [0, ", () -> us(-5));
        expect("ms(n): n must be in [0, ", () -> ms(Long.MAX_VALUE));
        expect("GBps(n): n must be in (0, 1000000] GB/s, got 0.0", () -> GBps(0));
        expect("GBps(n): n must be in (0, 1000000] GB/s, got NaN", () -> GBps(Double.NaN));
        expect("MBps(n): n must be in [0.000001", () -> MBps(-3));
        expect("doublings(from, to): to must be >= from", () -> doublings(MiB(2), MiB(1)));
    }

    static void expect(String start, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.run());
        assertEquals(true, e.getMessage().startsWith(start), e.getMessage());
    }

    interface Executable {
        void run() throws Exception;
    }
}
