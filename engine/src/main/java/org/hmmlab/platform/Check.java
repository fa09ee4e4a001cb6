package org.hmmlab.platform;

import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.Bytes;
import org.hmmlab.units.SimDuration;

/** Range checks for profile fields; each error names the field and the allowed range. */
final class Check {

    private Check() {
    }

    static int range(String field, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + "; got " + v);
        }
        return v;
    }

    static void notNull(String field, Object v) {
        if (v == null) {
            throw new IllegalArgumentException(field + " must be given");
        }
    }

    static void atMost(String field, SimDuration v, SimDuration max) {
        notNull(field, v);
        if (v.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be between 0 ns and " + max + "; got " + v);
        }
    }

    static void positive(String field, SimDuration v, SimDuration max) {
        atMost(field, v, max);
        if (v.nanos() == 0) {
            throw new IllegalArgumentException(field + " must be between 1 ns and " + max + "; got 0 ns");
        }
    }

    static void bytesRange(String field, Bytes v, Bytes min, Bytes max) {
        notNull(field, v);
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + "; got " + v);
        }
    }

    /** {@code min} and {@code max} as a profile writes them, for example "1MB/s", "10TB/s". */
    static void bandwidthRange(String field, Bandwidth v, String min, String max) {
        notNull(field, v);
        if (v.compareTo(Bandwidth.parse(min)) < 0 || v.compareTo(Bandwidth.parse(max)) > 0) {
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + "; got "
                    + v.bytesPerSecond() + "B/s");
        }
    }
}
