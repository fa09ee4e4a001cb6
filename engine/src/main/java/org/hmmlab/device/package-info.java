/**
 * The GPU as the timing model sees it: copy engines ({@link org.hmmlab.device.CopyEngine}) and, on top of the
 * functional core, the device MMU, TLB (ATC), warps and fault paths.
 */
package org.hmmlab.device;
