package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.util.Objects;
import java.util.Random;

/**
 * Multi-head self-attention with PyTorch's {@code nn.MultiheadAttention} semantics, written on
 * {@link Kernels} for the benchmarks only: the projection GEMMs, {@link Kernels#flashAttention} per head,
 * then the output projection. It stands in for the library's {@code MultiHeadAttention} until that is
 * on this branch; the bench calls only {@link #forward} and {@link #decodeStep}, so swapping it means
 * replacing the body of {@link #forward} with one call of {@code MultiHeadAttention.forward} on
 * {@code Tensor.wrap(x, B, L, E)} (built {@code fromPyTorch} with these weights), and likewise for decode.
 *
 * <p>Weights are given in PyTorch's layout (and transposed once at construction, so the projections run as
 * plain A·B — the same pre-packing ONNX Runtime does to its initializers): {@code in_proj_weight} [3E, E] (rows 0..E-1 are W_q, then W_k, W_v),
 * {@code in_proj_bias} [3E], {@code out_proj.weight} [E, E], {@code out_proj.bias} [E]. For x of shape
 * [B, L, E]: {@code Q = x·W_qᵀ + b_q} (likewise K, V), per head {@code O_h = softmax(Q_h·K_hᵀ/√d + mask)·V_h}
 * with d = E/h, heads concatenated, {@code y = O·W_oᵀ + b_o}.
 *
 * <p>Flops (multiply and add counted apart): projections {@code 8·B·L·E²}, attention {@code 4·B·L·S·E}
 * (about half of it with a causal mask).
 */
public final class MhaWorkload {
    private final int embedDim;
    private final int numHeads;
    private final int headDim;
    private final float[] inProjWeight;
    private final float[] inProjBias;
    private final float[] outProjWeight;
    private final float[] outProjBias;
    /** W_inᵀ [E, 3E] and W_oᵀ [E, E]: packed once so every projection is a plain row-major A·B. */
    private final float[] inProjT;
    private final float[] outProjT;
    private final Kernels kernels;
    private final Parallel parallel;

    // Scratch, grown on demand: qkv [B·L, 3E], ctx [B·L, E].
    private float[] qkv = new float[0];
    private float[] ctx = new float[0];

