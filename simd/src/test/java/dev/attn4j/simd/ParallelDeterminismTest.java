package dev.attn4j.simd;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SIMD kernels keep the determinism contract that parallel splitting relies on: any thread count
 * gives bitwise the same floats as one call on one thread (shapes cross the small-shape and packed GEMM
 * paths, register-tile fringes and vector tails).
 */
class ParallelDeterminismTest {
    private static ForkJoinPool pool;

    @BeforeAll
    static void start() {
        pool = new ForkJoinPool(16);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Test
    void simdGemmAtAnyThreadCount() {
        Kernels simd = Kernels.best();
        assertEquals("simd-" + SimdKernels.vectorBits(), simd.name());
        Random r = new Random(3);
        int[][] shapes = {{513, 300, 77}, {9, 4001, 257}, {1, 16384, 600}, {2000, 5, 1100}, {256, 256, 1024}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                int m = s[0], n = s[1], k = s[2];
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                float[] c0 = random(r, m * n);
                float[] expected = c0.clone();
                simd.gemm(ta, tb, m, n, k, 1.25f, a, 0, ta ? m : k, b, 0, tb ? k : n, -0.5f, expected, 0, n);
                for (int threads : new int[]{2, 3, 7, 16}) {
                    float[] c = c0.clone();
                    simd.parallel(pool, threads).gemm(ta, tb, m, n, k, 1.25f, a, 0, ta ? m : k, b, 0, tb ? k : n,
                            -0.5f, c, 0, n);
                    assertTrue(Arrays.equals(expected, c),
                            "shape " + Arrays.toString(s) + " transA=" + ta + " transB=" + tb + " threads=" + threads);
                }
            }
        }
    }

