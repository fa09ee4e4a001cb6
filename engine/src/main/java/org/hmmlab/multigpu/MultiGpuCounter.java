package org.hmmlab.multigpu;

import java.util.Locale;

/** What {@link MultiGpuModel} counts per GPU; the column name is the constant in lower case. */
public enum MultiGpuCounter {
    /** GPU faults serviced (replayable faults on PCIe, ATS faults on a coherent link). */
    FAULTS,
    /** Pages copied into this GPU's memory: from host memory, staged or peer. */
    PAGES_TO_DEVICE,
    /** Pages a first touch populated in this GPU's memory, nothing copied. */
    PAGES_POPULATED_ON_DEVICE,
    /** Pages copied out of this GPU's memory to host memory (evictions, CPU faults, staged GPU-to-GPU moves). */
    PAGES_TO_HOST,
    /** Pages evicted from this GPU to make room. */
    EVICTIONS,
    /** Read-only duplicates this GPU took of read-mostly pages. */
    DUPLICATED_PAGES,
    /** This GPU's read-only duplicates invalidated by a write elsewhere. */
    INVALIDATED_COPIES,
    /** This GPU's mappings of a page dropped because the page moved. */
    INVALIDATED_MAPPINGS,
    /** Accesses served from this GPU's memory. */
    LOCAL_ACCESSES,
    /** Accesses that crossed this GPU's link to host memory (remote mappings, ATS over a coherent link). */
    REMOTE_ACCESSES,
    /** Accesses to another GPU's memory over PCIe peer-to-peer or NVLink. */
    PEER_ACCESSES,
    /** Pages copied into this GPU directly from a peer GPU. */
    PEER_COPIED_PAGES,
    /** Pages copied into this GPU from another GPU through system memory (two copies). */
    STAGED_PAGES,
    /** Pages the access counters migrated to this GPU. */
    ACCESS_COUNTER_MIGRATIONS,
    /** Bytes this GPU's copies and remote accesses moved over its links, both directions. */
    LINK_BYTES;

    /** The column name: {@code pages_to_device}. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }
}
