package org.hmmlab.dsl.mm;

/** A CPU access: a load or a store. A store to a read-only or zero-page entry takes a write fault. */
public enum Access {
    /** A load. */
    READ,
    /** A store. */
    WRITE
}
