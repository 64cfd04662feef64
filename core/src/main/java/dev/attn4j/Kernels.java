package dev.attn4j;

import java.util.Objects;

/**
 * The one seam between the attention API and the kernels that do the arithmetic.
 *
 * <p>Methods work on {@code float[]} with offsets and leading dimensions (row-major, BLAS-style), so
 * heads, rows and tiles are views, never copies. The public methods are final: they check every
 * argument <em>before</em> any write (so a failed call leaves the caller's output untouched) and
 * then delegate to the implementation's protected {@code do…} method.
 *
 * <p>Implementations:
 * <ul>
 *   <li>{@link #reference()}: textbook loops with float64 accumulation, the oracle for every test;</li>
 *   <li>{@link #scalar()}: portable float32 loops the JIT can auto-vectorize, used when the Vector API is absent;</li>
 *   <li>the SIMD kernels of {@code attn4j-simd}, on the Java Vector API, chosen by {@link #best()}.</li>
 * </ul>
 *
 * <p><b>Determinism contract.</b> In {@link #gemm}, the float result of one element of C depends only on
 * its row of op(A), its column of op(B), α, β and its old value — never on m, n, its position or the
 * other elements. Splitting a product into row or column panels therefore gives bitwise-identical
 * results, which is what the parallel kernels rely on.
 */
public abstract class Kernels {

    /** Creates kernels; subclasses are the implementations named above. */
    protected Kernels() {
    }

    /**
     * These kernels on up to {@code parallelism} threads: the caller's and tasks on {@code executor}
     * (opt-in; nothing here starts threads). Results are bitwise identical to this instance's at any
     * parallelism. See {@link dev.attn4j.parallel.ParallelKernels}.
     */
    public Kernels parallel(java.util.concurrent.Executor executor, int parallelism) {
        return dev.attn4j.parallel.ParallelKernels.of(this, executor, parallelism);
    }

    /** A short name for logs and tests, e.g. {@code "reference"}, {@code "scalar"}, {@code "simd-256"}. */
    public abstract String name();

    /** The kernels chosen for this JVM: SIMD when it can run, else scalar (see the class comment). */
    public static Kernels best() {
        return KernelsProvider.best();
    }

    /** Textbook loops with float64 accumulation: the oracle. */
    public static Kernels reference() {
        return KernelsProvider.reference();
    }

    /** Portable float32 loops, no Vector API. */
    public static Kernels scalar() {
        return KernelsProvider.scalar();
    }