    /**
     * @param inProjWeight  [3E, E], not modified (kept by reference)
     * @param inProjBias    [3E]
     * @param outProjWeight [E, E]
     * @param outProjBias   [E]
     * @param parallel      how to split work over threads ({@link Parallel#serial()} for one)
     * @throws IllegalArgumentException if E is not divisible by h or an array has the wrong length
     */
    public MhaWorkload(int embedDim, int numHeads, float[] inProjWeight, float[] inProjBias,
                       float[] outProjWeight, float[] outProjBias, Kernels kernels, Parallel parallel) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " must be a positive multiple of numHeads "
                    + numHeads);
        }
        checkLength("inProjWeight", inProjWeight, 3 * embedDim * embedDim);
        checkLength("inProjBias", inProjBias, 3 * embedDim);
        checkLength("outProjWeight", outProjWeight, embedDim * embedDim);
        checkLength("outProjBias", outProjBias, embedDim);
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.headDim = embedDim / numHeads;
        this.inProjWeight = inProjWeight;
        this.inProjBias = inProjBias;
        this.outProjWeight = outProjWeight;
        this.outProjBias = outProjBias;
        this.inProjT = transpose(inProjWeight, 3 * embedDim, embedDim);
        this.outProjT = transpose(outProjWeight, embedDim, embedDim);
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        this.parallel = Objects.requireNonNull(parallel, "parallel");
    }

    /** Weights drawn like PyTorch's initialisation scale (uniform ±1/√E), reproducible from the seed. */
    public static MhaWorkload random(int embedDim, int numHeads, long seed, Kernels kernels, Parallel parallel) {
        Random r = new Random(seed);
        float bound = (float) (1.0 / Math.sqrt(embedDim));
        return new MhaWorkload(embedDim, numHeads,
                uniform(r, 3 * embedDim * embedDim, bound), uniform(r, 3 * embedDim, bound),
                uniform(r, embedDim * embedDim, bound), uniform(r, embedDim, bound), kernels, parallel);
    }

    /** The same weights on other kernels or threads. */
    public MhaWorkload with(Kernels otherKernels, Parallel otherParallel) {
        return new MhaWorkload(embedDim, numHeads, inProjWeight, inProjBias, outProjWeight, outProjBias,
                otherKernels, otherParallel);
    }

    public int embedDim() { return embedDim; }
    public int numHeads() { return numHeads; }
    public float[] inProjWeight() { return inProjWeight; }
    public float[] inProjBias() { return inProjBias; }
    public float[] outProjWeight() { return outProjWeight; }
    public float[] outProjBias() { return outProjBias; }
    public Kernels kernels() { return kernels; }

    /** Flops of one forward pass over [B, L, E] (self-attention, S = L). */
    public static double forwardFlops(int batch, int len, int embedDim, boolean causal) {
        double proj = 8.0 * batch * len * (double) embedDim * embedDim;
        double attn = 4.0 * batch * (double) len * len * embedDim;
        return proj + (causal ? attn * (len + 1) / (2.0 * len) : attn);
    }

    /** Flops of one decode step of one token against a cache holding {@code cached} earlier tokens. */
    public static double decodeFlops(int cached, int embedDim) {
        return 8.0 * embedDim * embedDim + 4.0 * (cached + 1) * embedDim;
    }

    /**
     * Self-attention {@code y = MHA(x, x, x)}, batch first.
     *
     * @param x      [B, L, E] row-major, not modified
     * @param causal PyTorch's {@code is_causal}: query i sees keys j ≤ i
     * @param y      modified: [B, L, E]
     * @throws IllegalArgumentException if x or y is shorter than B·L·E
     */
    public void forward(float[] x, int batch, int len, boolean causal, float[] y) {
        int e = embedDim;
        int rows = batch * len;
        checkLength("x", x, rows * e);
        checkLength("y", y, rows * e);
        if (qkv.length < rows * 3 * e) {
            qkv = new float[rows * 3 * e];
        }
        if (ctx.length < rows * e) {
            ctx = new float[rows * e];
        }
        float[] qkvBuf = qkv;
        float[] ctxBuf = ctx;
        // QKV = x·in_proj_weightᵀ + in_proj_bias: rows of C start as the bias, then β = 1.
        fillRows(qkvBuf, rows, 3 * e, inProjBias);
        parallel.gemmRows(kernels, false, false, rows, 3 * e, e, 1f, x, 0, e, inProjT, 0, 3 * e, 1f, qkvBuf, 0, 3 * e);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        ScoreMask mask = causal ? ScoreMask.causal() : ScoreMask.none();
        int d = headDim;
        parallel.forEach(batch * numHeads, t -> {
            int b = t / numHeads;
            int h = t % numHeads;
            int base = b * len * 3 * e + h * d;
            kernels.flashAttention(len, len, d, d, scale,
                    qkvBuf, base, 3 * e, qkvBuf, base + e, 3 * e, qkvBuf, base + 2 * e, 3 * e,
                    mask, ctxBuf, b * len * e + h * d, e);
        });
        fillRows(y, rows, e, outProjBias);
        parallel.gemmRows(kernels, false, false, rows, e, e, 1f, ctxBuf, 0, e, outProjT, 0, e, 1f, y, 0, e);
    }

    /** A key/value cache for {@link #decodeStep}: K and V rows [capacity, E] each. */
    public static final class KvCache {
        final float[] keys;
        final float[] values;
        final int capacity;
        int length;

        public KvCache(int capacity, int embedDim) {
            this.capacity = capacity;
            this.keys = new float[capacity * embedDim];
            this.values = new float[capacity * embedDim];
        }

        public int length() { return length; }

        /** Sets the number of cached tokens (rows beyond it are ignored). */
        public void setLength(int n) {
            if (n < 0 || n > capacity) {
                throw new IllegalArgumentException("cache length " + n + " outside [0, " + capacity + "]");
            }
            length = n;
        }
    }

    /**
     * One autoregressive step: projects the token {@code x} [E], appends its key and value to the cache,
     * attends over all cached tokens and writes {@code y} [E].
     *
     * @param cache modified: one more token
     * @throws IllegalStateException if the cache is full
     */
    public void decodeStep(float[] x, KvCache cache, float[] y) {
        int e = embedDim;
        if (cache.length >= cache.capacity) {
            throw new IllegalStateException("KV cache full: " + cache.capacity + " tokens");
        }
        checkLength("x", x, e);
        checkLength("y", y, e);
        if (qkv.length < 3 * e) {
            qkv = new float[3 * e];
        }
        if (ctx.length < e) {
            ctx = new float[e];
        }
        float[] q = qkv;
        System.arraycopy(inProjBias, 0, q, 0, 3 * e);
        kernels.gemm(false, false, 1, 3 * e, e, 1f, x, 0, e, inProjT, 0, 3 * e, 1f, q, 0, 3 * e);
        int pos = cache.length;
        System.arraycopy(q, e, cache.keys, pos * e, e);
        System.arraycopy(q, 2 * e, cache.values, pos * e, e);
        cache.length = pos + 1;
        int s = cache.length;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int d = headDim;
        float[] c = ctx;
        parallel.forEach(numHeads, h -> kernels.flashAttention(1, s, d, d, scale, q, h * d, e,
                cache.keys, h * d, e, cache.values, h * d, e, ScoreMask.none(), c, h * d, e));
        System.arraycopy(outProjBias, 0, y, 0, e);
        kernels.gemm(false, false, 1, e, e, 1f, c, 0, e, outProjT, 0, e, 1f, y, 0, e);
    }

    /** The cols×rows transpose of a rows×cols row-major matrix. */
    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    private static void fillRows(float[] c, int rows, int cols, float[] row) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(row, 0, c, i * cols, cols);
        }
    }

    private static float[] uniform(Random r, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2f * r.nextFloat() - 1f) * bound;
        }
        return a;
    }

    private static void checkLength(String name, float[] a, int need) {
        Objects.requireNonNull(a, name);
        if (a.length < need) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements but needs " + need);
        }
    }
}
