package org.hmmlab.dsl.json;

/** A JSON document does not have the expected shape; the message starts with the JSON path of the bad value. */
public final class JsonFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;

    public JsonFormatException(String path, String message) {
        super(path + ": " + message);
        this.path = path;
    }

    public JsonFormatException(String path, String message, Throwable cause) {
        super(path + ": " + message, cause);
        this.path = path;
    }

    /** The JSON path of the offending value, for example {@code $.phases[2].pattern}. */
    public String path() {
        return path;
    }
}
