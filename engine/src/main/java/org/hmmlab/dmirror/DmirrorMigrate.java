package org.hmmlab.dmirror;

import org.hmmlab.mm.Errno;

/** The migration ioctls of dmirror (issue 3). */
final class DmirrorMigrate {
    private DmirrorMigrate() {
    }

    static int ioctl(Dmirror d, int command, DmirrorCmd cmd, Dmirror.Result res) {
        return -Errno.EINVAL;
    }

    static void evictAll(DmirrorDevice device) {
    }
}
