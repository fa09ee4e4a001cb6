package org.hmmlab.dsl.grid;

/**
 * One shard of a sweep's grid, for a batch scheduler's job array (Slurm's {@code --array=1-3}): shard {@code k} of
 * {@code n} runs the points whose grid position {@code i} has {@code i mod n == k - 1}, so shards are the same size
 * to within one point and each mixes cheap and dear corners of the grid.
 *
 * <pre>{@code sweep.shard(Shard.parse("2/3"))}</pre>
 *
 * @param k which shard, from 1
 * @param n how many shards
 */
public record Shard(int k, int n) {

    /** The whole grid: shard 1 of 1. */
    public static final Shard WHOLE = new Shard(1, 1);

    /** The most shards a grid may be cut into. */
    public static final int MAX_SHARDS = 100_000;

    public Shard {
        if (n < 1 || n > MAX_SHARDS) {
            throw new IllegalArgumentException("shard k/N: N must be in [1, " + MAX_SHARDS + "], got " + n);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("shard k/N: k must be in [1, N] = [1, " + n + "], got " + k + "/" + n);
        }
    }

    /** Shard {@code k} of {@code n}. */
    public static Shard of(int k, int n) {
        return new Shard(k, n);
    }

    /** Reads {@code "k/N"}, as {@code --shard 2/3} gives it. */
    public static Shard parse(String text) {
        if (text == null || !text.matches("[0-9]{1,9}/[0-9]{1,9}")) {
            throw new IllegalArgumentException("shard must be k/N with whole numbers, 1 <= k <= N (for example 2/3), got '"
                    + text + "'");
        }
        String[] parts = text.split("/");
        return new Shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    @Override
    public String toString() {
        return k + "/" + n;
    }
}
