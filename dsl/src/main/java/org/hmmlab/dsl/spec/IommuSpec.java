package org.hmmlab.dsl.spec;

import java.util.List;
import java.util.Set;
import org.hmmlab.pcie.IommuConfig;

/**
 * The host IOMMU as the JSON and JavaScript front ends write it: {@code {"mode": "strict", "ioPageSize": "4KiB",
 * "iotlbEntries": 64, "iotlbMiss": "280ns"}}, every field but {@code mode} optional (the published defaults of
 * {@link IommuConfig#translated()}). Java's {@code iommu().strict().ioPageSize(KiB(4)).iotlbEntries(64)}.
 * {@code "strict": true} beside a mode of {@code off} or {@code passthrough} is refused, as the Java call is.
 */
public final class IommuSpec {

    /** The modes, as the kernel's options name them. */
    public static final List<String> MODES = List.of("off", "passthrough", "lazy", "strict");

    private IommuSpec() {
    }

    /** The IOMMU in {@code mode} (one of {@link #MODES}) with the published defaults. */
    public static IommuConfig mode(String mode) {
        IommuConfig t = IommuConfig.translated();
        return switch (mode == null ? "" : mode) {
            case "off" -> t.off();
            case "passthrough" -> t.passthrough();
            case "lazy" -> t.lazy();
            case "strict" -> t.strict();
            default -> throw new SpecException("mode", "iommu.mode must be one of " + String.join(", ", MODES)
                    + "; got " + (mode == null ? "none" : "'" + mode + "'"));
        };
    }

    /**
     * {@code c} in the object form, field by field ({@code mode}, and each of {@code ioPageSize},
     * {@code iotlbEntries}, {@code iotlbMiss} that differs from the published default), or empty when the short form
     * cannot say it (CPU costs other than the published ones: the whole platform object must carry it).
     */
    public static java.util.Optional<java.util.Map<String, Object>> written(IommuConfig c) {
        IommuConfig d = mode(c.mode());
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("mode", c.mode());
        if (!c.ioPageSize().equals(d.ioPageSize())) {
            m.put("ioPageSize", c.ioPageSize().bytes() == 4096 ? "4KiB" : "2MiB");
        }
        if (c.iotlbEntries() != d.iotlbEntries()) {
            m.put("iotlbEntries", c.iotlbEntries());
        }
        if (!c.iotlbMiss().equals(d.iotlbMiss())) {
            m.put("iotlbMiss", c.iotlbMiss().nanos() + "ns");
        }
        IommuConfig back = d.ioPageSize(c.ioPageSize()).iotlbEntries(c.iotlbEntries()).iotlbMiss(c.iotlbMiss());
        return back.equals(c) ? java.util.Optional.of(m) : java.util.Optional.empty();
    }

    /** Reads the object form; each refusal names its field and the allowed values. */
    public static IommuConfig read(SpecReader r) {
        r.only(Set.of("mode", "strict", "ioPageSize", "iotlbEntries", "iotlbMiss"));
        return SpecReader.located(r, () -> {
            IommuConfig c = mode(r.text("mode"));
            try {
                if (r.has("strict") && r.bool("strict")) {
                    c = c.strict();
                }
            } catch (IllegalArgumentException e) {
                throw new SpecException("strict", e.getMessage(), e);
            }
            try {
                if (r.has("ioPageSize")) {
                    c = c.ioPageSize(r.bytes("ioPageSize"));
                }
            } catch (IllegalArgumentException e) {
                throw new SpecException("ioPageSize", e.getMessage(), e);
            }
            try {
                if (r.has("iotlbEntries")) {
                    long n = r.whole("iotlbEntries");
                    c = c.iotlbEntries((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, n)));
                }
            } catch (IllegalArgumentException e) {
                throw new SpecException("iotlbEntries", e.getMessage(), e);
            }
            try {
                if (r.has("iotlbMiss")) {
                    c = c.iotlbMiss(r.duration("iotlbMiss"));
                }
            } catch (IllegalArgumentException e) {
                throw new SpecException("iotlbMiss", e.getMessage(), e);
            }
            return c;
        });
    }
}
