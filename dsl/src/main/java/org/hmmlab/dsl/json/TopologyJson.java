package org.hmmlab.dsl.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hmmlab.dsl.spec.TopologyNames;
import org.hmmlab.platform.CoherentLink;
import org.hmmlab.platform.GpuToGpu;
import org.hmmlab.platform.NvLink;
import org.hmmlab.platform.NvLinkGen;
import org.hmmlab.platform.PeerFabric;
import org.hmmlab.platform.Topology;
import org.hmmlab.units.Bandwidth;
import org.hmmlab.units.SimDuration;

/**
 * A platform's GPUs and links as a scenario's {@code "topology"}: only {@code "gpus"} is required, the rest default
 * as {@link Topology#gpus(int)} does, and a field is written only when it is not the default.
 *
 * <pre>{@code
 * "topology": {"gpus": 2, "fabric": "switch", "peerAccess": true,
 *              "nvlinks": [{"a": 0, "b": 1, "generation": "nvlink3", "links": 12}],
 *              "gpuToGpu": "through-system-memory"}
 * }</pre>
 */
public final class TopologyJson {

    static final List<String> FABRICS = TopologyNames.FABRICS;
    static final List<String> GENERATIONS = TopologyNames.GENERATIONS;
    static final List<String> GPU_TO_GPU = TopologyNames.GPU_TO_GPU;

    private TopologyJson() {
    }

    /** The topology as JSON, defaults left out. */
    public static ObjectNode tree(Topology t) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("gpus", t.gpus());
        if (t.fabric() != PeerFabric.ROOT_COMPLEX) {
            o.put("fabric", FABRICS.get(t.fabric().ordinal()));
        }
        if (t.peerAccess()) {
            o.put("peerAccess", true);
        }
        if (!t.nvlinks().isEmpty()) {
            ArrayNode a = o.putArray("nvlinks");
            for (NvLink l : t.nvlinks()) {
                ObjectNode n = a.addObject().put("a", l.a()).put("b", l.b())
                        .put("generation", l.generation().name().toLowerCase(Locale.ROOT)).put("links", l.links());
                if (!l.latency().equals(NvLink.DEFAULT_LATENCY)) {
                    n.put("latency", l.latency().nanos() + "ns");
                }
            }
        }
        if (t.coherent()) {
            CoherentLink c = t.coherentLink();
            o.putObject("coherentLink").put("name", c.name())
                    .put("hostToDevice", c.hostToDevice().bytesPerSecond() + "B/s")
                    .put("deviceToHost", c.deviceToHost().bytesPerSecond() + "B/s")
                    .put("latency", c.latency().nanos() + "ns");
        }
        if (t.gpuToGpu() != GpuToGpu.DRIVER) {
            o.put("gpuToGpu", GPU_TO_GPU.get(t.gpuToGpu().ordinal()));
        }
        return o;
    }

    /** Reads a topology; a bad field is named by its JSON path and what is allowed. */
    public static Topology read(JsonNodeReader r) {
        r.object(Set.of("gpus", "fabric", "peerAccess", "nvlinks", "coherentLink", "gpuToGpu"));
        int gpus = (int) r.field("gpus").longValue(1, 64);
        Topology t = Topology.gpus(gpus);
        if (r.has("fabric")) {
            t = t.behind(PeerFabric.values()[FABRICS.indexOf(r.field("fabric").oneOf(FABRICS))]);
        }
        if (r.has("peerAccess")) {
            t = t.withPeerAccess(r.field("peerAccess").booleanValue());
        }
        if (r.has("gpuToGpu")) {
            t = t.withGpuToGpu(GpuToGpu.values()[GPU_TO_GPU.indexOf(r.field("gpuToGpu").oneOf(GPU_TO_GPU))]);
        }
        if (r.has("coherentLink")) {
            JsonNodeReader c = r.field("coherentLink");
            c.object(Set.of("name", "hostToDevice", "deviceToHost", "latency"));
            String name = c.field("name").text();
            Bandwidth h2d = c.field("hostToDevice").parsed(Bandwidth::parse);
            Bandwidth d2h = c.field("deviceToHost").parsed(Bandwidth::parse);
            SimDuration lat = c.field("latency").parsed(SimDuration::parse);
            try {
                t = t.withCoherentLink(new CoherentLink(name, h2d, d2h, lat));
            } catch (IllegalArgumentException e) {
                throw new JsonFormatException(c.path(), e.getMessage(), e);
            }
        }
        if (r.has("nvlinks")) {
            for (JsonNodeReader l : r.field("nvlinks").elements()) {
                l.object(Set.of("a", "b", "generation", "links", "latency"));
                int a = (int) l.field("a").longValue(0, 63);
                int b = (int) l.field("b").longValue(0, 63);
                NvLinkGen g = NvLinkGen.values()[GENERATIONS.indexOf(l.field("generation").oneOf(GENERATIONS))];
                int links = (int) l.field("links").longValue(1, 18);
                SimDuration lat = l.has("latency") ? l.field("latency").parsed(SimDuration::parse) : NvLink.DEFAULT_LATENCY;
                try {
                    t = t.withNvLink(new NvLink(a, b, g, links, lat));
                } catch (IllegalArgumentException e) {
                    throw new JsonFormatException(l.path(), e.getMessage(), e);
                }
            }
        }
        return t;
    }
}
