package org.hmmlab.workload;

import java.util.Locale;
import java.util.SplittableRandom;
import org.hmmlab.units.Bytes;

/**
 * The access patterns of GPU kernels and CPU phases: sequential stream, strided, uniform random, Zipf, hot set,
 * 2-D stencil, pointer chasing, STREAM arrays and a tiled matrix multiply.
 *
 * <p>These are the patterns the unified-memory literature evaluates (perf-figures.md section 3: Allen and Ge
 * SC'21 contrast "regular" with "random" warps; Ganguly et al. ISCA'19 and the NVIDIA oversubscription blog show
 * streaming versus random access). Every stream is deterministic in its seed and allocation-free per access.
 *
 * <p>One file of more than 600 lines on purpose: each pattern is a public nested type beside its factory
 * ({@code Patterns.Zipf}, {@code Patterns.Gemm}), which is the name scenarios, the DSL and saved JSON use; moving
 * them into files of their own would rename that API.
 *
 * <pre>{@code
 * Pattern p = Patterns.zipf(0.99);
 * AccessStream s = p.stream(Bytes.MiB(64), 10_000, Bytes.PAGE, 0.0, 7);
 * }</pre>
 */
public final class Patterns {

    private Patterns() {
    }

    /** Element after element from offset 0, wrapping around: a streaming kernel, or a loop over a working set. */
    public static Sequential sequential() {
        return new Sequential();
    }

    /**
     * {@code arrays} equal arrays side by side in the footprint, streamed in lockstep: element {@code j} of each
     * array in turn, then element {@code j + 1}. The STREAM kernels: copy and scale touch 2 arrays, add and triad 3.
     */
    public static Arrays arrays(int arrays) {
        return new Arrays(arrays);
    }

    /**
     * C = A x B for square fp32 matrices of the side the footprint holds, computed in {@code tile} x {@code tile}
     * output tiles as a CUDA shared-memory sgemm does; see {@link Gemm}. The footprint holds A, B and C one after
     * another; the side is the largest multiple of {@code tile} whose three matrices fit.
     */
    public static Gemm gemm(int tile) {
        return new Gemm(Gemm.FROM_FOOTPRINT, tile);
    }

    /**
     * C = A x B for square {@code n} x {@code n} fp32 matrices in {@code tile} x {@code tile} output tiles; the
     * footprint must hold the three matrices ({@code 12 n^2} bytes). See {@link Gemm}.
     */
    public static Gemm gemm(int n, int tile) {
        return new Gemm(n, tile);
    }

    /** Every {@code stride} bytes, wrapping with a shift of one access so that all elements are eventually touched. */
    public static Strided strided(Bytes stride) {
        return new Strided(stride);
    }

    /** Each access at an element drawn uniformly from the footprint. */
    public static UniformRandom uniformRandom() {
        return new UniformRandom();
    }

    /** Element ranks drawn from a Zipf law of the given exponent; rank 1 is element 0, the hottest. */
    public static Zipf zipf(double exponent) {
        return new Zipf(exponent);
    }

    /** A hot set of {@code hotFraction} of the elements receives {@code hotProbability} of the accesses. */
    public static HotSet hotSet(double hotFraction, double hotProbability) {
        return new HotSet(hotFraction, hotProbability);
    }

    /** A 5-point 2-D stencil over a row-major grid with rows of {@code rowBytes}. */
    public static Stencil stencil(Bytes rowBytes) {
        return new Stencil(rowBytes);
    }

    /** Dependent accesses along one random cycle through all elements (a linked-list walk). */
    public static PointerChase pointerChase() {
        return new PointerChase();
    }

    /**
     * Replays accesses {@code [from, to)} of a recorded trace, at offsets relative to {@code baseAddress}; the
     * trace supplies each access's type and size (the phase's write fraction and access size do not apply).
     */
    public static Replay replay(AccessTrace trace, int from, int to, long baseAddress) {
        return new Replay(trace, from, to, baseAddress);
    }

