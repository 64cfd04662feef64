package dev.attn4j.bench;

import dev.attn4j.Kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * Splits bench work over a {@link ForkJoinPool}: GEMM over row panels of C (each panel one
 * {@link Kernels#gemm} call on sub-views, which by the kernels' determinism contract gives the same bits
 * as one call), and independent tasks (heads) one per task. One thread runs everything inline.
 */
public final class Parallel implements AutoCloseable {
    private static final Parallel SERIAL = new Parallel(1, null);

    /** Rows per panel at least this many, so a panel's B traffic is amortised over several rows. */
    static final int MIN_PANEL_ROWS = 16;

    private final int threads;
    private final ForkJoinPool pool;

    private Parallel(int threads, ForkJoinPool pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** Everything on the calling thread. */
    public static Parallel serial() {
        return SERIAL;
    }

    /** A pool of {@code threads} workers; 1 is {@link #serial()}. */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1 but was " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads, new ForkJoinPool(threads));
    }

    public int threads() {
        return threads;
    }

    /**
     * {@link Kernels#gemm} with C split into row panels of about m/threads rows. Arguments as in gemm.
     */
    public void gemmRows(Kernels kernels, boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc) {
        int panels = Math.min(threads, Math.max(1, m / MIN_PANEL_ROWS));
        if (panels <= 1) {
            kernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int step = (m + panels - 1) / panels;
        forEach(panels, p -> {
            int r0 = p * step;
            int rows = Math.min(step, m - r0);
            if (rows <= 0) {
                return;
            }
            // Row r of op(A) starts at a[aOff + r·lda] (A) or is column r of a (Aᵀ, stored k×m).
            int aStart = transA ? aOff + r0 : aOff + r0 * lda;
            kernels.gemm(transA, transB, rows, n, k, alpha, a, aStart, lda, b, bOff, ldb, beta, c, cOff + r0 * ldc, ldc);
        });
    }

    /** Runs {@code body.accept(t)} for t in [0, tasks), in parallel when there is a pool; waits for all. */
    public void forEach(int tasks, IntConsumer body) {
        if (pool == null || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        List<ForkJoinTask<?>> futures = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            int task = t;
            futures.add(pool.submit(() -> body.accept(task)));
        }
        for (ForkJoinTask<?> f : futures) {
            f.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
