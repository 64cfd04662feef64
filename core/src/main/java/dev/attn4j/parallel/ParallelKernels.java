package dev.attn4j.parallel;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Kernels that split large calls into independent panels and run them on a caller-supplied executor
 * (see {@link WorkItems}); small calls run on the calling thread.
 *
 * <p><b>Bitwise-identical at any thread count.</b> GEMM runs through the base's {@link Kernels#gemmInSteps}
 * when it has such a path for the problem (the SIMD kernels: op(B) packed once per depth block and shared, blocks of
 * rows of C as parallel steps); otherwise it is split over row panels of C (or column panels when C has few
 * rows), never over k, and relies on the determinism contract of {@link Kernels#gemm}: each element's value
 * does not depend on the panel it is computed in. Fused
 * attention and softmax are split over query rows, whose results do not depend on their neighbours.
 * The weighted sum and the matrix–vector product are memory-bound and short: they run on the calling thread.
 */
public final class ParallelKernels extends Kernels {
    /** Tuning knob for the threshold below (a number of multiply-adds; 0 splits every call), for measuring it. */
    public static final String MIN_MACS_PROPERTY = "attn4j.parallel.minMacs";

    /**
     * Below this many multiply-adds (m·n·k) a call runs on the calling thread. Measured on 2 cores (Zen 3,
     * NN GEMM, 1 thread against {@code parallel(ForkJoinPool(1), 2)}, interleaved medians, every call split):
     * 2^21 (128³) 0.74×, 2^22 0.97×, 2^23 (256²·128) 1.11×, 2^24 (256³) 1.30× — handing work to a parked
     * worker costs tens of µs on this VM, so splitting pays from about 2^23 on.
     */
    static final long MIN_PARALLEL_MACS = Long.getLong(MIN_MACS_PROPERTY, 1L << 23);
    /** Items per thread, so that uneven panels (and a thread that starts late) still balance. */
    static final int ITEMS_PER_THREAD = 4;
    /**
     * GEMM panels per thread, when GEMM is split into panels (the base has no {@link Kernels#gemmInSteps} path
     * for the problem): fewer than {@link #ITEMS_PER_THREAD}, because every panel packs the whole of op(B)
     * again (a row panel needs every column): with 2 threads on 2048³, 8 row panels of 256 ran at 1.3–1.5×
     * one thread and 4 panels of 512 at 1.9–2.0× in the same runs.
     */
    static final int GEMM_ITEMS_PER_THREAD = 2;
    /** Row panels are multiples of this, so every panel keeps whole register tiles of the micro-kernel. */
    static final int ROW_QUANTUM = 16;
    /** Column panels are multiples of this: whole 512-bit vectors times a register tile width. */
    static final int COL_QUANTUM = 64;
    /** Query rows per attention item at least: a Q tile of the fused kernel. */
    static final int QUERY_QUANTUM = 32;

    private final Kernels base;
    private final int parallelism;
    /**
     * Every parallel region of this set runs on one shared team: its helpers stay between regions, within a call
     * (a GEMM's depth blocks) and from one call to the next (a loop over heads or layers), instead of going back
     * to the executor after each and waking up again, 0.1–0.35 ms here; they return LINGER_NANOS after the last
     * region. A call made while another thread's region is in progress runs with a task per region.
     */
    private final WorkItems.Team team;

    private ParallelKernels(Kernels base, Executor executor, int parallelism) {
        this.base = base;
        this.parallelism = parallelism;
        this.team = WorkItems.sharedTeam(executor, parallelism);
    }

    /**
     * Runs one of the base's step-wise products with its steps on this set's team: a product runs one parallel
     * region per depth block and column panel.
     */
    private boolean inSteps(Predicate<Steps> product) {
        return product.test(team::run);
    }

    /** A product of this many multiply-adds stays on the calling thread. */
    private boolean serial(int m, int n, int k) {
        return parallelism == 1 || (long) m * n * Math.max(k, 1) < MIN_PARALLEL_MACS;
    }

    /**
     * Kernels that run {@code base} on up to {@code parallelism} threads: the caller's and
     * {@code parallelism − 1} tasks on {@code executor}. The executor is used, never shut down.
     *
     * @throws IllegalArgumentException if parallelism is below 1 or base is itself parallel
     */
    public static ParallelKernels of(Kernels base, Executor executor, int parallelism) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(executor, "executor");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1 but was " + parallelism);
        }
        if (base instanceof ParallelKernels) {
            throw new IllegalArgumentException("base kernels are already parallel: " + base.name());
        }
        return new ParallelKernels(base, executor, parallelism);
    }

    public Kernels base() {
        return base;
    }

    public int parallelism() {
        return parallelism;
    }

    @Override
    public String name() {
        return base.name() + "-x" + parallelism;
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        if (serial(m, n, k)) {
            base.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (inSteps(steps -> base.gemmInSteps(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
                cOff, ldc, steps))) {
            return;
        }
        int target = parallelism * GEMM_ITEMS_PER_THREAD;
        if (m >= ROW_QUANTUM * parallelism || m >= n) {
            int rows = panel(m, target, ROW_QUANTUM);
            int items = (m + rows - 1) / rows;
            team.run(items, it -> {
                int i0 = it * rows;
                int mi = Math.min(rows, m - i0);
                base.gemm(transA, transB, mi, n, k, alpha, a, aOff + (transA ? i0 : i0 * lda), lda, b, bOff, ldb,
                        beta, c, cOff + i0 * ldc, ldc);
            });
        } else {
            int cols = panel(n, target, COL_QUANTUM);
            int items = (n + cols - 1) / cols;
            team.run(items, it -> {
                int j0 = it * cols;
                int nj = Math.min(cols, n - j0);
                base.gemm(transA, transB, m, nj, k, alpha, a, aOff, lda, b, bOff + (transB ? j0 * ldb : j0), ldb,
                        beta, c, cOff + j0, ldc);
            });
        }
    }

    /**
     * Through the base's {@link Kernels#gemmBiasInSteps} where it has one (each step sets its own rows to the bias);
     * otherwise the default: the rows are set, then this set's {@link #doGemm} with β = 1, the same floats.
     */
    @Override
    protected void doGemmBias(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (serial(m, n, k)) {
            base.gemmBias(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        } else if (!inSteps(steps -> base.gemmBiasInSteps(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                bias, biasOff, c, cOff, ldc, steps))) {
            super.doGemmBias(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        }
    }

    /** The base's own packed form, kept as this set's form: products with it go to the base. */
    @Override
    protected Object doPack(float[] plain, int k, int n) {
        return base.pack(false, k, n, plain, 0, n);
    }

    @Override
    protected void doGemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                PackedMatrix b, Object form, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (form instanceof PackedMatrix) {
            PackedMatrix own = (PackedMatrix) form;
            if (serial(m, n, k)) {
                base.gemm(transA, m, alpha, a, aOff, lda, own, bias, biasOff, c, cOff, ldc);
                return;
            }
            if (inSteps(steps -> base.gemmInSteps(transA, m, alpha, a, aOff, lda, own, bias, biasOff, c, cOff, ldc,
                    steps))) {
                return;
            }
        }
        super.doGemmPacked(transA, m, n, k, alpha, a, aOff, lda, b, form, bias, biasOff, c, cOff, ldc);
    }

    @Override
    protected void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        if (parallelism == 1 || (long) rows * cols < MIN_PARALLEL_MACS / 16) {
            base.scaledSoftmax(rows, cols, scale, x, xOff, ldx, mask);
            return;
        }
        int block = panel(rows, parallelism * ITEMS_PER_THREAD, 1);
        int items = (rows + block - 1) / block;
        team.run(items, it -> {
            int r0 = it * block;
            base.scaledSoftmax(Math.min(block, rows - r0), cols, scale, x, xOff + r0 * ldx, ldx, mask.subMask(r0, 0));
        });
    }

    @Override
    protected void doWeightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff, int ldv,
                                 float[] out, int outOff) {
        base.weightedSum(n, d, weights, wOff, values, vOff, ldv, out, outOff);
    }

    @Override
    protected void doGemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        base.gemv(n, d, a, aOff, lda, x, xOff, y, yOff);
    }

    @Override
    protected void doFlashAttention(int l, int s, int dk, int dv, float scale,
                                    float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                    float[] v, int vOff, int ldv, ScoreMask mask,
                                    float[] out, int outOff, int ldo) {
        long macs = (long) l * s * (dk + dv);
        if (parallelism == 1 || macs < MIN_PARALLEL_MACS || l < 2 * QUERY_QUANTUM) {
            base.flashAttention(l, s, dk, dv, scale, q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, mask, out, outOff, ldo);
            return;
        }
        // K or V rows far apart (heads side by side): a kernel may copy the whole head into contiguous rows first,
        // which every item would repeat; copy them once here instead (the copy changes no float: same values)
        boolean copyK = ldk != dk && dk > 0 && (long) s * dk <= MAX_HEAD_COPY;
        boolean copyV = ldv != dv && dv > 0 && (long) s * dv <= MAX_HEAD_COPY;
        if (copyK || copyV) {
            float[][] buf = HEAD_COPIES.get();
            if (copyK) {
                buf[0] = rows(k, kOff, ldk, s, dk, buf[0]);
                k = buf[0];
                kOff = 0;
                ldk = dk;
            }
            if (copyV) {
                buf[1] = rows(v, vOff, ldv, s, dv, buf[1]);
                v = buf[1];
                vOff = 0;
                ldv = dv;
            }
        }
        flashItems(l, s, dk, dv, scale, q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, mask, out, outOff, ldo);
    }

    /**
     * Heads of up to this many floats (s·d; 4 MiB) are copied into contiguous rows before a parallel fused attention
     * when their rows are spread out. The SIMD kernel copies such a head itself when it is no larger than 2 MiB,
     * once per call: split into 8 query items, on 2 threads, that was 8 copies of K and V instead of one (measured
     * at N = 1024 and 2048, 8 heads of 64: 0.25 and 0.5 MiB each). Between 2 and 4 MiB the kernel would copy each
     * key tile in every pass over the keys instead; copying the head once here is never more copying than that
     * (not measured). The bound also caps what a calling thread keeps: two buffers of at most 4 MiB.
     */
    static final long MAX_HEAD_COPY = 1L << 20;

    /**
     * The calling thread's contiguous copies of K and V, reused: read by the items of its call (on any thread)
     * until the call returns, and written only by the next call on the same thread. Items run the base kernels,
     * never this class's, so no item overwrites a copy in use.
     */
    private static final ThreadLocal<float[][]> HEAD_COPIES = ThreadLocal.withInitial(() -> new float[2][0]);

    /** The rows × width block at off (rows ld apart) into contiguous rows of dst, grown when too small. */
    private static float[] rows(float[] src, int off, int ld, int rows, int width, float[] dst) {
        int len = rows * width;
        float[] d = dst.length >= len ? dst : new float[len];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, off + r * ld, d, r * width, width);
        }
        return d;
    }

    /** The fused attention split over query rows, into items of whole Q tiles. */
    private void flashItems(int l, int s, int dk, int dv, float scale,
                            float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                            float[] v, int vOff, int ldv, ScoreMask mask,
                            float[] out, int outOff, int ldo) {
        int block = panel(l, parallelism * ITEMS_PER_THREAD, QUERY_QUANTUM);
        int items = (l + block - 1) / block;
        team.run(items, it -> {
            int i0 = it * block;
            base.flashAttention(Math.min(block, l - i0), s, dk, dv, scale, q, qOff + i0 * ldq, ldq, k, kOff, ldk,
                    v, vOff, ldv, mask.subMask(i0, 0), out, outOff + i0 * ldo, ldo);
        });
    }

    /** A panel size: about size/target, rounded up to a multiple of quantum, at least quantum. */
    static int panel(int size, int target, int quantum) {
        int p = (size + target - 1) / target;
        p = (p + quantum - 1) / quantum * quantum;
        return Math.max(quantum, p);
    }
}
