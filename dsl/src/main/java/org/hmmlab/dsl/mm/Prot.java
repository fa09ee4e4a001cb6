package org.hmmlab.dsl.mm;

import org.hmmlab.mm.Mman;

/** The protection of a mapping. Mirrors mmap(2)'s PROT_* combinations that tutorials need. */
public enum Prot {
    /** PROT_NONE: every access faults with SIGSEGV. */
    NONE(Mman.PROT_NONE),
    /** PROT_READ. */
    READ_ONLY(Mman.PROT_READ),
    /** PROT_READ | PROT_WRITE. */
    READ_WRITE(Mman.PROT_READ | Mman.PROT_WRITE);

    final int bits;

    Prot(int bits) {
        this.bits = bits;
    }
}