    /**
     * General matrix multiply: {@code C = α·op(A)·op(B) + β·C}, i.e.
     * {@code c_ij = α·Σ_p op(A)_ip·op(B)_pj + β·c_ij}, where op(X) is X or Xᵀ.
     *
     * <p>op(A) is m×k, op(B) is k×n, C is m×n. Element (r, s) of a stored matrix X is
     * {@code x[xOff + r·ldx + s]}; so A is stored m×k (lda ≥ k) when not transposed and k×m (lda ≥ m)
     * when transposed. When β = 0, C is not read (NaN in C is overwritten). When m or n is 0 nothing
     * happens; when k is 0, C = β·C.
     *
     * @param a not modified
     * @param b not modified
     * @param c modified: the m×n block at cOff
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException if a dimension is negative, a view does not fit its array, or C overlaps A or B
     */
    public final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        if (checkGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc)) {
            doGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** Runs {@code step.accept(i)} for every i in [0, count), possibly in parallel, and returns when all are done. */
    @FunctionalInterface
    public interface Steps {
        void run(int count, java.util.function.IntConsumer step);
    }

    /**
     * {@link #gemm} with the kernel set's own independent steps run through {@code steps}, for parallel kernels:
     * the same floats as {@link #gemm}, whatever {@code steps} does (one thread or many, any order). Returns
     * false, having written nothing, when this kernel set has no such path for the problem; the caller then
     * splits the problem itself. The SIMD kernels pack op(B) once per depth block and share it between steps,
     * where splitting C into panels would pack the whole of op(B) once per panel.
     *
     * @throws NullPointerException     as {@link #gemm}, and if steps is null
     * @throws IllegalArgumentException as {@link #gemm}
     */
    public final boolean gemmInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc, Steps steps) {
        Objects.requireNonNull(steps, "steps");
        if (!checkGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc)) {
            return true; // an empty C: nothing to do
        }
        return doGemmInSteps(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, steps);
    }

    /** {@link #gemmInSteps} after its checks (m, n ≥ 1); this default has no such path. */
    protected boolean doGemmInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc, Steps steps) {
        return false;
    }

    /**
     * A linear layer's product with its bias: {@code c_ij = α·Σ_p op(A)_ip·op(B)_pj + bias_j}, i.e. y = x·W + b with
     * x the rows of op(A) and W = op(B). Gives exactly the floats of setting every row of C to
     * {@code bias[biasOff … biasOff+n)} and then calling {@link #gemm} with β = 1; C is not read before. Kernel sets
     * that can set each row of C just before their first block of products on it (while it is in cache) do so
     * instead of making a separate pass. SIMD kernels on Zen 5: (2048 × 512) · (512 × 512) with a bias in 6.0 ms
     * against 6.5 for the pass and gemm with β = 1 (one thread, one run); the multi-head attention forward
     * (E = 512, h = 8, N = 128 … 2048), which uses it for its projections, 1.01–1.03× the speed on one thread and
     * 1.01–1.05× on two (A/B in one JVM, bitwise the same output).
     *
     * @param bias not modified; n floats from biasOff
     * @throws NullPointerException     if an array is null
     * @throws IllegalArgumentException as {@link #gemm}, or if the bias does not fit its array or overlaps C
     */
    public final void gemmBias(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (checkGemmBias(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc)) {
            doGemmBias(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        }
    }

    /**
     * {@link #gemmBias} with the kernel set's own steps run through {@code steps}, as {@link #gemmInSteps} is to
     * {@link #gemm}: the same floats, or false, having written nothing, when this kernel set has no such path.
     *
     * @throws NullPointerException     as {@link #gemmBias}, and if steps is null
     * @throws IllegalArgumentException as {@link #gemmBias}
     */
    public final boolean gemmBiasInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                         float[] bias, int biasOff, float[] c, int cOff, int ldc, Steps steps) {
        Objects.requireNonNull(steps, "steps");
        if (!checkGemmBias(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc)) {
            return true;
        }
        return doGemmBiasInSteps(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, bias, biasOff,
                c, cOff, ldc, steps);
    }

    /** {@link #gemmBias} after its checks (m, n ≥ 1): by default, the rows of C set to the bias, then gemm, β = 1. */
    protected void doGemmBias(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        fillRows(bias, biasOff, m, n, c, cOff, ldc);
        doGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc);
    }

    /** {@link #gemmBiasInSteps} after its checks (m, n ≥ 1); this default has no such path. */
    protected boolean doGemmBiasInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                        float[] bias, int biasOff, float[] c, int cOff, int ldc, Steps steps) {
        return false;
    }

    /** c[cOff + i·ldc + j] = bias[biasOff + j] for i &lt; rows, j &lt; n: the start of {@link #gemmBias}. */
    protected static void fillRows(float[] bias, int biasOff, int rows, int n, float[] c, int cOff, int ldc) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
        }
    }

    /** The checks of {@link #gemmBias}; false when C is empty. */
    private static boolean checkGemmBias(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff,
                                         int lda, float[] b, int bOff, int ldb, float[] bias, int biasOff,
                                         float[] c, int cOff, int ldc) {
        Objects.requireNonNull(bias, "bias");
        boolean work = checkGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        checkView("gemmBias", "bias", bias.length, biasOff, n, 1, n);
        if (work) {
            checkNoOverlap("gemmBias", "c", c, cOff, ldc, m, n, "bias", bias, biasOff, n, 1, n);
        }
        return work;
    }

    /**
     * The right-hand matrix of many products, prepared once (a layer's weights): op(B), k×n, copied at the call of
     * {@link #pack} (later changes to the source array do not reach it) into plain row-major form and, for the
     * kernel set that packed it, into that set's own layout, so that its products skip packing B.
     */
    public static final class PackedMatrix {
        private final Kernels owner;
        private final int k;
        private final int n;
        private final float[] plain;
        private final Object form;

        private PackedMatrix(Kernels owner, int k, int n, float[] plain, Object form) {
            this.owner = owner;
            this.k = k;
            this.n = n;
            this.plain = plain;
            this.form = form;
        }

        /** k, the rows of op(B). */
        public int rows() {
            return k;
        }

        /** n, the columns of op(B). */
        public int cols() {
            return n;
        }
    }

    /**
     * op(B) prepared for {@link #gemm(boolean, int, float, float[], int, int, PackedMatrix, float[], int, float[], int,
     * int)}: B is stored as in {@link #gemm} (k×n with ldb ≥ n, or n×k with ldb ≥ k when transposed).
     *
     * @throws NullPointerException     if b is null
     * @throws IllegalArgumentException if a dimension is negative or the view does not fit b
     */
    public final PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        Objects.requireNonNull(b, "b");
        checkDims("pack", "k", k, "n", n, "k", k);
        checkView("pack", "b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        float[] plain = new float[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                plain[p * n + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
        }
        return new PackedMatrix(this, k, n, plain, k == 0 || n == 0 ? null : doPack(plain, k, n));
    }

    /** This kernel set's own layout of op(B), given as plain row-major k×n (k, n ≥ 1); null (the default): none. */
    protected Object doPack(float[] plain, int k, int n) {
        return null;
    }

    /**
     * {@code c_ij = α·Σ_p op(A)_ip·b_pj (+ bias_j)} with a prepared B: the floats of {@link #gemmBias} (bias not null)
     * or {@link #gemm} with β = 0 (bias null) on op(B) as it was packed. A matrix packed by another kernel set is
     * used in its plain form.
     *
     * @throws NullPointerException     if a, b or c is null
     * @throws IllegalArgumentException as {@link #gemmBias}
     */
    public final void gemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                           float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (checkPacked(transA, m, a, aOff, lda, b, bias, biasOff, c, cOff, ldc)) {
            doGemmPacked(transA, m, b.n, b.k, alpha, a, aOff, lda, b, b.owner == this ? b.form : null, bias, biasOff,
                    c, cOff, ldc);
        }
    }

    /**
     * The product with a prepared B with the kernel set's own steps run through {@code steps}, as
     * {@link #gemmInSteps} is to {@link #gemm}: the same floats, or false, having written nothing, when this kernel
     * set has no such path.
     */
    public final boolean gemmInSteps(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                                     float[] bias, int biasOff, float[] c, int cOff, int ldc, Steps steps) {
        Objects.requireNonNull(steps, "steps");
        if (!checkPacked(transA, m, a, aOff, lda, b, bias, biasOff, c, cOff, ldc)) {
            return true;
        }
        return doGemmPackedInSteps(transA, m, b.n, b.k, alpha, a, aOff, lda, b, b.owner == this ? b.form : null,
                bias, biasOff, c, cOff, ldc, steps);
    }

    /**
     * The product with a prepared B after its checks (m, n ≥ 1); {@code form} is this set's layout from
     * {@link #doPack}, or null. By default, the plain form through gemmBias or gemm.
     */
    protected void doGemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                PackedMatrix b, Object form, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (bias != null) {
            doGemmBias(transA, false, m, n, k, alpha, a, aOff, lda, b.plain, 0, n, bias, biasOff, c, cOff, ldc);
        } else {
            doGemm(transA, false, m, n, k, alpha, a, aOff, lda, b.plain, 0, n, 0f, c, cOff, ldc);
        }
    }

    /** {@link #gemmInSteps(boolean, int, float, float[], int, int, PackedMatrix, float[], int, float[], int, int,
     * Steps)} after its checks; by default, the plain form through the steps of gemmBias or gemm. */
    protected boolean doGemmPackedInSteps(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff,
                                          int lda, PackedMatrix b, Object form, float[] bias, int biasOff,
                                          float[] c, int cOff, int ldc, Steps steps) {
        return bias != null
                ? doGemmBiasInSteps(transA, false, m, n, k, alpha, a, aOff, lda, b.plain, 0, n, bias, biasOff, c,
                        cOff, ldc, steps)
                : doGemmInSteps(transA, false, m, n, k, alpha, a, aOff, lda, b.plain, 0, n, 0f, c, cOff, ldc, steps);
    }

    /** The checks of the products with a prepared B; false when C is empty. */
    private static boolean checkPacked(boolean transA, int m, float[] a, int aOff, int lda, PackedMatrix b,
                                       float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        Objects.requireNonNull(b, "b");
        return bias != null
                ? checkGemmBias(transA, false, m, b.n, b.k, a, aOff, lda, b.plain, 0, b.n, bias, biasOff, c, cOff, ldc)
                : checkGemm(transA, false, m, b.n, b.k, a, aOff, lda, b.plain, 0, b.n, c, cOff, ldc);
    }

    /** The plain row-major op(B) of a packed matrix, for kernel sets that pass it on. */
    protected static float[] plain(PackedMatrix b) {
        return b.plain;
    }

    /** The checks of {@link #gemm}; false when C is empty (nothing to compute). */
    private static boolean checkGemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        checkDims("gemm", "m", m, "n", n, "k", k);
        checkView("gemm", "a", a.length, aOff, lda, transA ? k : m, transA ? m : k);
        checkView("gemm", "b", b.length, bOff, ldb, transB ? n : k, transB ? k : n);
        checkView("gemm", "c", c.length, cOff, ldc, m, n);
        if (m == 0 || n == 0) {
            return false;
        }
        checkNoOverlap("gemm", "c", c, cOff, ldc, m, n, "a", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkNoOverlap("gemm", "c", c, cOff, ldc, m, n, "b", b, bOff, ldb, transB ? n : k, transB ? k : n);
        return true;
    }

    /**
     * Row-wise, in place: {@code x_i ← softmax(z_i)} with {@code z_ij} as defined by {@link ScoreMask}
     * ({@code scale·x_ij + additive_ij}, or -∞ where masked), computed stably by subtracting the row max.
     *
     * <p>A row whose entries are all masked (-∞) becomes <b>all zeros</b>. A NaN among a row's unmasked
     * values makes the row NaN; +∞ follows IEEE arithmetic (+∞ − +∞ = NaN).
     *
     * @param x    modified: rows × cols at xOff with leading dimension ldx
     * @param mask not modified; {@link ScoreMask#none()} for none
     * @throws NullPointerException     if x or mask is null
     * @throws IllegalArgumentException if a dimension is negative, x's view does not fit x, the mask does not
     *                                  cover rows × cols, or the additive mask overlaps x's view in the same array
     */
    public final void scaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mask, "mask");
        checkDims("scaledSoftmax", "rows", rows, "cols", cols, null, 0);
        checkView("scaledSoftmax", "x", x.length, xOff, ldx, rows, cols);
        mask.checkCovers("scaledSoftmax", rows, cols);
        if (rows == 0 || cols == 0) {
            return;
        }
        // in place: rows written early must not be additive-mask values read later
        checkNoOverlap("scaledSoftmax", "x", x, xOff, ldx, rows, cols, "additive mask", mask.additive(),
                mask.additiveOff(), mask.additiveLd(), rows, cols);
        doScaledSoftmax(rows, cols, scale, x, xOff, ldx, mask);
    }

    /**
     * Weighted sum of rows: {@code out_c = Σ_{j<n} w_j·V_jc} for c &lt; d, where
     * {@code V_jc = values[vOff + j·ldv + c]} — one query's softmax weights against a KV cache.
     *
     * @param weights not modified: n entries at wOff
     * @param values  not modified
     * @param out     modified: d entries at outOff (overwritten; zeros when n = 0)
     */
    public final void weightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff, int ldv,
                                  float[] out, int outOff) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(out, "out");
        checkDims("weightedSum", "n", n, "d", d, null, 0);
        checkView("weightedSum", "weights", weights.length, wOff, n, 1, n);
        checkView("weightedSum", "values", values.length, vOff, ldv, n, d);
        checkView("weightedSum", "out", out.length, outOff, d, 1, d);
        if (d == 0) {
            return;
        }
        checkNoOverlap("weightedSum", "out", out, outOff, d, 1, d, "weights", weights, wOff, n, 1, n);
        checkNoOverlap("weightedSum", "out", out, outOff, d, 1, d, "values", values, vOff, ldv, n, d);
        doWeightedSum(n, d, weights, wOff, values, vOff, ldv, out, outOff);
    }

    /**
     * Matrix–vector product over rows: {@code y_j = Σ_{c<d} A_jc·x_c} for j &lt; n, where
     * {@code A_jc = a[aOff + j·lda + c]} — one query's scores against a KV cache (the twin of
     * {@link #weightedSum}). The value of y_j depends only on row j of A and on x (not on n or j).
     *
     * @param a not modified: n×d at aOff with leading dimension lda
     * @param x not modified: d entries at xOff
     * @param y modified: n entries at yOff (overwritten; zeros when d = 0)
     */
    public final void gemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        checkDims("gemv", "n", n, "d", d, null, 0);
        checkView("gemv", "a", a.length, aOff, lda, n, d);
        checkView("gemv", "x", x.length, xOff, d, 1, d);
        checkView("gemv", "y", y.length, yOff, n, 1, n);
        if (n == 0) {
            return;
        }
        checkNoOverlap("gemv", "y", y, yOff, n, 1, n, "a", a, aOff, lda, n, d);
        checkNoOverlap("gemv", "y", y, yOff, n, 1, n, "x", x, xOff, d, 1, d);
        doGemv(n, d, a, aOff, lda, x, xOff, y, yOff);
    }

    /**
     * Fused attention for one head: {@code O = softmax(scale·Q·Kᵀ + mask)·V}, where Q is l×dk, K is s×dk,
     * V is s×dv and O is l×dv (mask semantics as in {@link ScoreMask}; fully masked rows of O are zeros).
     * The fast implementations never build the l×s score matrix (online softmax over key tiles).
     *
     * @param q, k, v not modified
     * @param out     modified: l×dv at outOff with leading dimension ldo
     */
    public final void flashAttention(int l, int s, int dk, int dv, float scale,
                                     float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                     float[] v, int vOff, int ldv, ScoreMask mask,
                                     float[] out, int outOff, int ldo) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(out, "out");
        checkDims("flashAttention", "l", l, "s", s, "dk", dk);
        checkDims("flashAttention", "dv", dv, "dv", dv, null, 0);
        checkView("flashAttention", "q", q.length, qOff, ldq, l, dk);
        checkView("flashAttention", "k", k.length, kOff, ldk, s, dk);
        checkView("flashAttention", "v", v.length, vOff, ldv, s, dv);
        checkView("flashAttention", "out", out.length, outOff, ldo, l, dv);
        mask.checkCovers("flashAttention", l, s);
        if (l == 0 || dv == 0) {
            return;
        }
        checkNoOverlap("flashAttention", "out", out, outOff, ldo, l, dv, "q", q, qOff, ldq, l, dk);
        checkNoOverlap("flashAttention", "out", out, outOff, ldo, l, dv, "k", k, kOff, ldk, s, dk);
        checkNoOverlap("flashAttention", "out", out, outOff, ldo, l, dv, "v", v, vOff, ldv, s, dv);
        checkNoOverlap("flashAttention", "out", out, outOff, ldo, l, dv, "additive mask", mask.additive(),
                mask.additiveOff(), mask.additiveLd(), l, s);
        doFlashAttention(l, s, dk, dv, scale, q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, mask, out, outOff, ldo);
    }

    /** {@link #gemm} after its checks: m, n ≥ 1, k ≥ 0, views valid, C disjoint from A and B. */
    protected abstract void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc);

    /** {@link #scaledSoftmax} after its checks: rows, cols ≥ 1. */
    protected abstract void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx,
                                            ScoreMask mask);

    /** {@link #weightedSum} after its checks: n ≥ 0, d ≥ 1. */
    protected abstract void doWeightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff,
                                          int ldv, float[] out, int outOff);

    /** {@link #gemv} after its checks: n ≥ 1, d ≥ 0. */
    protected abstract void doGemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y,
                                   int yOff);

    /** {@link #flashAttention} after its checks: l, dv ≥ 1; s, dk ≥ 0. */
    protected abstract void doFlashAttention(int l, int s, int dk, int dv, float scale,
                                             float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                             float[] v, int vOff, int ldv, ScoreMask mask,
                                             float[] out, int outOff, int ldo);

    @Override
    public String toString() {
        return "Kernels[" + name() + "]";
    }

    // ---- argument checks, shared by every implementation ----

    private static void checkDims(String op, String n1, int v1, String n2, int v2, String n3, int v3) {
        if (v1 < 0 || v2 < 0 || (n3 != null && v3 < 0)) {
            throw new IllegalArgumentException(op + ": dimensions must be non-negative but " + n1 + "=" + v1
                    + ", " + n2 + "=" + v2 + (n3 == null ? "" : ", " + n3 + "=" + v3));
        }
    }

    /** Checks that a rows×cols view at off with leading dimension ld lies inside an array of the given length. */
    private static void checkView(String op, String name, int length, int off, int ld, int rows, int cols) {
        if (off < 0) {
            throw new IllegalArgumentException(op + ": " + name + " offset " + off + " is negative");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        if (rows > 1 && ld < cols) {
            throw new IllegalArgumentException(op + ": " + name + " leading dimension " + ld
                    + " is smaller than its row length " + cols + " (a [" + rows + ", " + cols + "] view)");
        }
        long end = (long) off + (long) (rows - 1) * ld + cols;
        if (end > length) {
            throw new IllegalArgumentException(op + ": " + name + " view [" + rows + ", " + cols + "] at offset "
                    + off + " with leading dimension " + ld + " needs " + end + " elements but " + name
                    + ".length is " + length);
        }
    }

    /** Rejects an output view whose element span overlaps an input view's span in the same array. */
    private static void checkNoOverlap(String op, String outName, float[] out, int outOff, int ldo, int outRows,
                                       int outCols, String inName, float[] in, int inOff, int ldi, int inRows,
                                       int inCols) {
        if (out != in || inRows == 0 || inCols == 0) {
            return;
        }
        long outEnd = (long) outOff + (long) (outRows - 1) * ldo + outCols;
        long inEnd = (long) inOff + (long) (inRows - 1) * ldi + inCols;
        if (outOff < inEnd && inOff < outEnd) {
            throw new IllegalArgumentException(op + ": output " + outName + " [" + outOff + ", " + outEnd
                    + ") overlaps input " + inName + " [" + inOff + ", " + inEnd + ") in the same array");
        }
    }
}
