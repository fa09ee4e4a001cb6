package org.hmmlab.platform;

import java.util.List;

import org.hmmlab.pcie.PcieGen;
import org.hmmlab.pcie.PcieLinkConfig;

/**
 * A host, a PCIe link and a GPU: every number the timing layer charges, in one serialisable value.
 *
 * <p>Ready profiles for real systems are in {@link Platforms}; each of their numbers names its source.
 */
public record Platform(String name, HostProfile host, PcieLinkConfig link, GpuProfile gpu) {

    private static final List<String> FIELDS = List.of("name", "host", "link", "gpu");
    private static final List<String> LINK_FIELDS =
            List.of("gen", "lanes", "maxPayload", "maxReadRequest", "ecrc", "roundTripLatency", "readTags");

    public Platform {
        Check.notNull("platform.name", name);
        Check.notNull("platform.host", host);
        Check.notNull("platform.link", link);
        Check.notNull("platform.gpu", gpu);
    }

    public Platform withLink(PcieLinkConfig l) {
        return new Platform(name, host, l, gpu);
    }

    public Platform withGpu(GpuProfile g) {
        return new Platform(name, host, link, g);
    }

    public Platform withHost(HostProfile h) {
        return new Platform(name, h, link, gpu);
    }

    /** The profile as a JSON object; durations, sizes and rates carry their units ("546ns", "16GiB"). */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n  \"name\": ").append(Fields.quote(name)).append(",\n  \"host\": ");
        host.toJson(sb, "  ");
        sb.append(",\n  \"link\": {\n")
                .append("    \"gen\": ").append(link.gen().number()).append(",\n")
                .append("    \"lanes\": ").append(link.lanes()).append(",\n")
                .append("    \"maxPayload\": ").append(link.maxPayload()).append(",\n")
                .append("    \"maxReadRequest\": ").append(link.maxReadRequest()).append(",\n")
                .append("    \"ecrc\": ").append(link.ecrc()).append(",\n")
                .append("    \"roundTripLatency\": ").append(Check.ns(link.roundTripLatency())).append(",\n")
                .append("    \"readTags\": ").append(link.readTags()).append("\n  },\n  \"gpu\": ");
        gpu.toJson(sb, "  ");
        return sb.append("\n}\n").toString();
    }

    /**
     * Reads a profile written by {@link #toJson()} or by hand. Every field is required; an unknown field,
     * a missing one or a value out of range is refused with the field's path and the allowed range.
     */
    public static Platform fromJson(String json) {
        Fields f = new Fields("", Json.parse(json));
        String name = f.string("name");
        HostProfile host = HostProfile.fromJson(f.object("host"));
        Fields l = new Fields("link", f.object("link"));
        PcieLinkConfig link = new PcieLinkConfig(PcieGen.of(l.integer("gen")), l.integer("lanes"),
                l.integer("maxPayload"), l.integer("maxReadRequest"), l.bool("ecrc"), l.duration("roundTripLatency"),
                l.integer("readTags"));
        l.finish(LINK_FIELDS);
        GpuProfile gpu = GpuProfile.fromJson(f.object("gpu"));
        f.finish(FIELDS);
        return new Platform(name, host, link, gpu);
    }
}
