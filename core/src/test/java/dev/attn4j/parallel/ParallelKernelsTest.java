package dev.attn4j.parallel;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parallel kernels give bitwise the same floats as one thread, for any thread count and executor. */
class ParallelKernelsTest {
    private static ForkJoinPool pool;
    private static ExecutorService fixed;

    @BeforeAll
    static void start() {
        pool = new ForkJoinPool(16);
        fixed = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        fixed.shutdownNow();
    }

    static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Test
    void gemmIsBitwiseIdenticalAtEveryThreadCount() {
        Random r = new Random(7);
        int[][] shapes = {{300, 257, 129}, {8, 4000, 300}, {1, 8192, 1100}, {3000, 3, 1000}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                float[] c0 = random(r, m * n);
                float[] expected = c0.clone();
                Kernels base = Kernels.scalar();
                base.gemm(ta, tb, m, n, k, 0.75f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.5f, expected, 0, n);
                for (int threads : new int[]{1, 2, 3, 5, 8, 16}) {
                    for (Executor ex : new Executor[]{pool, fixed}) {
                        float[] c = c0.clone();
                        base.parallel(ex, threads).gemm(ta, tb, m, n, k, 0.75f, a, 0, ta ? m : k, b, 0, tb ? k : n,
                                0.5f, c, 0, n);
                        assertTrue(Arrays.equals(expected, c), "shape " + Arrays.toString(s) + " t=" + t
                                + " threads=" + threads + " executor=" + ex.getClass().getSimpleName());
                    }
                }
            }
        }
    }

    @Test
    void attentionAndSoftmaxAreBitwiseIdenticalAtEveryThreadCount() {
        Random r = new Random(11);
        int l = 333, s = 290, d = 40;
        float[] q = random(r, l * d), k = random(r, s * d), v = random(r, s * d);
        for (ScoreMask mask : new ScoreMask[]{ScoreMask.none(), ScoreMask.causal(), ScoreMask.causal(-50)}) {
            float[] expected = new float[l * d];
            Kernels base = Kernels.scalar();
            base.flashAttention(l, s, d, d, 0.3f, q, 0, d, k, 0, d, v, 0, d, mask, expected, 0, d);
            float[] scores = random(r, l * s);
            float[] expectedP = scores.clone();
            base.scaledSoftmax(l, s, 0.3f, expectedP, 0, s, mask);
            for (int threads : new int[]{2, 3, 16}) {
                Kernels par = base.parallel(pool, threads);
                float[] out = new float[l * d];
                par.flashAttention(l, s, d, d, 0.3f, q, 0, d, k, 0, d, v, 0, d, mask, out, 0, d);
                assertArrayEquals(expected, out, mask + " threads=" + threads);
                float[] p = scores.clone();
                par.scaledSoftmax(l, s, 0.3f, p, 0, s, mask);
                assertArrayEquals(expectedP, p, mask + " threads=" + threads);
            }
        }
    }

    @Test
    void aSaturatedExecutorCannotDeadlockTheCall() {
        // An executor that never runs anything: the caller must do all the items itself.
        Executor blackHole = task -> { };
        AtomicInteger runs = new AtomicInteger();
        WorkItems.run(blackHole, 8, 100, i -> runs.incrementAndGet());
        assertEquals(100, runs.get());
        // A rejecting executor, likewise.
        WorkItems.run(task -> {
            throw new java.util.concurrent.RejectedExecutionException("full");
        }, 8, 10, i -> runs.incrementAndGet());
        assertEquals(110, runs.get());
    }

    /**
     * Every item runs exactly once, with more threads than items or fewer, and whether the tasks run at once, late
     * (the caller has then claimed some or all of the items) or never.
     */
    @Test
    void everyItemRunsExactlyOnce() {
        Executor late = task -> fixed.execute(() -> {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        Executor[] executors = {pool, fixed, late, task -> { }};
        for (Executor executor : executors) {
            for (int parallelism = 1; parallelism <= 6; parallelism++) {
                for (int count = 0; count <= 23; count += count < 8 ? 1 : 5) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(count);
                    WorkItems.run(executor, parallelism, count, runs::incrementAndGet);
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, runs.get(i), "item " + i + " of " + count + " on " + parallelism + " threads");
                    }
                }
            }
        }
    }

    @Test
    void itemFailuresReachTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                WorkItems.run(pool, 4, 50, i -> {
                    if (i == 17) {
                        throw new IllegalStateException("item 17");
                    }
                }));
        assertEquals("item 17", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kernels.scalar().parallel(pool, 0));
    }

    /** Calls below the measured threshold stay on the calling thread; calls above it hand items to the executor. */
    @Test
    void onlyCallsAboveTheThresholdUseTheExecutor() {
        java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();
        Executor counting = task -> {
            handed.incrementAndGet();
            pool.execute(task);
        };
        Kernels par = Kernels.scalar().parallel(counting, 2);
        int small = 128;                              // 2^21 multiply-adds: below the threshold
        float[] a = new float[small * small];
        float[] c = new float[small * small];
        par.gemm(false, false, small, small, small, 1f, a, 0, small, a, 0, small, 0f, c, 0, small);
        assertEquals(0, handed.get(), "128³ ran on the calling thread");
        int m = 256, n = 256, k = 256;                // 2^24: above it
        float[] a2 = new float[m * k];
        float[] c2 = new float[m * n];
        par.gemm(false, false, m, n, k, 1f, a2, 0, k, a2, 0, n, 0f, c2, 0, n);
        assertTrue(handed.get() > 0, "256³ was split");
        assertTrue(ParallelKernels.MIN_PARALLEL_MACS > (long) small * small * small
                && ParallelKernels.MIN_PARALLEL_MACS <= (long) m * n * k, "threshold " + ParallelKernels.MIN_PARALLEL_MACS);
    }

    @Test
    void panelsAreWholeQuantaAndCoverTheRange() {
        assertEquals(16, ParallelKernels.panel(10, 8, 16));
        assertEquals(32, ParallelKernels.panel(250, 8, 16));
        assertEquals(128, ParallelKernels.panel(1000, 8, 64));
    }
}
