/**
 * ZONE_DEVICE memory: pagemaps of device-private and device-coherent frames, each with an owner.
 *
 * <p>Mirrors include/linux/memremap.h (struct dev_pagemap, enum memory_type, dev_pagemap_ops).
 */
package org.hmmlab.mm.devmem;
