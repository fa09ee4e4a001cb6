package org.hmmlab.dsl.results;

/** The type of the values in one {@link Table} column. */
public enum ColumnType {
    /** Whole numbers: counts, sizes in bytes, times in nanoseconds. */
    LONG,
    /** Real numbers: rates, fractions, means. */
    DOUBLE,
    /** Text: names of policies, stages, patterns. */
    STRING,
    /** Yes/no flags. */
    BOOLEAN;

    /** Whether a chart can plot this column on a numeric axis. */
    public boolean isNumeric() {
        return this == LONG || this == DOUBLE;
    }

    /** The lower-case name used in JSON ({@code "long"}, {@code "double"}, ...). */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
