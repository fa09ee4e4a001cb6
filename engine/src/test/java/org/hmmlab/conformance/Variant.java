package org.hmmlab.conformance;

/**
 * The fixture variants of hmm-tests.c: which dmirror devices a test opens.
 *
 * <p>Mirrors FIXTURE_VARIANT_ADD(hmm, hmm_device_private/hmm_device_coherent) and the hmm2 variants: device 0 (and
 * 1) are device-private, devices 2 (and 3) device-coherent.
 */
public enum Variant {
    hmm_device_private(0, 1),
    hmm_device_coherent(2, 3);

    final int device0;
    final int device1;

    Variant(int device0, int device1) {
        this.device0 = device0;
        this.device1 = device1;
    }

    boolean coherent() {
        return this == hmm_device_coherent;
    }
}
