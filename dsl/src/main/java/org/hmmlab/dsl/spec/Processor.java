package org.hmmlab.dsl.spec;

import org.hmmlab.policy.Location;
import org.hmmlab.workload.Agent;

/**
 * Where a hint points: host memory or a GPU ({@code cudaCpuDeviceId} or a device ordinal in
 * {@code cudaMemAdvise()}); written {@code "host"} or {@code "gpu0"} in JSON and JavaScript.
 *
 * @param index {@link Location#HOST} (-1) or a GPU index, 0 to {@value Agent#MAX_GPU}
 */
public record Processor(int index) {

    /** Host memory. */
    public static final Processor HOST = new Processor(Location.HOST);

    public Processor {
        if (index != Location.HOST && (index < 0 || index > Agent.MAX_GPU)) {
            throw new SpecException("location", "a processor must be host or gpu0 .. gpu" + Agent.MAX_GPU
                    + ", got '" + index + "'");
        }
    }

    /** GPU {@code index}: {@code gpu(0)}. */
    public static Processor gpu(int index) {
        if (index < 0 || index > Agent.MAX_GPU) {
            throw new SpecException("location", "a processor must be host or gpu0 .. gpu" + Agent.MAX_GPU
                    + ", got 'gpu" + index + "'");
        }
        return new Processor(index);
    }

    /** {@code "host"} or {@code "gpu0"}. */
    public static Processor parse(String parameter, String text) {
        if ("host".equals(text)) {
            return HOST;
        }
        if (text != null && text.matches("gpu[0-9]{1,2}") && Integer.parseInt(text.substring(3)) <= Agent.MAX_GPU) {
            return new Processor(Integer.parseInt(text.substring(3)));
        }
        throw new SpecException(parameter, "a processor must be host or gpu0 .. gpu" + Agent.MAX_GPU + ", got '"
                + text + "'");
    }

    public boolean isHost() {
        return index == Location.HOST;
    }

    @Override
    public String toString() {
        return isHost() ? "host" : "gpu" + index;
    }
}
