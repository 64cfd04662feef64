package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * The projected keys and values of the tokens seen so far, for incremental (autoregressive) decoding.
 *
 * <p>Layout: per batch entry b and key-value head g, one contiguous block of keys and one of values, each
 * <em>transposed</em>, {@code [headDim][capacity]}: token t in column t, feature c in row c, rows
 * {@link #stride(int)} floats apart. Both arrays are ordered {@code [batch][kvHeads][…]}. A decode step is then
 * two products of a row vector with these blocks, each reading its block front to back as several
 * sequential streams at once (rows of the block side by side), which is what a single core needs to reach
 * the memory's bandwidth (one stream reads 13-15 GB/s here, four 21-24): the scores {@code q·Kᵀ} as a row
 * vector times the row-major Kᵀ (GEMM's streaming direct path, four rows of Kᵀ at a time) and the output
 * {@code p·V} as one dot product with p per row of Vᵀ (GEMV, four rows at a time).
 * {@link MultiHeadAttention#forward(Tensor, Tensor, Tensor, KvCache)} appends the new tokens' projections and
 * attends the new queries to every cached token, causally; a step of more than one token reads row-major
 * copies of the blocks (the fused kernel's layout).
 *
 * <p>Mutable and <b>not</b> thread-safe: one cache per sequence batch, used by one thread at a time.
 * Arrays are allocated once, at construction ({@code 2·batch·kvHeads·headDim·stride(capacity)} floats).
 */
public final class KvCache {
    private final int batch;
    private final int kvHeads;
    private final int headDim;
    private final int capacity;
    private final int width;
    /** Floats between the rows of a transposed block (see {@link #stride(int)}). */
    final int stride;
    final float[] keys;
    final float[] values;
    private int length;

    /**
     * An empty cache.
     *
     * @throws IllegalArgumentException if a size is negative (capacity, kvHeads, headDim, batch must be ≥ 1)
     *                                  or the arrays would exceed one Java array
     */
    public KvCache(int batch, int kvHeads, int headDim, int capacity) {
        if (batch < 1 || kvHeads < 1 || headDim < 1 || capacity < 1) {
            throw new IllegalArgumentException("KvCache: batch, kvHeads, headDim and capacity must be ≥ 1 but were "
                    + batch + ", " + kvHeads + ", " + headDim + ", " + capacity);
        }
        long w = (long) kvHeads * headDim;
        long stride = stride(capacity);
        if ((long) batch * kvHeads * headDim * stride > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("capacity: a cache of [" + batch + ", " + capacity + ", " + w
                    + "] (batch, capacity, kvHeads·headDim) is too large for one Java array");
        }
        this.batch = batch;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.capacity = capacity;
        this.width = (int) w;
        this.stride = (int) stride;
        this.keys = new float[batch * kvHeads * headDim * this.stride];
        this.values = new float[keys.length];
    }

    /**
     * Floats from one row of a transposed block to the next: the capacity rounded up to 16 floats (64 bytes)
     * plus 16. With a stride of exactly the capacity, the rows of a large cache (32,769 floats ≈ 128 KiB apart)
     * fall into the same few cache sets, and a decode step's reads of K evicted the projection weights and V
     * from the caches (a 1,024-token step took 0.7 ms instead of 0.2); the extra 64 bytes per row put
     * consecutive rows in consecutive sets.
     */
    static long stride(int capacity) {
        return ((long) capacity + 15) / 16 * 16 + 16;
    }

    public int batch() {
        return batch;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public int headDim() {
        return headDim;
    }

    /** The maximum number of tokens. */
    public int capacity() {
        return capacity;
    }

    /** The number of tokens cached. */
    public int length() {
        return length;
    }

    /** {@code capacity() - length()}. */
    public int remaining() {
        return capacity - length;
    }

    /** Forgets every token (the arrays are kept). */
    public void reset() {
        length = 0;
    }

    /**
     * Forgets every token after the first {@code length} (the arrays are kept): rolls the cache back, e.g. to
     * drop rejected draft tokens or to branch a beam from an earlier step.
     *
     * @throws IllegalArgumentException if length is negative or above {@link #length()} (nothing changes)
     */
    public void truncate(int length) {
        if (length < 0 || length > this.length) {
            throw new IllegalArgumentException("truncate: length must be in [0, " + this.length + "] but was " + length);
        }
        this.length = length;
    }

    /**
     * Appends the projected keys and values of {@code tokens} new tokens: k and v are [batch, tokens,
     * kvHeads·headDim] row-major at the given offsets.
     *
     * @throws IllegalStateException    if the cache cannot hold them (nothing is written)
     * @throws IllegalArgumentException if an array is too short
     */
    public void append(float[] k, int kOff, float[] v, int vOff, int tokens) {
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens: must be non-negative but was " + tokens);
        }
        long need = (long) batch * tokens * width;
        if (kOff < 0 || kOff + need > k.length) {
            throw new IllegalArgumentException("k: [" + batch + ", " + tokens + ", " + width + "] at offset " + kOff
                    + " needs " + need + " elements but k.length is " + k.length);
        }
        if (vOff < 0 || vOff + need > v.length) {
            throw new IllegalArgumentException("v: [" + batch + ", " + tokens + ", " + width + "] at offset " + vOff
                    + " needs " + need + " elements but v.length is " + v.length);
        }
        checkRoom(tokens);
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < kvHeads; g++) {
                int block = offset(b, g);
                int src = (b * tokens) * width + g * headDim;
                // transposed: each row of the block (one feature) written front to back
                for (int c = 0; c < headDim; c++) {
                    int dst = block + c * stride + length;
                    int kFrom = kOff + src + c;
                    int vFrom = vOff + src + c;
                    for (int t = 0; t < tokens; t++) {
                        keys[dst + t] = k[kFrom + t * width];
                        values[dst + t] = v[vFrom + t * width];
                    }
                }
            }
        }
        length += tokens;
    }

    /**
     * Appends projected keys and values given as tensors [batch, tokens, kvHeads·headDim].
     *
     * @throws IllegalStateException    if the cache cannot hold them (nothing is written)
     * @throws IllegalArgumentException if a shape is wrong
     */
    public void append(Tensor k, Tensor v) {
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        if (k.rank() != 3 || k.dim(0) != batch || k.dim(2) != width) {
            throw new IllegalArgumentException("k: expected [" + batch + ", T, " + width + "] but was " + Arrays.toString(k.shape()));
        }
        if (!v.sameShape(k)) {
            throw new IllegalArgumentException("v: expected " + Arrays.toString(k.shape()) + " but was " + Arrays.toString(v.shape()));
        }
        append(k.data(), 0, v.data(), 0, k.dim(1));
    }

    /** Throws unless {@code tokens} more fit. */
    void checkRoom(int tokens) {
        if (tokens > capacity - length) {
            throw new IllegalStateException("KvCache full: capacity " + capacity + ", " + length
                    + " tokens cached, cannot append " + tokens + " more");
        }
    }

    /**
     * Offset in {@link #keys} and in {@link #values} of the block of batch entry b, key-value head g: feature c
     * of token t at {@code + c·stride + t}.
     */
    int offset(int b, int g) {
        return (b * kvHeads + g) * headDim * stride;
    }

    /** Keys of batch entry b, key-value head g, tokens [0, n), as a row-major [n, headDim] copy. */
    void keysRowMajor(int b, int g, int n, float[] out, int outOff) {
        rowMajor(keys, b, g, n, out, outOff);
    }

    /** Values of batch entry b, key-value head g, tokens [0, n), as a row-major [n, headDim] copy. */
    void valuesRowMajor(int b, int g, int n, float[] out, int outOff) {
        rowMajor(values, b, g, n, out, outOff);
    }

    private void rowMajor(float[] blocks, int b, int g, int n, float[] out, int outOff) {
        int block = offset(b, g);
        for (int c = 0; c < headDim; c++) {
            int row = block + c * stride;
            for (int t = 0; t < n; t++) {
                out[outOff + t * headDim + c] = blocks[row + t];
            }
        }
    }

    @Override
    public String toString() {
        return "KvCache[batch=" + batch + ", kvHeads=" + kvHeads + ", headDim=" + headDim + ", " + length + "/" + capacity + "]";
    }
}
