package org.hmmlab.mm;

/**
 * Kernel error numbers, returned by simulated system calls as negative {@code int}s ({@code -Errno.EFAULT}).
 *
 * <p>Mirrors include/uapi/asm-generic/errno-base.h. Errors are values, as in the kernel: an operation that fails
 * returns {@code -errno} and changes nothing; Java exceptions are reserved for programmer errors.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOPNOTSUPP = 95;

    private Errno() {
    }

    /** The symbolic name of a return code: {@code "0"}, {@code "-EFAULT"}, ... */
    public static String name(long rc) {
        if (rc >= 0) {
            return Long.toString(rc);
        }
        String n = switch ((int) -rc) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> "errno " + (-rc);
        };
        return "-" + n;
    }

    /** Whether a value returned by an address-returning call ({@code mmap}) is an error, as IS_ERR_VALUE(). */
    public static boolean isError(long ret) {
        return ret < 0 && ret >= -4095;
    }
}
