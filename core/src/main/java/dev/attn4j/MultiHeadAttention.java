package dev.attn4j;

import dev.attn4j.io.MalformedFileException;
import dev.attn4j.io.SafeTensors;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Multi-head attention with PyTorch's {@code nn.MultiheadAttention} weights and batch-first shapes,
 * optionally with grouped-query heads (fewer key/value heads than query heads).
 *
 * <p>With E = embedDim, h = numHeads, d = E/h (head width), g = kvHeads and E_kv = g·d:
 * <pre>
 *   Q = query·W_qᵀ + b_q      [B, L, E]      W_q [E, E]
 *   K = key·W_kᵀ + b_k        [B, S, E_kv]   W_k [E_kv, kdim]
 *   V = value·W_vᵀ + b_v      [B, S, E_kv]   W_v [E_kv, vdim]
 *   head_i = softmax(Q_i·K_jᵀ/√d + mask)·V_j  for query head i, with key/value head j = i / (h/g)
 *   out = concat(head_0 … head_{h-1})·W_oᵀ + b_o   [B, L, E]   W_o [E, E]
 * </pre>
 * When kdim = vdim = E and g = h, W_q, W_k, W_v may come stacked as PyTorch's {@code in_proj_weight}
 * [3E, E] with {@code in_proj_bias} [3E]. A fully masked query row gives a zero attention row (PyTorch:
 * NaN), see {@link AttentionMask}.
 *
 * <p><b>Threads.</b> Instances are immutable and thread-safe: weights are copied at construction and
 * each call allocates its own buffers. By default a call runs on the calling thread and starts no
 * threads. With {@link Builder#executor} the work is split into fixed items — row panels of the
 * projections, (batch, head, query tile) for attention — that the calling thread and up to
 * {@code parallelism - 1} executor tasks share; as the items do not depend on the thread count,
 * results are bitwise identical for any executor and parallelism.
 */
public final class MultiHeadAttention {
    /** Query rows per attention work item; fixed, so the split never depends on the thread count. */
    static final int QUERY_TILE = 64;
    /** Rows per projection work item where the kernels' GEMM has no steps of its own (and per bias-fill item). */
    static final int ROW_PANEL = 64;
    /**
     * Below this many multiply-adds in a stage, handing items to other threads costs more than it saves: the
     * crossover measured for GEMM on 2 cores (see {@code ParallelKernels}: 2^22 break-even, 2^23 1.11×).
     */
    static final long DEFAULT_PARALLEL_MIN_WORK = 1L << 23;

    private final int embedDim;
    private final int numHeads;
    private final int kvHeads;
    private final int headDim;
    private final int kdim;
    private final int vdim;
    /** Wᵀ of each projection, [in, out]. */
    private final Kernels.PackedMatrix wq;
    private final Kernels.PackedMatrix wk;
    private final Kernels.PackedMatrix wv;
    private final Kernels.PackedMatrix wo;
    private final float[] bq;
    private final float[] bk;
    private final float[] bv;
    private final float[] bo;
    private final Kernels kernels;
    private final WorkSplitter splitter;
    private final long parallelMinWork;
    private final float scale;

    /** The output of a forward pass and, when requested, the attention weights. */
    public static final class Result {
        private final Tensor output;
        private final Tensor weights;

        Result(Tensor output, Tensor weights) {
            this.output = output;
            this.weights = weights;
        }

        /** [B, L, E] (or [L, E] for unbatched input). */
        public Tensor output() {
            return output;
        }

        /** [B, L, S] averaged over heads, or [B, h, L, S] per head (without B for unbatched input). */
        public Tensor weights() {
            return weights;
        }
    }

    private MultiHeadAttention(Builder b, Kernels kernels) {
        this.embedDim = b.embedDim;
        this.numHeads = b.numHeads;
        this.kvHeads = b.kvHeads;
        this.headDim = b.embedDim / b.numHeads;
        this.kdim = b.kdim;
        this.vdim = b.vdim;
        int e = embedDim;
        int ekv = kvHeads * headDim;
        // Projection weights are kept as Wᵀ [in, out] prepared once by the kernels (Kernels.pack), so every
        // projection is x·Wᵀ without packing the weights again: a decode step (one row) streams Wᵀ row by row on the
        // GEMV path, and longer inputs skip the packing of Wᵀ, about a tenth of a 128 × 512 · 512 × 512 product.
        if (b.inProjWeight != null) {
            float[] w = b.inProjWeight.data();
            wq = kernels.pack(true, e, e, w, 0, e);
            wk = kernels.pack(true, e, ekv, w, e * e, e);
            wv = kernels.pack(true, e, ekv, w, e * e + ekv * e, e);
        } else {
            wq = kernels.pack(true, e, e, b.qProjWeight.data(), 0, e);
            wk = kernels.pack(true, kdim, ekv, b.kProjWeight.data(), 0, kdim);
            wv = kernels.pack(true, vdim, ekv, b.vProjWeight.data(), 0, vdim);
        }
        wo = kernels.pack(true, e, e, b.outProjWeight.data(), 0, e);
        if (b.bias) {
            float[] ib = b.inProjBias.data();
            bq = Arrays.copyOfRange(ib, 0, e);
            bk = Arrays.copyOfRange(ib, e, e + ekv);
            bv = Arrays.copyOfRange(ib, e + ekv, e + 2 * ekv);
            bo = b.outProjBias.toArray();
        } else {
            bq = bk = bv = bo = null;
        }
        this.kernels = kernels;
        this.splitter = new WorkSplitter(b.executor, b.parallelism);
        this.parallelMinWork = b.parallelMinWork;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** A builder for E = embedDim split into numHeads heads (numHeads must divide embedDim). */
    public static Builder builder(int embedDim, int numHeads) {
        return new Builder(embedDim, numHeads);
    }

    /**
     * Reads the tensors {@code nn.MultiheadAttention.state_dict()} writes, under {@code prefix} (e.g.
     * {@code "attn."}, or {@code ""}): {@code in_proj_weight} or {@code q_proj_weight}/{@code k_proj_weight}/
     * {@code v_proj_weight}, {@code in_proj_bias} (when bias), {@code out_proj.weight}, {@code out_proj.bias}
     * (when bias). E, kdim, vdim, bias — and kvHeads, when k_proj_weight has fewer than E rows — come from
     * the shapes. Runs on {@link Kernels#best()} on the calling thread; see {@link #pyTorchBuilder} to
     * choose kernels or an executor.
     *
     * @throws MalformedFileException   if a tensor is missing or has a shape that does not fit
     * @throws IllegalArgumentException if numHeads does not divide E
     * @throws IOException              if reading fails
     */
    public static MultiHeadAttention fromPyTorch(SafeTensors file, String prefix, int numHeads) throws IOException {
        return pyTorchBuilder(file, prefix, numHeads).build();
    }

    /** As {@link #fromPyTorch}, but returns the filled builder (to set kernels or an executor before building). */
    public static Builder pyTorchBuilder(SafeTensors file, String prefix, int numHeads) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(prefix, "prefix");
        for (String unsupported : new String[]{"bias_k", "bias_v"}) {
            if (file.contains(prefix + unsupported)) {
                throw new MalformedFileException(file + ": " + prefix + unsupported
                        + " present; add_bias_kv is not supported");
            }
        }
        Tensor wo = required(file, prefix + "out_proj.weight");
        if (wo.rank() != 2 || wo.dim(0) != wo.dim(1)) {
            throw new MalformedFileException(file + ": " + prefix + "out_proj.weight must be [E, E] but is "
                    + Arrays.toString(wo.shape()));
        }
        int e = wo.dim(0);
        if (numHeads < 1 || e % numHeads != 0) {
            throw new IllegalArgumentException("numHeads: " + numHeads + " does not divide embedDim " + e
                    + " (from " + prefix + "out_proj.weight " + Arrays.toString(wo.shape()) + ")");
        }
        Builder b = builder(e, numHeads).outProjWeight(wo);
        int headDim = e / numHeads;
        if (file.contains(prefix + "in_proj_weight")) {
            Tensor w = file.tensor(prefix + "in_proj_weight");
            expectShape(file, prefix + "in_proj_weight", w, 3 * e, e);
            b.inProjWeight(w);
        } else {
            Tensor q = required(file, prefix + "q_proj_weight");
            Tensor k = required(file, prefix + "k_proj_weight");
            Tensor v = required(file, prefix + "v_proj_weight");
            expectShape(file, prefix + "q_proj_weight", q, e, e);
            if (k.rank() != 2 || v.rank() != 2 || k.dim(0) != v.dim(0) || k.dim(0) % headDim != 0
                    || k.dim(0) == 0 || numHeads % (k.dim(0) / headDim) != 0) {
                throw new MalformedFileException(file + ": " + prefix + "k_proj_weight " + Arrays.toString(k.shape())
                        + " and v_proj_weight " + Arrays.toString(v.shape()) + " must be [kvHeads·" + headDim
                        + ", kdim] and [kvHeads·" + headDim + ", vdim] with kvHeads dividing " + numHeads);
            }
            b.kvHeads(k.dim(0) / headDim).kdim(k.dim(1)).vdim(v.dim(1)).qProjWeight(q).kProjWeight(k).vProjWeight(v);
        }
        boolean inBias = file.contains(prefix + "in_proj_bias");
        boolean outBias = file.contains(prefix + "out_proj.bias");
        if (inBias != outBias) {
            throw new MalformedFileException(file + ": " + prefix + "in_proj_bias is " + (inBias ? "present" : "absent")
                    + " but " + prefix + "out_proj.bias is " + (outBias ? "present" : "absent"));
        }
        b.bias(inBias);
        if (inBias) {
            Tensor ib = file.tensor(prefix + "in_proj_bias");
            int ekv = b.kvHeads * headDim;
            if (ib.rank() != 1 || ib.dim(0) != e + 2 * ekv) {
                throw new MalformedFileException(file + ": " + prefix + "in_proj_bias must be [" + (e + 2 * ekv)
                        + "] but is " + Arrays.toString(ib.shape()));
            }
            Tensor ob = file.tensor(prefix + "out_proj.bias");
            if (ob.rank() != 1 || ob.dim(0) != e) {
                throw new MalformedFileException(file + ": " + prefix + "out_proj.bias must be [" + e + "] but is "
                        + Arrays.toString(ob.shape()));
            }
            b.inProjBias(ib).outProjBias(ob);
        }
        return b;
    }

    private static Tensor required(SafeTensors file, String name) throws IOException {
        if (!file.contains(name)) {
            throw new MalformedFileException(file + ": no tensor \"" + name + "\" (it has " + file.names() + ")");
        }
        return file.tensor(name);
    }

    private static void expectShape(SafeTensors file, String name, Tensor t, int rows, int cols) throws MalformedFileException {
        if (t.rank() != 2 || t.dim(0) != rows || t.dim(1) != cols) {
            throw new MalformedFileException(file + ": " + name + " must be [" + rows + ", " + cols + "] but is "
                    + Arrays.toString(t.shape()));
        }
    }

    // ---- accessors ----

    public int embedDim() {
        return embedDim;
    }

    public int numHeads() {
        return numHeads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    /** embedDim / numHeads. */
    public int headDim() {
        return headDim;
    }

    public int kdim() {
        return kdim;
    }

    public int vdim() {
        return vdim;
    }

    public boolean hasBias() {
        return bq != null;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The number of threads a call may use (1 without an executor). */
    public int parallelism() {
        return splitter.parallelism();
    }

    // ---- forward ----

    /** Self-attention: {@code forward(x, x, x, mask)} (requires kdim = vdim = E). */
    public Tensor forward(Tensor x, AttentionMask mask) {
        return forward(x, x, x, mask);
    }

    /**
     * The attention output, on the fused kernel (no L×S matrix unless the mask holds one).
     *
     * @param query [B, L, E] or unbatched [L, E]; not modified
     * @param key   [B, S, kdim] (or [S, kdim]); not modified
     * @param value [B, S, vdim] (or [S, vdim]); not modified
     * @param mask  {@link AttentionMask}: boolean/additive [L, S] or [B·h or B, L, S], key padding [B, S]
     *              ([1, S] for unbatched input)
     * @return a new tensor [B, L, E] (or [L, E])
     * @throws IllegalArgumentException naming the argument and the shapes, before any computation
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, AttentionMask mask) {
        Shapes s = check(query, key, value, mask);
        return compute(query, key, value, mask, s, Weights.NONE).output;
    }

    /**
     * The attention output and weights, computed as gemm → scaled softmax → gemm per (batch, head).
     * PyTorch's {@code need_weights=True} with {@code average_attn_weights} = {@code averageOverHeads}.
     *
     * @return the output [B, L, E] and the weights [B, L, S] (averaged) or [B, h, L, S] (per head);
     * without the B dimension for unbatched input
     * @throws IllegalArgumentException as {@link #forward(Tensor, Tensor, Tensor, AttentionMask)}, or when
     *                                  the weights tensor would exceed one Java array
     */
    public Result forwardWithWeights(Tensor query, Tensor key, Tensor value, AttentionMask mask, boolean averageOverHeads) {
        Shapes s = check(query, key, value, mask);
        Attention.checkSize("weights", s.batch, numHeads, s.l, s.s);
        return compute(query, key, value, mask, s, averageOverHeads ? Weights.AVERAGED : Weights.PER_HEAD);
    }

    /** A cache sized for this module: batch sequences of up to capacity tokens. */
    public KvCache newCache(int batch, int capacity) {
        return new KvCache(batch, kvHeads, headDim, capacity);
    }

    /**
     * One incremental step: projects the T new tokens' keys and values into the cache, then attends the
     * L new queries to every cached token, causally aligned to the end: query i sees cached tokens
     * t ≤ n − L + i, where n is the cache length after appending. For self-attention decoding pass the
     * same new tokens as query, key and value (L = T). With L = 1 this runs on the GEMV path
     * (q·Kᵀ over the transposed cached keys on GEMM's direct path → scaled softmax → p·V as a GEMV over the
     * transposed cached values).
     *
     * @param query [B, L, E]; key [B, T, kdim]; value [B, T, vdim], with B = cache.batch()
     * @param cache modified: T tokens appended
     * @return a new tensor [B, L, E]
     * @throws IllegalStateException    if the cache cannot hold T more tokens (nothing is modified)
     * @throws IllegalArgumentException if a shape or the cache's heads/width disagree (nothing is modified)
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, KvCache cache) {
        Objects.requireNonNull(cache, "cache");
        Shapes s = check(query, key, value, AttentionMask.none());
        if (query.rank() != 3) {
            // a cache holds batched sequences; without this the message blamed the cache for an unbatched query
            throw new IllegalArgumentException("query: expected [B, L, " + embedDim + "] (batched) with a KvCache but was "
                    + Arrays.toString(query.shape()));
        }
        if (s.batch != cache.batch() || cache.kvHeads() != kvHeads || cache.headDim() != headDim) {
            throw new IllegalArgumentException("cache: expected batch " + s.batch + ", kvHeads " + kvHeads + ", headDim "
                    + headDim + " for query " + Arrays.toString(query.shape()) + " but was " + cache);
        }
        cache.checkRoom(s.s);
        int b = s.batch;
        int l = s.l;
        int t = s.s;
        int ekv = kvHeads * headDim;
        float[] q = new float[b * l * embedDim];
        float[] kNew = new float[b * t * ekv];
        float[] vNew = new float[b * t * ekv];
        linear(query.data(), b * l, embedDim, wq, bq, embedDim, q);
        linear(key.data(), b * t, kdim, wk, bk, ekv, kNew);
        linear(value.data(), b * t, vdim, wv, bv, ekv, vNew);
        cache.append(kNew, 0, vNew, 0, t);
        int n = cache.length();
        float[] attn = new float[b * l * embedDim];
        int group = numHeads / kvHeads;
        int tiles = (l + QUERY_TILE - 1) / QUERY_TILE;
        int items = b * numHeads * tiles;
        ScoreMask causal = ScoreMask.causal(n - l);
        long work = 2L * b * numHeads * l * n * headDim;
        // the fused kernel reads keys and values row-major; the cache holds them transposed for the decode step
        float[] keysRows = l == 1 ? null : new float[b * kvHeads * n * headDim];
        float[] valuesRows = l == 1 ? null : new float[keysRows.length];
        if (keysRows != null) {
            for (int bb = 0; bb < b; bb++) {
                for (int g = 0; g < kvHeads; g++) {
                    cache.keysRowMajor(bb, g, n, keysRows, (bb * kvHeads + g) * n * headDim);
                    cache.valuesRowMajor(bb, g, n, valuesRows, (bb * kvHeads + g) * n * headDim);
                }
            }
        }
        splitter.run(items, work >= parallelMinWork, item -> {
            int bb = item / (numHeads * tiles);
            int h = (item / tiles) % numHeads;
            int row0 = (item % tiles) * QUERY_TILE;
            int rows = Math.min(QUERY_TILE, l - row0);
            int qOff = (bb * l + row0) * embedDim + h * headDim;
            if (l == 1) {
                // decode: scores = q·Kᵀ (a row vector times the transposed keys: GEMM's streaming direct path),
                // softmax, then out = p·V as one dot product with p per row of the transposed values (GEMV).
                // Each reads its block once, front to back, four rows at a time: four sequential streams, where
                // one stream would not reach the memory's bandwidth. Measured (8 heads × 32,768 tokens × 64):
                // scores 2.6–2.8 ms this way against 5.6–6.5 ms as one dot product per row of K; p·V 1.1–1.4x
                // faster than streaming row-major V past a register-held output row.
                int kv = cache.offset(bb, h / group);
                float[] p = new float[n];
                kernels.gemm(false, false, 1, n, headDim, 1f, q, qOff, headDim, cache.keys, kv, cache.stride,
                        0f, p, 0, n);
                kernels.scaledSoftmax(1, n, scale, p, 0, n, causal);
                kernels.gemv(headDim, n, cache.values, kv, cache.stride, p, 0, attn, qOff);
            } else {
                int kvOff = (bb * kvHeads + h / group) * n * headDim;
                kernels.flashAttention(rows, n, headDim, headDim, scale, q, qOff, embedDim, keysRows, kvOff, headDim,
                        valuesRows, kvOff, headDim, causal.subMask(row0, 0), attn, qOff, embedDim);
            }
        });
        float[] out = new float[b * l * embedDim];
        linear(attn, b * l, embedDim, wo, bo, embedDim, out);
        return Tensor.wrap(out, b, l, embedDim);
    }

    /** Head g of batch bb of x [B, S, kvHeads·headDim] into its block of out [B, kvHeads, S, headDim]. */
    private void headMajor(float[] x, float[] out, int bb, int g, int s) {
        int ekv = kvHeads * headDim;
        int dst = (bb * kvHeads + g) * s * headDim;
        for (int t = 0; t < s; t++) {
            System.arraycopy(x, (bb * s + t) * ekv + g * headDim, out, dst + t * headDim, headDim);
        }
    }

    private enum Weights { NONE, AVERAGED, PER_HEAD }

    /** Checked sizes of one call. */
    private static final class Shapes {
        int batch;
        int l;
        int s;
        boolean unbatched;
    }

    private Shapes check(Tensor query, Tensor key, Tensor value, AttentionMask mask) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(mask, "mask");
        int rank = query.rank();
        if ((rank != 3 && rank != 2) || query.dim(-1) != embedDim) {
            throw new IllegalArgumentException("query: expected [B, L, " + embedDim + "] or [L, " + embedDim + "] but was "
                    + Arrays.toString(query.shape()));
        }
        Shapes s = new Shapes();
        s.unbatched = rank == 2;
        s.batch = rank == 3 ? query.dim(0) : 1;
        s.l = query.dim(-2);
        String lead = rank == 3 ? s.batch + ", " : "";
        if (key.rank() != rank || (rank == 3 && key.dim(0) != s.batch) || key.dim(-1) != kdim) {
            throw new IllegalArgumentException("key: expected [" + lead + "S, " + kdim + "] but was "
                    + Arrays.toString(key.shape()) + " (query is " + Arrays.toString(query.shape()) + ")");
        }
        s.s = key.dim(-2);
        if (value.rank() != rank || (rank == 3 && value.dim(0) != s.batch) || value.dim(-2) != s.s
                || value.dim(-1) != vdim) {
            throw new IllegalArgumentException("value: expected [" + lead + s.s + ", " + vdim + "] but was "
                    + Arrays.toString(value.shape()) + " (key is " + Arrays.toString(key.shape()) + ")");
        }
        mask.check("mask", s.batch, numHeads, s.l, s.s);
        // projections of key/value are [B, S, E_kv], which may exceed the inputs when kdim, vdim < E_kv
        Attention.checkSize("key: projected keys [B, S, kvHeads·headDim]", s.batch, s.s, kvHeads * headDim);
        return s;
    }

    private Result compute(Tensor query, Tensor key, Tensor value, AttentionMask mask, Shapes sh, Weights mode) {
        int b = sh.batch;
        int l = sh.l;
        int s = sh.s;
        int e = embedDim;
        int ekv = kvHeads * headDim;
        boolean fused = mode == Weights.NONE;
        float[][] scratch = intermediates(b * l * e, b * s * ekv, b * s * ekv, b * l * e, fused ? b * s * ekv : 0,
                fused ? b * s * ekv : 0);
        float[] q = scratch[0];
        float[] k = scratch[1];
        float[] v = scratch[2];
        linear(query.data(), b * l, e, wq, bq, e, q);
        linear(key.data(), b * s, kdim, wk, bk, ekv, k);
        linear(value.data(), b * s, vdim, wv, bv, ekv, v);

        float[] attn = scratch[3];
        float[] weights = fused ? null : new float[b * numHeads * l * s];
        // The fused kernel streams all of a head's keys and values once per query tile: give it each head as one
        // contiguous [S, headDim] block (head-major copies) rather than a headDim slice of every E_kv-wide row.
        // Measured (E=512, h=8, N=2048, best of 8 s): forward 244 ms with strided slices, 213-218 ms with copies.
        long work = 2L * b * numHeads * l * s * headDim;
        float[] kh = weights == null ? scratch[4] : null;
        float[] vh = weights == null ? scratch[5] : null;
        if (weights == null) {
            // one item per (K or V, batch, head): copies, so no thread count changes a float
            int blocks = b * kvHeads;
            splitter.run(2 * blocks, work >= parallelMinWork, item -> headMajor(item < blocks ? k : v,
                    item < blocks ? kh : vh, item % blocks / kvHeads, item % kvHeads, s));
        }
        int group = numHeads / kvHeads;
        int tiles = (l + QUERY_TILE - 1) / QUERY_TILE;
        int items = b * numHeads * tiles;
        splitter.run(items, work >= parallelMinWork, item -> {
            int bb = item / (numHeads * tiles);
            int h = (item / tiles) % numHeads;
            int row0 = (item % tiles) * QUERY_TILE;
            int rows = Math.min(QUERY_TILE, l - row0);
            int qOff = (bb * l + row0) * e + h * headDim;
            int kvOff = bb * s * ekv + (h / group) * headDim;
            ScoreMask m = mask.slice(bb, h, b, numHeads, l, s).subMask(row0, 0);
            if (weights == null) {
                int hOff = (bb * kvHeads + h / group) * s * headDim;
                kernels.flashAttention(rows, s, headDim, headDim, scale, q, qOff, e, kh, hOff, headDim, vh, hOff,
                        headDim, m, attn, qOff, e);
            } else {
                int pOff = ((bb * numHeads + h) * l + row0) * s;
                kernels.gemm(false, true, rows, s, headDim, 1f, q, qOff, e, k, kvOff, ekv, 0f, weights, pOff, s);
                kernels.scaledSoftmax(rows, s, scale, weights, pOff, s, m);
                kernels.gemm(false, false, rows, headDim, s, 1f, weights, pOff, s, v, kvOff, ekv, 0f, attn, qOff, e);
            }
        });
        float[] out = new float[b * l * e];
        linear(attn, b * l, e, wo, bo, e, out);
        Tensor output = sh.unbatched ? Tensor.wrap(out, l, e) : Tensor.wrap(out, b, l, e);
        if (mode == Weights.NONE) {
            return new Result(output, null);
        }
        Tensor w;
        if (mode == Weights.PER_HEAD) {
            w = sh.unbatched ? Tensor.wrap(weights, numHeads, l, s) : Tensor.wrap(weights, b, numHeads, l, s);
        } else {
            // mean over heads, summed in head order (as torch's mean(dim=1) over a contiguous dim)
            float[] avg = new float[b * l * s];
            int ls = l * s;
            for (int bb = 0; bb < b; bb++) {
                for (int h = 0; h < numHeads; h++) {
                    int src = (bb * numHeads + h) * ls;
                    int dst = bb * ls;
                    for (int i = 0; i < ls; i++) {
                        avg[dst + i] += weights[src + i];
                    }
                }
            }
            for (int i = 0; i < avg.length; i++) {
                avg[i] /= numHeads;
            }
            w = sh.unbatched ? Tensor.wrap(avg, l, s) : Tensor.wrap(avg, b, l, s);
        }
        return new Result(output, w);
    }

    /**
     * The most floats of intermediate arrays (projected Q, K and V, the head-major K and V, the attention output)
     * a thread keeps for its next forward call: 2^23 (32 MiB), which holds the six arrays of self-attention at
     * E = 512 up to N = 2,730 tokens. Allocating them per
     * call zeroes them on the calling thread first (seven 4 MiB arrays at E = 512, N = 2048: 1.7-2.0 ms here),
     * serial time that a 2-thread forward waits for. They are held through a soft reference, so the collector
     * may take them back under memory pressure.
     */
    static final long INTERMEDIATE_CACHE_FLOATS = 1L << 23;

    /** Per calling thread: the intermediate arrays of its forward calls, by slot (see {@link #intermediates}). */
    private static final ThreadLocal<SoftReference<float[][]>> INTERMEDIATES = new ThreadLocal<>();

    /**
     * This thread's intermediate arrays for a call: slot i at least {@code sizes[i]} floats (it may be longer).
     * The kept slots are reused, grown where needed, when the result stays within {@link
     * #INTERMEDIATE_CACHE_FLOATS} in total (so at most that many floats stay behind); else the call gets fresh
     * slots, kept only if they fit. Each array is used only during the call, by the threads of its steps, and
     * every element read is first written in the same call, so no value carries over; the slots are per thread,
     * so concurrent calls on one instance never share them.
     */
    private static float[][] intermediates(int... sizes) {
        SoftReference<float[][]> ref = INTERMEDIATES.get();
        float[][] kept = ref == null ? null : ref.get();
        long reused = 0;
        long fresh = 0;
        for (int i = 0; i < sizes.length; i++) {
            reused += Math.max(sizes[i], kept == null ? 0 : kept[i].length);
            fresh += sizes[i];
        }
        float[][] slots = kept;
        if (kept == null || reused > INTERMEDIATE_CACHE_FLOATS) {
            slots = new float[sizes.length][0];
            INTERMEDIATES.set(fresh <= INTERMEDIATE_CACHE_FLOATS ? new SoftReference<>(slots) : null);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (slots[i].length < sizes[i]) {
                slots[i] = new float[sizes[i]];
            }
        }
        return slots;
    }

    /** y = x·Wᵀ + b for {@code rows} rows of x [rows, in]; wT is Wᵀ [in, out], packed; y [rows, out] is overwritten. */
    private void linear(float[] x, int rows, int in, Kernels.PackedMatrix wT, float[] bias, int out, float[] y) {
        int panels = (rows + ROW_PANEL - 1) / ROW_PANEL;
        boolean split = (long) rows * in * out >= parallelMinWork;
        // one GEMM over all rows with the weights packed once (Kernels.pack); on several threads its steps go through
        // the splitter. The bias goes in as gemmBias defines it: the floats of the rows of y set to it, then β = 1 (the
        // SIMD GEMM takes it in its tiles' updates instead). The kernels give each element the same floats on any path, so
        // the result does not depend on which runs.
        if (!split || splitter.parallelism() == 1) {
            kernels.gemm(false, rows, 1f, x, 0, in, wT, bias, 0, y, 0, out);
        } else if (!kernels.gemmInSteps(false, rows, 1f, x, 0, in, wT, bias, 0, y, 0, out,
                (count, step) -> splitter.run(count, true, step))) {
            splitter.run(panels, true, p -> {
                int r0 = p * ROW_PANEL;
                kernels.gemm(false, Math.min(ROW_PANEL, rows - r0), 1f, x, r0 * in, in, wT, bias, 0, y, r0 * out, out);
            });
        }
    }

    @Override
    public String toString() {
        return "MultiHeadAttention[embedDim=" + embedDim + ", numHeads=" + numHeads + ", kvHeads=" + kvHeads
                + ", kdim=" + kdim + ", vdim=" + vdim + ", bias=" + hasBias() + ", kernels=" + kernels.name()
                + ", parallelism=" + parallelism() + "]";
    }

    /**
     * Collects the sizes, weights and execution settings; {@link #build} checks them all and copies the
     * weights. Not thread-safe.
     */
    public static final class Builder {
        private final int embedDim;
        private final int numHeads;
        private int kvHeads;
        private int kdim;
        private int vdim;
        private boolean bias = true;
        private Tensor inProjWeight;
        private Tensor inProjBias;
        private Tensor qProjWeight;
        private Tensor kProjWeight;
        private Tensor vProjWeight;
        private Tensor outProjWeight;
        private Tensor outProjBias;
        private Kernels kernels;
        private Executor executor;
        private int parallelism = 1;
        private long parallelMinWork = DEFAULT_PARALLEL_MIN_WORK;

        private Builder(int embedDim, int numHeads) {
            if (embedDim < 1 || numHeads < 1 || embedDim % numHeads != 0) {
                throw new IllegalArgumentException("numHeads: " + numHeads + " must be ≥ 1 and divide embedDim "
                        + embedDim + " (≥ 1)");
            }
            this.embedDim = embedDim;
            this.numHeads = numHeads;
            this.kvHeads = numHeads;
            this.kdim = embedDim;
            this.vdim = embedDim;
        }

        /** Key/value heads for grouped-query (1 &lt; kvHeads &lt; h) or multi-query (kvHeads = 1) attention; default h. */
        public Builder kvHeads(int kvHeads) {
            if (kvHeads < 1 || numHeads % kvHeads != 0) {
                throw new IllegalArgumentException("kvHeads: " + kvHeads + " must be ≥ 1 and divide numHeads " + numHeads);
            }
            this.kvHeads = kvHeads;
            return this;
        }

        /** Width of the key input (default E). */
        public Builder kdim(int kdim) {
            if (kdim < 1) {
                throw new IllegalArgumentException("kdim: must be ≥ 1 but was " + kdim);
            }
            this.kdim = kdim;
            return this;
        }

        /** Width of the value input (default E). */
        public Builder vdim(int vdim) {
            if (vdim < 1) {
                throw new IllegalArgumentException("vdim: must be ≥ 1 but was " + vdim);
            }
            this.vdim = vdim;
            return this;
        }

        /** Whether the projections have biases (default true, as PyTorch). */
        public Builder bias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** PyTorch's {@code in_proj_weight}: [E + 2·E_kv, E], W_q, W_k, W_v stacked (needs kdim = vdim = E). */
        public Builder inProjWeight(Tensor w) {
            this.inProjWeight = Objects.requireNonNull(w, "inProjWeight");
            return this;
        }

        /** PyTorch's {@code in_proj_bias}: [E + 2·E_kv], b_q, b_k, b_v stacked. */
        public Builder inProjBias(Tensor b) {
            this.inProjBias = Objects.requireNonNull(b, "inProjBias");
            return this;
        }

        /** W_q [E, E]. */
        public Builder qProjWeight(Tensor w) {
            this.qProjWeight = Objects.requireNonNull(w, "qProjWeight");
            return this;
        }

        /** W_k [E_kv, kdim]. */
        public Builder kProjWeight(Tensor w) {
            this.kProjWeight = Objects.requireNonNull(w, "kProjWeight");
            return this;
        }

        /** W_v [E_kv, vdim]. */
        public Builder vProjWeight(Tensor w) {
            this.vProjWeight = Objects.requireNonNull(w, "vProjWeight");
            return this;
        }

        /** W_o [E, E] (PyTorch's {@code out_proj.weight}). */
        public Builder outProjWeight(Tensor w) {
            this.outProjWeight = Objects.requireNonNull(w, "outProjWeight");
            return this;
        }

        /** b_o [E] (PyTorch's {@code out_proj.bias}). */
        public Builder outProjBias(Tensor b) {
            this.outProjBias = Objects.requireNonNull(b, "outProjBias");
            return this;
        }

        /** The kernels to run on (default {@link Kernels#best()}). */
        public Builder kernels(Kernels kernels) {
            this.kernels = Objects.requireNonNull(kernels, "kernels");
            return this;
        }

        /**
         * Lets calls use up to {@code parallelism} threads: the calling thread plus tasks on {@code executor}.
         * The executor is not shut down by attn4j. Default: none (calling thread only).
         */
        public Builder executor(Executor executor, int parallelism) {
            Objects.requireNonNull(executor, "executor");
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism: must be ≥ 1 but was " + parallelism);
            }
            this.executor = executor;
            this.parallelism = parallelism;
            return this;
        }

        /**
         * With an executor: a stage (a projection, or the attention) of fewer than {@code minMultiplyAdds}
         * multiply-adds stays on the calling thread. Default 2^23; 0 always
         * splits (useful to test determinism on small inputs). Results do not depend on it.
         */
        public Builder parallelThreshold(long minMultiplyAdds) {
            if (minMultiplyAdds < 0) {
                throw new IllegalArgumentException("minMultiplyAdds: must be ≥ 0 but was " + minMultiplyAdds);
            }
            this.parallelMinWork = minMultiplyAdds;
            return this;
        }

        /**
         * Checks and copies everything.
         *
         * @throws IllegalArgumentException naming a missing, extra or mis-shaped weight
         */
        public MultiHeadAttention build() {
            int e = embedDim;
            int ekv = kvHeads * (e / numHeads);
            if (inProjWeight != null) {
                if (qProjWeight != null || kProjWeight != null || vProjWeight != null) {
                    throw new IllegalArgumentException("inProjWeight: set either inProjWeight or q/k/vProjWeight, not both");
                }
                if (kdim != e || vdim != e) {
                    throw new IllegalArgumentException("inProjWeight: needs kdim = vdim = embedDim " + e + " but kdim = "
                            + kdim + ", vdim = " + vdim + "; use q/k/vProjWeight");
                }
                expect("inProjWeight", inProjWeight, e + 2 * ekv, e);
            } else {
                if (qProjWeight == null || kProjWeight == null || vProjWeight == null) {
                    throw new IllegalArgumentException("weights: set inProjWeight, or all of qProjWeight, kProjWeight, vProjWeight");
                }
                expect("qProjWeight", qProjWeight, e, e);
                expect("kProjWeight", kProjWeight, ekv, kdim);
                expect("vProjWeight", vProjWeight, ekv, vdim);
            }
            if (outProjWeight == null) {
                throw new IllegalArgumentException("outProjWeight: not set");
            }
            expect("outProjWeight", outProjWeight, e, e);
            if (bias) {
                if (inProjBias == null || outProjBias == null) {
                    throw new IllegalArgumentException((inProjBias == null ? "inProjBias" : "outProjBias")
                            + ": not set (or call bias(false))");
                }
                expect("inProjBias", inProjBias, e + 2 * ekv);
                expect("outProjBias", outProjBias, e);
            } else if (inProjBias != null || outProjBias != null) {
                throw new IllegalArgumentException((inProjBias != null ? "inProjBias" : "outProjBias")
                        + ": set but bias(false)");
            }
            return new MultiHeadAttention(this, kernels != null ? kernels : Kernels.best());
        }

        private static void expect(String name, Tensor t, int... shape) {
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(name + ": expected " + Arrays.toString(shape) + " but was "
                        + Arrays.toString(t.shape()));
            }
        }
    }
}
