/**
 * The reference mirroring device: the engine's counterpart of the kernel's HMM test driver, so that the kernel's own
 * selftests can be ported one for one.
 *
 * <p>Mirrors lib/test_hmm.c ({@code dmirror}) and lib/test_hmm_uapi.h: {@link org.hmmlab.dmirror.DmirrorDevice} is a
 * device with its memory (device-private or device-coherent), {@link org.hmmlab.dmirror.Dmirror} is one open file
 * descriptor mirroring one address space, and {@link org.hmmlab.dmirror.DmirrorCmd} is struct hmm_dmirror_cmd.
 */
package org.hmmlab.dmirror;
