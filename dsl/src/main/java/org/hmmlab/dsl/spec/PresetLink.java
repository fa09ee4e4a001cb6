package org.hmmlab.dsl.spec;

import java.util.Optional;
import java.util.Set;
import org.hmmlab.pcie.Lanes;
import org.hmmlab.pcie.PcieGen;
import org.hmmlab.platform.Platform;

/**
 * A ready platform with its GPU on another PCIe link, generation and width, as the three front ends write it:
 * Java {@code A100_PCIE4.withLink(gen(5), lanes(16))}, JSON {@code "platform": {"preset": "A100_PCIE4", "gen": 5,
 * "lanes": 16}}, JavaScript {@code .on("A100_PCIE4").link(5, 16)}. The generation (3 to 6) and the width (1, 2, 4,
 * 8 or 16) are checked by the engine's {@link PcieGen} and {@link Lanes}, once, with one message.
 *
 * @param preset a name in {@link PlatformPresets#NAMES}
 * @param gen    the link's generation
 * @param lanes  the link's width
 */
public record PresetLink(String preset, PcieGen gen, Lanes lanes) {

    public PresetLink {
        PlatformPresets.named("preset", preset);
        if (gen == null) {
            throw new SpecException("gen", "link.gen must be one of 3, 4, 5, 6; got none");
        }
        if (lanes == null) {
            throw new SpecException("lanes", "link.lanes must be one of 1, 2, 4, 8, 16; got none");
        }
    }

    /** The generation numbered {@code n}, 3 to 6: {@code gen(5)}. */
    public static PcieGen gen(long n) {
        try {
            return PcieGen.of((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n)));
        } catch (IllegalArgumentException e) {
            throw new SpecException("gen", "link.gen must be one of 3, 4, 5, 6; got " + n);
        }
    }

    /** A link {@code n} lanes wide, 1, 2, 4, 8 or 16: {@code lanes(16)}. */
    public static Lanes lanes(long n) {
        if (n < 1 || n > 16) {
            throw new SpecException("lanes", "link.lanes must be one of 1, 2, 4, 8, 16; got " + n);
        }
        try {
            return new Lanes((int) n);
        } catch (IllegalArgumentException e) {
            throw new SpecException("lanes", e.getMessage());
        }
    }

    /** The platform: the preset on this link. */
    public Platform platform() {
        return PlatformPresets.named("preset", preset).withLink(gen, lanes);
    }

    /** {@code p} as a preset on another link, when it is one (and not a preset as it stands). */
    public static Optional<PresetLink> of(Platform p) {
        if (PlatformPresets.nameOf(p) != null) {
            return Optional.empty();
        }
        for (String n : PlatformPresets.NAMES) {
            if (Lanes.WIDTHS.contains(p.link().lanes())) {
                PresetLink candidate = new PresetLink(n, p.link().gen(), new Lanes(p.link().lanes()));
                if (candidate.platform().equals(p)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Reads {@code {"preset": "A100_PCIE4", "gen": 5, "lanes": 16}}; every field is required. */
    public static PresetLink read(SpecReader r) {
        r.only(Set.of("preset", "gen", "lanes", "iommu")); // the IOMMU beside them is the caller's (IommuSpec)
        return SpecReader.located(r, () -> new PresetLink(r.text("preset"), gen(r.whole("gen")),
                lanes(r.whole("lanes"))));
    }
}
