package org.hmmlab.pcie;

/**
 * The kinds of transaction-layer packet the model sends, with their header sizes.
 *
 * <p>Header sizes for 64-bit addressing: memory write and read requests carry a 4 DW (16 B) header,
 * completions a 3 DW (12 B) header, messages (ATS invalidations, PRI page requests and responses) a
 * 4 DW header. Source: PCIe Base Specification, as tabulated in pcie-bench/pcie-model model/pcie.py
 * (TLP_Hdr + address part) and perf-figures.md section 1b.
 */
public enum TlpKind {
    /** MWr: posted memory write with payload. */
    MEMORY_WRITE(16),
    /** MRd: non-posted memory read request, no payload; also the ATS Translation Request. */
    MEMORY_READ(16),
    /** CplD: completion with data; also the ATS Translation Completion. */
    COMPLETION_DATA(12),
    /** Msg / MsgD: message request; ATS invalidations and PRI page requests and responses. */
    MESSAGE(16);

    private final int headerBytes;

    TlpKind(int headerBytes) {
        this.headerBytes = headerBytes;
    }

    public int headerBytes() {
        return headerBytes;
    }
}
