package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * Where a 2-thread call's time goes, item by item: {@code java --add-modules=jdk.incubator.vector -cp
 * bench/target/benchmarks.jar dev.attn4j.bench.ParallelTimeline [n] [calls]} runs the fused attention of one head
 * (d = 64, n queries and keys, heads side by side as in {@link ParallelBench}) on {@link Kernels#parallel} with 2
 * threads, after a one-thread call of the same head, {@code calls} times. The parallel kernels hand each work item
 * (a block of query rows) to the SIMD kernel; a wrapper between the two records when each item started and ended and
 * on which thread. It prints the first calls' timelines ({@code C} the calling thread, {@code H} the pool's) and
 * then, over all calls:
 * <ul>
 *   <li>the median one-thread time, two-thread time and their ratio;</li>
 *   <li>how late the helper's first item started after the call began (a parked pool thread's wake-up);</li>
 *   <li>the calls in which one thread ran all items but at most one (the other got no CPU for most of the call);</li>
 *   <li>the longest item against the median item (an item stretched by a thread that lost its CPU mid-item).</li>
 * </ul>
 * The items' work does not depend on the thread, so on two cores that are both there a call takes about half the
 * one-thread time plus the helper's start; the last two lines count the calls where one of the two virtual CPUs was
 * not.
 */
public final class ParallelTimeline {
    private static final int D = 64;
    private static final int HEADS = 8;
    private static final int MAX_ITEMS = 256;

    private ParallelTimeline() {
    }

    /** Delegates to a base set of kernels, recording each fused-attention call's thread, start and end. */
    static final class Recorder extends Kernels {
        private final Kernels base;
        final long[] start = new long[MAX_ITEMS];
        final long[] end = new long[MAX_ITEMS];
        final boolean[] caller = new boolean[MAX_ITEMS];
        private int count;
        private Thread callerThread;

        Recorder(Kernels base) {
            this.base = base;
        }

        synchronized void reset(Thread callerThread) {
            this.callerThread = callerThread;
            count = 0;
        }

        synchronized int count() {
            return Math.min(count, MAX_ITEMS);
        }

        @Override
        public String name() {
            return base.name() + "+timeline";
        }

        @Override
        protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
                              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            base.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override
        protected void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
            base.scaledSoftmax(rows, cols, scale, x, xOff, ldx, mask);
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
        protected void doFlashAttention(int l, int s, int dk, int dv, float scale, float[] q, int qOff, int ldq,
                                        float[] k, int kOff, int ldk, float[] v, int vOff, int ldv, ScoreMask mask,
                                        float[] out, int outOff, int ldo) {
            long t0 = System.nanoTime();
            base.flashAttention(l, s, dk, dv, scale, q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, mask, out, outOff, ldo);
            long t1 = System.nanoTime();
            synchronized (this) {
                if (count < MAX_ITEMS) {
                    start[count] = t0;
                    end[count] = t1;
                    caller[count] = Thread.currentThread() == callerThread;
                }
                count++;
            }
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 101;
        Kernels best = Kernels.best();
        if (!best.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + best.name());
        }
        Random r = new Random(42);
        int ld = HEADS * D;
        float[] q = QuickBench.random(r, n * ld);
        float[] k = QuickBench.random(r, n * ld);
        float[] v = QuickBench.random(r, n * ld);
        float[] o = new float[n * ld];
        Recorder rec = new Recorder(best);
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            Kernels two = rec.parallel(pool, 2);
            Runnable oneThread = () -> best.flashAttention(n, n, D, D, 0.125f, q, 0, ld, k, 0, ld, v, 0, ld,
                    ScoreMask.none(), o, 0, ld);
            Runnable twoThreads = () -> two.flashAttention(n, n, D, D, 0.125f, q, 0, ld, k, 0, ld, v, 0, ld,
                    ScoreMask.none(), o, 0, ld);
            double[] one = new double[calls];
            double[] both = new double[calls];
            double[] helperStart = new double[calls];
            double[] stretch = new double[calls];
            int lopsided = 0;
            int shown = 0;
            // warm-up: until every loop on the way (the head copy, the items, the kernels) runs compiled
            long warm = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warm) {
                oneThread.run();
                twoThreads.run();
            }
            for (int c = 0; c < calls; c++) {
                long s0 = System.nanoTime();
                oneThread.run();
                long s1 = System.nanoTime();
                rec.reset(Thread.currentThread());
                twoThreads.run();
                long s2 = System.nanoTime();
                one[c] = (s1 - s0) / 1e6;
                both[c] = (s2 - s1) / 1e6;
                int items = rec.count();
                int byCaller = 0;
                long firstHelper = Long.MAX_VALUE;
                double[] durations = new double[items];
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "call %3d: %.2f ms:", c, both[c]));
                for (int i = 0; i < items; i++) {
                    durations[i] = (rec.end[i] - rec.start[i]) / 1e6;
                    if (rec.caller[i]) {
                        byCaller++;
                    } else {
                        firstHelper = Math.min(firstHelper, rec.start[i]);
                    }
                    line.append(String.format(Locale.ROOT, " %s %.2f-%.2f", rec.caller[i] ? "C" : "H",
                            (rec.start[i] - s1) / 1e6, (rec.end[i] - s1) / 1e6));
                }
                helperStart[c] = firstHelper == Long.MAX_VALUE ? both[c] : (firstHelper - s1) / 1e6;
                if (items > 2 && (byCaller >= items - 1 || byCaller <= 1)) {
                    lopsided++;
                }
                Arrays.sort(durations);
                stretch[c] = items == 0 ? 1 : durations[items - 1] / durations[items / 2];
                if (shown < 10) {
                    System.out.println(line);
                    shown++;
                }
            }
            double m1 = median(one);
            double m2 = median(both);
            System.out.printf(Locale.ROOT, "%s, N = %d, one head of %d side by side, %d calls: 1 thread %.3f ms, "
                            + "2 threads %.3f ms (medians), ratio %.2f%n", best.name(), n, HEADS, calls, m1, m2, m1 / m2);
            System.out.printf(Locale.ROOT, "helper's first item started %.3f ms into the call (median; max %.3f)%n",
                    median(helperStart), max(helperStart));
            System.out.printf(Locale.ROOT, "calls where one thread ran all items but at most one: %d of %d%n", lopsided,
                    calls);
            System.out.printf(Locale.ROOT, "longest item / median item in a call: median %.2f, max %.2f%n",
                    median(stretch), max(stretch));
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double max(double[] x) {
        return Arrays.stream(x).max().orElse(0);
    }
}
