package org.hmmlab.dsl.spec;

/**
 * A value a policy spec refuses, with the parameter it was given for, so a front end can point at the field
 * ({@code $.policy.placement.threshold}) as well as print the one message the spec gives.
 */
public final class SpecException extends IllegalArgumentException {

    private final String parameter;

    /**
     * @param parameter the parameter's name in JSON and JavaScript ({@code threshold}), never null
     * @param message   the whole message, naming the component, the parameter and the allowed range
     */
    public SpecException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** A refusal caused by {@code cause} (a script that does not load). */
    public SpecException(String parameter, String message, Throwable cause) {
        super(message, cause);
        this.parameter = parameter;
    }

    /** The parameter's name as JSON and JavaScript write it: {@code threshold}, {@code granularity}. */
    public String parameter() {
        return parameter;
    }
}