    /**
     * The shared-packing path with its steps run by four threads at once, each claiming steps from the end of a
     * shared counter, so the first block's op(B) chunks are packed on demand by whichever thread needs one first
     * (and some threads wait for chunks others are packing): the same floats as gemm, for NN and NT.
     */
    @Test
    void gemmInStepsOnFourThreadsAtOnce() {
        Kernels simd = Kernels.best();
        Random r = new Random(10);
        int m = 260, n = 1500, k = 700;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(r, m * k);
                float[] b = random(r, k * n);
                float[] expected = new float[m * n];
                simd.gemm(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, expected, 0, n);
                float[] c = new float[m * n];
                boolean taken = simd.gemmInSteps(false, tb, m, n, k, 1f, a, 0, k, b, 0, tb ? k : n, 0f, c, 0, n,
                        (count, step) -> {
                            AtomicInteger left = new AtomicInteger(count);
                            Runnable drain = () -> {
                                int i;
                                while ((i = left.decrementAndGet()) >= 0) {
                                    step.accept(i);
                                }
                            };
                            List<Future<?>> others = new ArrayList<>();
                            for (int t = 0; t < 3; t++) {
                                others.add(pool.submit(drain));
                            }
                            drain.run();
                            for (Future<?> f : others) {
                                try {
                                    f.get();
                                } catch (Exception e) {
                                    throw new AssertionError(e);
                                }
                            }
                        });
                assertTrue(taken, "the packed problem takes the shared path");
                assertTrue(Arrays.equals(expected, c), "transB=" + tb);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The shared-packing path that parallel GEMM uses: taken for a large packed problem, the same floats as
     * gemm when the steps run in reverse order, and declined (C untouched) for a short-depth problem.
     */
    @Test
    void gemmInStepsIsTheSameInAnyStepOrder() {
        Kernels simd = Kernels.best();
        Random r = new Random(9);
        int m = 300, n = 2100, k = 1100; // several row blocks, two or more column blocks, two or more depth blocks
        for (boolean tb : new boolean[] {false, true}) {
            float[] a = random(r, m * k);
            float[] b = random(r, k * n);
            float[] c0 = random(r, m * n);
            float[] expected = c0.clone();
            simd.gemm(false, tb, m, n, k, 0.75f, a, 0, k, b, 0, tb ? k : n, 2f, expected, 0, n);
            float[] c = c0.clone();
            int[] stepsRun = {0};
            boolean taken = simd.gemmInSteps(false, tb, m, n, k, 0.75f, a, 0, k, b, 0, tb ? k : n, 2f, c, 0, n,
                    (count, step) -> {
                        for (int i = count - 1; i >= 0; i--) {
                            step.accept(i);
                            stepsRun[0]++;
                        }
                    });
            assertTrue(taken, "the packed problem takes the shared path");
            assertTrue(stepsRun[0] > 6, "steps: " + stepsRun[0]);
            assertTrue(Arrays.equals(expected, c), "transB=" + tb);
        }
        // a narrow C with a transposed A is packed, not read in place, so it takes the shared path too
        float[] at = random(r, k * m);
        float[] bn = random(r, k * 64);
        float[] expectedNarrow = new float[m * 64];
        simd.gemm(true, false, m, 64, k, 1f, at, 0, m, bn, 0, 64, 0f, expectedNarrow, 0, 64);
        float[] narrow = new float[m * 64];
        assertTrue(simd.gemmInSteps(true, false, m, 64, k, 1f, at, 0, m, bn, 0, 64, 0f, narrow, 0, 64,
                (count, step) -> {
                    for (int i = count - 1; i >= 0; i--) {
                        step.accept(i);
                    }
                }), "a transposed A with narrow C takes the shared path");
        assertTrue(Arrays.equals(expectedNarrow, narrow), "narrow C, transposed A");
        assertFalse(simd.gemmInSteps(false, false, m, 64, k, 1f, at, 0, k, bn, 0, 64, 0f, narrow, 0, 64,
                (count, step) -> { throw new AssertionError("no step expected"); }), "A read in place is declined");
        float[] a = random(r, 100 * 64);
        float[] b = random(r, 64 * 300);
        float[] c = random(r, 100 * 300);
        float[] before = c.clone();
        assertFalse(simd.gemmInSteps(false, false, 100, 300, 64, 1f, a, 0, 64, b, 0, 300, 0f, c, 0, 300,
                (count, step) -> { throw new AssertionError("no step expected"); }), "short depth is declined");
        assertTrue(Arrays.equals(before, c), "a declined call writes nothing");
    }

    @Test
    void simdAttentionAtAnyThreadCount() {
        Kernels simd = Kernels.best();
        Random r = new Random(5);
        int l = 1000, s = 777, d = 64;
        float[] q = random(r, l * d), k = random(r, s * d), v = random(r, s * d);
        for (ScoreMask mask : new ScoreMask[]{ScoreMask.none(), ScoreMask.causal(), ScoreMask.causal(-100)}) {
            float[] expected = new float[l * d];
            simd.flashAttention(l, s, d, d, 0.125f, q, 0, d, k, 0, d, v, 0, d, mask, expected, 0, d);
            for (int threads : new int[]{2, 5, 16}) {
                float[] out = new float[l * d];
                simd.parallel(pool, threads).flashAttention(l, s, d, d, 0.125f, q, 0, d, k, 0, d, v, 0, d, mask,
                        out, 0, d);
                assertTrue(Arrays.equals(expected, out), mask + " threads=" + threads);
            }
        }
    }
    /**
     * Heads side by side (rows of K and V 3·d apart): the parallel kernels copy each head into contiguous rows once
     * per call and reuse the buffer on the next call; every head must equal one thread's result bitwise.
     */
    @Test
    void simdAttentionOnSpreadHeadsAtAnyThreadCount() {
        Kernels simd = Kernels.best();
        Random r = new Random(6);
        int l = 700, s = 900, d = 64, heads = 3, ld = heads * d;
        float[] q = random(r, l * ld), k = random(r, s * ld), v = random(r, s * ld);
        float[] expected = new float[l * ld];
        for (int h = 0; h < heads; h++) {
            simd.flashAttention(l, s, d, d, 0.125f, q, h * d, ld, k, h * d, ld, v, h * d, ld, ScoreMask.causal(),
                    expected, h * d, ld);
        }
        float[] kBefore = k.clone(), vBefore = v.clone();
        for (int threads : new int[]{2, 5, 16}) {
            Kernels parallel = simd.parallel(pool, threads);
            float[] out = new float[l * ld];
            // heads in reverse order: each call overwrites the previous head's copies
            for (int h = heads - 1; h >= 0; h--) {
                parallel.flashAttention(l, s, d, d, 0.125f, q, h * d, ld, k, h * d, ld, v, h * d, ld,
                        ScoreMask.causal(), out, h * d, ld);
            }
            assertTrue(Arrays.equals(expected, out), "threads=" + threads);
        }
        assertTrue(Arrays.equals(kBefore, k) && Arrays.equals(vBefore, v), "K and V are read only");
    }

    /**
     * MHA's projections with E = 256 (depth and width past the shared-packing limits) run as one GEMM whose steps
     * go through MHA's executor, sharing the packed weights: the output must equal one thread's bitwise.
     */
    @Test
    void mhaWithSharedPackedProjectionsAtAnyThreadCount() {
        Kernels simd = Kernels.best();
        assertTrue(simd.name().startsWith("simd"), simd.name());
        Random r = new Random(13);
        int e = 256, heads = 4, n = 150;
        // the projection shape does take the shared-packing path of the SIMD GEMM
        float[] probeC = new float[n * e];
        assertTrue(simd.gemmInSteps(false, false, n, e, e, 1f, random(r, n * e), 0, e, random(r, e * e), 0, e, 0f,
                probeC, 0, e, (count, step) -> {
                    for (int i = 0; i < count; i++) {
                        step.accept(i);
                    }
                }), "gemmInSteps declined the projection shape");
        dev.attn4j.Tensor w = dev.attn4j.Tensor.wrap(random(r, 3 * e * e), 3 * e, e);
        dev.attn4j.Tensor bias = dev.attn4j.Tensor.wrap(random(r, 3 * e), 3 * e);
        dev.attn4j.Tensor wo = dev.attn4j.Tensor.wrap(random(r, e * e), e, e);
        dev.attn4j.Tensor bo = dev.attn4j.Tensor.wrap(random(r, e), e);
        dev.attn4j.Tensor x = dev.attn4j.Tensor.wrap(random(r, 2 * n * e), 2, n, e);
        float[] expected = dev.attn4j.MultiHeadAttention.builder(e, heads).kernels(simd).inProjWeight(w)
                .inProjBias(bias).outProjWeight(wo).outProjBias(bo).build()
                .forward(x, dev.attn4j.AttentionMask.causal()).data();
        for (int threads : new int[]{2, 3, 8}) {
            float[] out = dev.attn4j.MultiHeadAttention.builder(e, heads).kernels(simd).inProjWeight(w)
                    .inProjBias(bias).outProjWeight(wo).outProjBias(bo).executor(pool, threads).parallelThreshold(0)
                    .build().forward(x, dev.attn4j.AttentionMask.causal()).data();
            assertTrue(Arrays.equals(expected, out), "threads=" + threads);
        }
    }
}