    // ------------------------------------------------------------------------------------------------ shapes

    /** See {@link Patterns#sequential()}. */
    public record Sequential() implements Pattern {
        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                /** {@code i % elements} for the next {@code i}: accesses come in order, so no division is needed. */
                private long wrapped;

                @Override
                long element(long i) {
                    long e = wrapped;
                    wrapped = e + 1 == elements ? 0 : e + 1;
                    return e;
                }
            };
        }

        @Override
        public String label() {
            return "sequential";
        }
    }

    /** See {@link Patterns#arrays(int)}. */
    public record Arrays(int arrays) implements Pattern {
        /** Most arrays one pattern streams. */
        public static final int MAX_ARRAYS = 64;

        public Arrays {
            if (arrays < 1 || arrays > MAX_ARRAYS) {
                throw new IllegalArgumentException("arrays must be in [1, " + MAX_ARRAYS + "], got " + arrays);
            }
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                private final long perArray = Math.max(1, elements / arrays);

                @Override
                long element(long i) {
                    long j = (i / arrays) % perArray;
                    return (i % arrays) * perArray + j;
                }
            };
        }

        @Override
        public String label() {
            return "arrays(" + arrays + ")";
        }
    }

    /**
     * See {@link Patterns#gemm(int, int)}. The accesses of C = A x B for square {@code n} x {@code n} fp32 matrices
     * stored row-major one after another in the footprint (A at 0, B at {@code 4 n^2}, C at {@code 8 n^2}), in the
     * order of a shared-memory tiled sgemm (the CUDA samples' {@code matrixMul}): for each {@code tile} x
     * {@code tile} output tile, in the order thread blocks are launched ({@code blockIdx.x}, the column of C,
     * fastest), for each of the {@code n / tile} k-steps, the A tile's {@code tile} rows then the B tile's
     * {@code tile} rows are loaded; after the k loop the C tile's rows are stored.
     *
     * <p>Each row of a tile ({@code 4 tile} bytes) is loaded in accesses of the phase's access size, which must
     * divide it (a 32-float row is one 128 B coalesced warp load); an access larger than a tile row loads the whole
     * row, since a tile's rows are not contiguous. Loads of A and B are reads and stores of C writes, so the phase's
     * write fraction does not apply. Over the full run, of {@code (n/tile)^2 (2 n + tile)} row accesses, every
     * element of A and B is read {@code n / tile} times and every element of C written once; more work starts the
     * multiply again. Each offset is computed from the access index: nothing is kept per access.
     *
     * <p>Its stream is a grid of thread blocks ({@link ThreadBlockStream}): output tile {@code b} is block {@code b},
     * of {@code tile x tile} threads ({@code tile^2 / 32} warps, 32 for the sample's 32 x 32 tiles), so the timing
     * engine runs as many tiles side by side as the phase's warps hold, each block on its own A, B and C tiles.
     *
     * @param n    the matrices' side in floats, a multiple of {@code tile} in [{@code tile}, {@value #MAX_N}], or
     *             {@link #FROM_FOOTPRINT} for the largest that fits the footprint
     * @param tile the output tile's side in floats, [1, {@value #MAX_TILE}] (32 in the CUDA samples)
     */
    public record Gemm(int n, int tile) implements Pattern {
        /** The value of {@code n} that takes the side from the footprint. */
        public static final int FROM_FOOTPRINT = 0;
        /** Largest matrix side: three 2^20-float square matrices take 12 TiB. */
        public static final int MAX_N = 1 << 20;
        /** Largest tile side (a 1024 x 1024 tile already exceeds any GPU's shared memory). */
        public static final int MAX_TILE = 1024;
        /** Bytes of one fp32 element. */
        static final long FLOAT = 4;

        public Gemm {
            if (tile < 1 || tile > MAX_TILE) {
                throw new IllegalArgumentException("gemm tile must be in [1, " + MAX_TILE + "] floats, got " + tile);
            }
            if (n != FROM_FOOTPRINT && (n < tile || n > MAX_N || n % tile != 0)) {
                throw new IllegalArgumentException("gemm n must be " + FROM_FOOTPRINT + " (from the footprint) or a"
                        + " multiple of tile (" + tile + ") in [" + tile + ", " + MAX_N + "] floats, got " + n);
            }
        }

        /** The matrices' side this pattern uses over {@code footprint}: {@code n}, or the largest that fits. */
        public long side(Bytes footprint) {
            if (n != FROM_FOOTPRINT) {
                return n;
            }
            long side = (long) Math.sqrt(footprint.bytes() / (3.0 * FLOAT));
            while (3 * FLOAT * side * side > footprint.bytes()) {
                side--; // guard against sqrt rounding up
            }
            return Math.min(side - side % tile, MAX_N);
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            if (accessSize == null || accessSize.bytes() < 1) {
                throw new IllegalArgumentException("accessSize must be >= 1 B, got " + accessSize);
            }
            if (footprint == null || footprint.bytes() < 1) {
                throw new IllegalArgumentException("footprint must be >= 1 B, got " + footprint);
            }
            if (accesses < 0) {
                throw new IllegalArgumentException("accesses must be >= 0, got " + accesses);
            }
            if (!(writeFraction >= 0.0 && writeFraction <= 1.0)) {
                throw new IllegalArgumentException("writeFraction must be in [0, 1], got " + writeFraction);
            }
            long rowBytes = FLOAT * tile;
            long piece = Math.min(accessSize.bytes(), rowBytes);
            if (rowBytes % piece != 0) {
                throw new IllegalArgumentException("gemm accessSize must divide a tile row of " + tile + " floats ("
                        + rowBytes + " B) or exceed it, got " + accessSize);
            }
            long side = side(footprint);
            long need = 3 * FLOAT * side * side;
            if (side < tile || need > footprint.bytes()) {
                long least = 3 * FLOAT * Math.max(side, tile) * Math.max(side, tile);
                throw new IllegalArgumentException("gemm footprint must hold A, B and C (" + Bytes.of(least)
                        + " for n = " + Math.max(side, tile) + ", tile = " + tile + "), got " + footprint);
            }
            return new GemmCursor(side, tile, piece, accesses);
        }

        /** The access size must divide a tile row (or exceed it) and the footprint hold A, B and C. */
        @Override
        public void check(Bytes footprint, Bytes accessSize, long accesses) {
            stream(footprint, 0, accessSize, 0, 0); // its checks; the cursor itself is a few fields
        }

        /** The whole multiply: {@code (n/tile)^2 (2 n + tile)} tile rows, each in accesses of at most a row. */
        @Override
        public long accessesPerPass(Bytes footprint, Bytes accessSize) {
            return ((GemmCursor) stream(footprint, 0, accessSize, 0, 0)).total;
        }

        @Override
        public String label() {
            return n == FROM_FOOTPRINT ? "gemm(tile " + tile + ")" : "gemm(" + n + ", tile " + tile + ")";
        }
    }

    /**
     * The cursor of {@link Gemm}: the offset of access {@code i} decoded from {@code i} alone. Each output tile is
     * one thread block of {@code tile x tile} threads, as the CUDA samples' {@code matrixMul} launches it
     * ({@code dim3 threads(block_size, block_size)}, one thread per element of C), so a block's accesses are the
     * {@code perOutputTile} consecutive accesses of its tile.
     */
    private static final class GemmCursor implements ThreadBlockStream {
        private final long side;
        private final long matrixBytes;
        private final long rowStride;
        private final long tileBytes;
        private final long tile;
        private final long tilesPerSide;
        private final long piece;
        private final long perRow;
        private final long perTileLoad;
        private final long perK;
        private final long loads;
        private final long perOutputTile;
        final long total;
        private final long accesses;
        /** The access {@link #next()} stops before: the stream's end, or the end a {@link #seek} set. */
        private long end;
        private long index = -1;
        private long offset;
        private AccessType type;

        GemmCursor(long side, long tile, long piece, long accesses) {
            this.side = side;
            this.matrixBytes = Gemm.FLOAT * side * side;
            this.rowStride = Gemm.FLOAT * side;
            this.tileBytes = Gemm.FLOAT * tile;
            this.tile = tile;
            this.tilesPerSide = side / tile;
            this.piece = piece;
            this.perRow = tileBytes / piece;
            this.perTileLoad = tile * perRow;
            this.perK = 2 * perTileLoad;
            this.loads = tilesPerSide * perK;
            this.perOutputTile = loads + perTileLoad;
            long t;
            try {
                t = Math.multiplyExact(Math.multiplyExact(tilesPerSide, tilesPerSide), perOutputTile);
            } catch (ArithmeticException e) {
                t = Long.MAX_VALUE; // longer than any phase: never wraps
            }
            this.total = t;
            this.accesses = accesses;
            this.end = accesses;
        }

        /** One thread per element of the output tile, 32 threads a warp. */
        @Override
        public int warpsPerBlock() {
            return (int) Math.ceilDiv(tile * tile, 32);
        }

        @Override
        public long accessesPerBlock() {
            return perOutputTile;
        }

        @Override
        public ThreadBlockStream fork() {
            return new GemmCursor(side, tile, piece, accesses);
        }

        @Override
        public void seek(long first, long end) {
            if (first < 0 || end < first) {
                throw new IllegalArgumentException("seek needs 0 <= first <= end, got first " + first + ", end "
                        + end);
            }
            this.index = first - 1;
            this.end = Math.min(end, accesses);
        }

        @Override
        public boolean next() {
            if (index + 1 >= end) {
                index = end;
                return false;
            }
            index++;
            long j = index % total;
            long block = j / perOutputTile;
            long r = j % perOutputTile;
            long bx = block % tilesPerSide; // blockIdx.x: the column of C, launched fastest
            long by = block / tilesPerSide;
            long base;
            long row;
            long col;
            if (r < loads) {
                long k = r / perK;
                long q = r % perK;
                if (q < perTileLoad) { // A[by*T + row][k*T ...]
                    base = 0;
                    row = by * tile + q / perRow;
                    col = k * tileBytes;
                } else { // B[k*T + row][bx*T ...]
                    q -= perTileLoad;
                    base = matrixBytes;
                    row = k * tile + q / perRow;
                    col = bx * tileBytes;
                }
                col += (q % perRow) * piece;
                type = AccessType.READ;
            } else { // C[by*T + row][bx*T ...]
                long q = r - loads;
                base = 2 * matrixBytes;
                row = by * tile + q / perRow;
                col = bx * tileBytes + (q % perRow) * piece;
                type = AccessType.WRITE;
            }
            offset = base + row * rowStride + col;
            return true;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public AccessType type() {
            return type;
        }

        @Override
        public long size() {
            return piece;
        }

        @Override
        public long length() {
            return accesses;
        }
    }

    /** See {@link Patterns#strided(Bytes)}. */
    public record Strided(Bytes stride) implements Pattern {
        public Strided {
            if (stride == null || stride.bytes() < 1) {
                throw new IllegalArgumentException("stride must be >= 1 B, got " + stride);
            }
        }

        /** The stride must be a whole number of accesses. */
        @Override
        public void check(Bytes footprint, Bytes accessSize, long accesses) {
            if (stride.bytes() % accessSize.bytes() != 0) {
                throw new IllegalArgumentException("stride must be a multiple of accessSize (" + accessSize
                        + "), got " + stride);
            }
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            check(footprint, accessSize, accesses);
            long step = stride.bytes() / accessSize.bytes();
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                @Override
                long element(long i) {
                    // Wrap i*step around the element count, shifting by one element per lap.
                    long perLap = Math.max(1, (elements + step - 1) / step);
                    long lap = i / perLap;
                    long within = i % perLap;
                    return (within * step + lap) % elements;
                }
            };
        }

        @Override
        public String label() {
            return "strided(" + stride + ")";
        }
    }

    /** See {@link Patterns#uniformRandom()}. */
    public record UniformRandom() implements Pattern {
        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                @Override
                long element(long i) {
                    return random.nextLong(elements);
                }
            };
        }

        @Override
        public String label() {
            return "uniform-random";
        }
    }

    /**
     * See {@link Patterns#zipf(double)}. Sampled by rejection-inversion (Hörmann and Derflinger, 1996), which
     * needs no table, so a footprint of millions of elements costs nothing to set up.
     */
    public record Zipf(double exponent) implements Pattern {
        public Zipf {
            if (!(exponent > 0.0 && exponent <= 10.0)) {
                throw new IllegalArgumentException("zipf exponent must be in (0, 10], got " + exponent);
            }
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                final ZipfSampler sampler = new ZipfSampler(elements, exponent);

                @Override
                long element(long i) {
                    return sampler.sample(random) - 1;
                }
            };
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "zipf(%s)", exponent);
        }
    }

    /** See {@link Patterns#hotSet(double, double)}. The hot set is the first elements of the footprint. */
    public record HotSet(double hotFraction, double hotProbability) implements Pattern {
        public HotSet {
            if (!(hotFraction > 0.0 && hotFraction <= 1.0)) {
                throw new IllegalArgumentException("hotFraction must be in (0, 1], got " + hotFraction);
            }
            if (!(hotProbability >= 0.0 && hotProbability <= 1.0)) {
                throw new IllegalArgumentException("hotProbability must be in [0, 1], got " + hotProbability);
            }
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                final long hot = Math.max(1, (long) Math.floor(elements * hotFraction));

                @Override
                long element(long i) {
                    boolean inHot = random.nextDouble() < hotProbability;
                    if (inHot || hot == elements) {
                        return random.nextLong(hot);
                    }
                    return hot + random.nextLong(elements - hot);
                }
            };
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "hot-set(%s, %s)", hotFraction, hotProbability);
        }
    }

    /**
     * See {@link Patterns#stencil(Bytes)}. For each grid point in row-major order: reads of the north, west,
     * east and south neighbours (clamped at the edges), then the centre, which is a write with probability
     * {@code writeFraction} (in-place update, as in Gauss-Seidel).
     */
    public record Stencil(Bytes rowBytes) implements Pattern {
        public Stencil {
            if (rowBytes == null || rowBytes.bytes() < 1) {
                throw new IllegalArgumentException("stencil rowBytes must be >= 1 B, got " + rowBytes);
            }
        }

        /** The row must hold whole accesses and fit in the footprint. */
        @Override
        public void check(Bytes footprint, Bytes accessSize, long accesses) {
            if (rowBytes.bytes() > footprint.bytes()) {
                throw new IllegalArgumentException("stencil rowBytes must be at most the footprint (" + footprint
                        + "), got " + rowBytes);
            }
            if (rowBytes.bytes() % accessSize.bytes() != 0) {
                throw new IllegalArgumentException("stencil rowBytes must be a multiple of accessSize ("
                        + accessSize.bytes() + " B), got " + rowBytes.bytes() + " B");
            }
        }

        /**
         * One sweep of the grid: 5 accesses (4 neighbours, then the centre) per point, over the whole rows the
         * footprint holds. A pass that counted one access per element would update only a fifth of the grid.
         */
        @Override
        public long accessesPerPass(Bytes footprint, Bytes accessSize) {
            Pattern.super.accessesPerPass(footprint, accessSize);
            check(footprint, accessSize, 1);
            long cols = rowBytes.bytes() / accessSize.bytes();
            long points = footprint.bytes() / accessSize.bytes() / cols * cols;
            return points > Long.MAX_VALUE / 5 ? Long.MAX_VALUE : 5 * points;
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            check(footprint, accessSize, accesses);
            long cols = rowBytes.bytes() / accessSize.bytes();
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                final long rows = elements / cols;
                final long points = rows * cols;

                @Override
                long element(long i) {
                    long point = (i / 5) % points;
                    long r = point / cols;
                    long c = point % cols;
                    return switch ((int) (i % 5)) {
                        case 0 -> (r == 0 ? r : r - 1) * cols + c;
                        case 1 -> r * cols + (c == 0 ? c : c - 1);
                        case 2 -> r * cols + (c == cols - 1 ? c : c + 1);
                        case 3 -> (r == rows - 1 ? r : r + 1) * cols + c;
                        default -> point;
                    };
                }

                @Override
                AccessType typeOf(long i) {
                    return i % 5 == 4 ? super.typeOf(i) : AccessType.READ;
                }
            };
        }

        @Override
        public String label() {
            return "stencil(" + rowBytes + ")";
        }
    }

    /**
     * See {@link Patterns#pointerChase()}. The cycle is a full-period linear congruential sequence modulo the
     * next power of two, walked past the values outside the footprint (cycle walking): a random permutation in
     * O(1) memory. Every access is {@link AccessStream#dependent() dependent} on the previous one.
     */
    public record PointerChase() implements Pattern {
        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            return new Cursor(footprint, accesses, accessSize, writeFraction, seed) {
                final long mask = (Long.highestOneBit(Math.max(1, elements - 1)) << 1) - 1;
                // a = 1 (mod 4) and c odd give the LCG full period modulo any power of two (Hull-Dobell).
                final long a = 0x5851F42D4C957F2DL;
                final long c = random.nextLong() | 1L;
                long x = random.nextLong(elements);

                @Override
                long element(long i) {
                    if (i == 0) {
                        return x;
                    }
                    do {
                        x = (a * x + c) & mask;
                    } while (x >= elements);
                    return x;
                }

                @Override
                public boolean dependent() {
                    return index > 0;
                }
            };
        }

        @Override
        public String label() {
            return "pointer-chase";
        }
    }

    /** See {@link Patterns#replay}. Built by {@link Workload#fromTrace}, one per run of one agent's accesses. */
    public record Replay(AccessTrace trace, int from, int to, long baseAddress) implements Pattern {
        public Replay {
            if (trace == null) {
                throw new IllegalArgumentException("replay trace must be set, got null");
            }
            if (from < 0 || to <= from || to > trace.size()) {
                throw new IllegalArgumentException("replay range must satisfy 0 <= from < to <= " + trace.size()
                        + ", got [" + from + ", " + to + ")");
            }
            if (baseAddress < 0) {
                throw new IllegalArgumentException("replay baseAddress must be >= 0, got " + baseAddress);
            }
        }

        /** One pass is the slice, once. */
        @Override
        public long accessesPerPass(Bytes footprint, Bytes accessSize) {
            return to - from;
        }

        /** The slice's length is the work, and every access of it lies in the footprint from the base address. */
        @Override
        public void check(Bytes footprint, Bytes accessSize, long accesses) {
            if (accesses != to - from) {
                throw new IllegalArgumentException("replay accesses must equal the trace range length " + (to - from)
                        + ", got " + accesses);
            }
            for (int i = from; i < to; i++) {
                long a = trace.address(i);
                if (a < baseAddress || a - baseAddress + trace.accessSize(i) > footprint.bytes()) {
                    throw new IllegalArgumentException("replay access " + (i + 1) + " at 0x" + Long.toHexString(a)
                            + " (" + trace.accessSize(i) + " B) must lie in [0x" + Long.toHexString(baseAddress)
                            + ", +" + footprint + "), the allocation's footprint from the trace's base address");
                }
            }
        }

        @Override
        public AccessStream stream(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            check(footprint, accessSize, accesses);
            AccessTrace.Cursor c = trace.cursor(from, to);
            long base = baseAddress;
            return new AccessStream() {
                @Override
                public boolean next() {
                    return c.next();
                }

                @Override
                public long offset() {
                    return c.offset() - base;
                }

                @Override
                public AccessType type() {
                    return c.type();
                }

                @Override
                public long size() {
                    return c.size();
                }

                @Override
                public long length() {
                    return c.length();
                }
            };
        }

        @Override
        public String label() {
            return "replay[" + from + ", " + to + ")";
        }
    }

    // ------------------------------------------------------------------------------------------------ cursor

    /** The shared cursor: validates the extent, counts accesses and draws the read/write mix. */
    abstract static class Cursor implements AccessStream {
        final long elements;
        final long size;
        final long accesses;
        final double writeFraction;
        final SplittableRandom random;
        long index = -1;
        long offset;
        AccessType type;

        Cursor(Bytes footprint, long accesses, Bytes accessSize, double writeFraction, long seed) {
            if (accessSize == null || accessSize.bytes() < 1) {
                throw new IllegalArgumentException("accessSize must be >= 1 B, got " + accessSize);
            }
            if (footprint == null || footprint.bytes() < accessSize.bytes()) {
                throw new IllegalArgumentException("footprint must be >= accessSize (" + accessSize + "), got "
                        + footprint);
            }
            if (accesses < 0) {
                throw new IllegalArgumentException("accesses must be >= 0, got " + accesses);
            }
            if (!(writeFraction >= 0.0 && writeFraction <= 1.0)) {
                throw new IllegalArgumentException("writeFraction must be in [0, 1], got " + writeFraction);
            }
            this.size = accessSize.bytes();
            this.elements = footprint.bytes() / size;
            this.accesses = accesses;
            this.writeFraction = writeFraction;
            this.random = new SplittableRandom(seed);
        }

        /** The element index of access {@code i}; called once per access, in order. */
        abstract long element(long i);

        /** The type of access {@code i}; called once per access, after {@link #element(long)}. */
        AccessType typeOf(long i) {
            if (writeFraction == 0.0) {
                return AccessType.READ;
            }
            if (writeFraction == 1.0) {
                return AccessType.WRITE;
            }
            return random.nextDouble() < writeFraction ? AccessType.WRITE : AccessType.READ;
        }

        @Override
        public final boolean next() {
            if (index + 1 >= accesses) {
                index = accesses;
                return false;
            }
            index++;
            offset = element(index) * size;
            type = typeOf(index);
            return true;
        }

        @Override
        public final long offset() {
            return offset;
        }

        @Override
        public final AccessType type() {
            return type;
        }

        @Override
        public final long size() {
            return size;
        }

        @Override
        public final long length() {
            return accesses;
        }
    }

    /** Rejection-inversion sampler of Zipf ranks 1..n with exponent s. */
    static final class ZipfSampler {
        private final long n;
        private final double s;
        private final double hIntegralX1;
        private final double hIntegralN;
        private final double threshold;

        ZipfSampler(long n, double s) {
            this.n = n;
            this.s = s;
            this.hIntegralX1 = hIntegral(1.5) - 1.0;
            this.hIntegralN = hIntegral(n + 0.5);
            this.threshold = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
        }

        long sample(SplittableRandom random) {
            while (true) {
                double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
                double x = hIntegralInverse(u);
                long k = (long) (x + 0.5);
                if (k < 1) {
                    k = 1;
                } else if (k > n) {
                    k = n;
                }
                if (k - x <= threshold || u >= hIntegral(k + 0.5) - h(k)) {
                    return k;
                }
            }
        }

        /** Antiderivative of h: ((x^(1-s)) - 1) / (1 - s), continuous at s = 1 (log x). */
        private double hIntegral(double x) {
            double logX = Math.log(x);
            return expm1OverX((1.0 - s) * logX) * logX;
        }

        private double h(double x) {
            return Math.exp(-s * Math.log(x));
        }

        private double hIntegralInverse(double x) {
            double t = x * (1.0 - s);
            if (t < -1.0) {
                t = -1.0; // rounding guard: the argument of log1p must stay above -1
            }
            return Math.exp(log1pOverX(t) * x);
        }

        private static double expm1OverX(double x) {
            return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0);
        }

        private static double log1pOverX(double x) {
            return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1.0 - x * (0.5 - x / 3.0);
        }
    }
}
