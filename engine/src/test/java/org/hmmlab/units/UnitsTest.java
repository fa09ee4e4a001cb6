package org.hmmlab.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void binaryAndDecimalSizesDiffer() {
        assertEquals(1024, Bytes.parse("1KiB").bytes());
        assertEquals(1000, Bytes.parse("1kB").bytes());
        assertEquals(3L << 29, Bytes.parse("1.5 GiB").bytes());
        assertEquals(Bytes.MiB(2), Bytes.HUGE_PAGE);
    }

    @Test
    void sizeWithoutUnitIsRefusedNamingTheUnits() {
        var e = assertThrows(IllegalArgumentException.class, () -> Bytes.parse("4096"));
        assertTrue(e.getMessage().contains("KiB"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bytes.of(-1));
    }

    @Test
    void negativeQuantitiesAreRefusedAsNegativeNotAsMissingAUnit() {
        var size = assertThrows(IllegalArgumentException.class, () -> Bytes.parse("-2MiB"));
        assertEquals("size '-2MiB' is negative; a size is zero or more bytes", size.getMessage());
        var bare = assertThrows(IllegalArgumentException.class, () -> Bytes.parse(" - 4096"));
        assertTrue(bare.getMessage().contains("is negative"), bare.getMessage());
        var time = assertThrows(IllegalArgumentException.class, () -> SimDuration.parse("-5us"));
        assertEquals("duration '-5us' is negative; a duration is zero or more nanoseconds", time.getMessage());
        var rate = assertThrows(IllegalArgumentException.class, () -> Bandwidth.parse("-1.5GB/s"));
        assertEquals("bandwidth '-1.5GB/s' is negative; a bandwidth is zero or more bytes per second", rate.getMessage());
    }

    @Test
    void transferTimeIsBytesOverRateRoundedUp() {
        Bandwidth gen4 = Bandwidth.GBps(25);
        // 4 KiB at 25 GB/s = 163.84 ns -> 164 ns
        assertEquals(164, gen4.timeToTransfer(Bytes.KiB(4)).nanos());
        assertEquals(0, gen4.timeToTransfer(Bytes.ZERO).nanos());
        // 1 GB at 1 GB/s is exactly one second
        assertEquals(1_000_000_000L, Bandwidth.GBps(1).timeToTransfer(Bytes.GB(1)).nanos());
        // beyond the exact-long range (> 9.2 GB) the result stays exact
        assertEquals(20_000_000_000L, Bandwidth.GBps(1).timeToTransfer(Bytes.GB(20)).nanos());
        assertEquals(Bytes.GB(1), Bandwidth.GBps(1).bytesIn(SimDuration.s(1)));
    }

    @Test
    void durationsParseWithUnits() {
        assertEquals(1500, SimDuration.parse("1.5us").nanos());
        assertEquals(SimDuration.ms(10), SimDuration.parse("10 ms"));
        assertThrows(IllegalArgumentException.class, () -> SimDuration.parse("10"));
        assertEquals(31_500_000_000L, Bandwidth.parse("31.5GB/s").bytesPerSecond());
        assertEquals(SimTime.at(1500), SimTime.ZERO.plus(SimDuration.parse("1.5us")));
    }
}
