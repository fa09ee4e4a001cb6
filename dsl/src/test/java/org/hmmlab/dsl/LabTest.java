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
        expect("MiB(n): n must be in [0, 8796093022207], got 8796093022208", () -> MiB(1L << 43));
        expect("ms(n): n must be in [0, ", () -> ms(Long.MAX_VALUE));
        expect("GBps(n): n must be in (0, 1000000] GB/s, got 0.0", () -> GBps(0));
        expect("GBps(n): n must be in (0, 1000000] GB/s, got NaN", () -> GBps(Double.NaN));
        expect("MBps(n): n must be in [0.000001", () -> MBps(1e-9));
        expect("doublings(from, to): to must be >= from", () -> doublings(MiB(2), MiB(1)));
    }

    /** Issue 14: a negative size, duration or rate says that it is negative, then the range. */
    @Test
    void aNegativeValueSaysItIsNegative() {
        expect("KiB(n): n is negative (-1); a size is zero or more, n in [0, ", () -> KiB(-1));
        expect("GiB(n): n is negative (-4); a size is zero or more, n in [0, ", () -> GiB(-4));
        expect("pages(n): n is negative (-1); a size is zero or more", () -> pages(-1));
        expect("bytes(n): n is negative (-4096); a size is zero or more", () -> Lab.bytes(-4096));
        expect("ns(n): n is negative (-1); a duration is zero or more", () -> ns(-1));
        expect("us(n): n is negative (-5); a duration is zero or more", () -> us(-5));
        expect("GBps(n): n is negative (-25.0); a rate is more than zero, n in (0, 1000000] GB/s", () -> GBps(-25));
        expect("MBps(n): n is negative (-3.0); a rate is more than zero", () -> MBps(-3));
        IllegalArgumentException parsed = assertThrows(IllegalArgumentException.class,
                () -> Lab.scenario("s").alloc("x", org.hmmlab.units.Bytes.parse("-4KiB")));
        assertEquals("size '-4KiB' is negative; a size is zero or more bytes", parsed.getMessage());
    }

    static void expect(String start, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.run());
        assertEquals(true, e.getMessage().startsWith(start), e.getMessage());
    }

    interface Executable {
        void run() throws Exception;
    }
}
