/**
 * Page migration between system memory and device memory.
 *
 * <p>Mirrors include/linux/migrate.h and mm/migrate_device.c: {@link org.hmmlab.mm.migrate.Migrate#vmaSetup},
 * {@link org.hmmlab.mm.migrate.Migrate#vmaPages}, {@link org.hmmlab.mm.migrate.Migrate#vmaFinalize} over a
 * {@link org.hmmlab.mm.migrate.MigrateVma} with {@link org.hmmlab.mm.migrate.MigratePfn} entries.
 */
package org.hmmlab.mm.migrate;
