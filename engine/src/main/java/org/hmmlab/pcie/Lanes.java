package org.hmmlab.pcie;

import java.util.List;

/**
 * A PCIe link's width: the number of lanes it negotiated, 1, 2, 4, 8 or 16 ({@code x16}). A value of its own so
 * a link change reads {@code platform.withLink(PcieGen.GEN5, new Lanes(16))} and never takes a bare number.
 *
 * @param count the lanes, one of {@link #WIDTHS}
 */
public record Lanes(int count) {

    /** The widths a link may train to (PCIe Base Specification, Link Width; x12 and x32 left out as unused). */
    public static final List<Integer> WIDTHS = List.of(1, 2, 4, 8, 16);

    public Lanes {
        if (!WIDTHS.contains(count)) {
            throw new IllegalArgumentException("link.lanes must be one of 1, 2, 4, 8, 16; got " + count);
        }
    }

    @Override
    public String toString() {
        return "x" + count;
    }
}
