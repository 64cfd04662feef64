package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Kernels.gemmBias}: bitwise the floats of setting the rows of C to the bias and calling gemm with β = 1, on
 * every path of the SIMD GEMM (packed with several column panels and depth blocks, short depth, A read in place,
 * direct, k = 0), through its steps in any order, on parallel kernels, and on the reference kernels.
 */
class GemmBiasTest {
    @BeforeAll
    static void simdIsActive() {
        assertTrue(Kernels.best().name().startsWith("simd"), "SIMD kernels not active: " + Kernels.best().name());
    }

    /**
     * {m, n, k, transA, transB}: NC + 3 columns (two column panels), KC + 5 depth (two depth blocks), short depth,
     * a narrow C (A in place), m ≤ 2 (direct), k = 0; three of them take the shared path of the steps.
     */
    private static int[][] shapes() {
        return new int[][] {
            {37, SimdGemm.NC + 3, 70, 0, 0}, {45, 61, SimdGemm.KC + 5, 0, 1}, {130, 200, 64, 0, 1},
            {99, 64, 300, 0, 0}, {2, 133, 90, 1, 0}, {1, 40, 7, 0, 0}, {17, 33, 0, 0, 0}, {70, 90, 150, 1, 1},
            {70, SimdGemm.NC + 3, SimdGemm.KC + 5, 0, 1}, {130, 77, 200, 0, 0}};
    }

    @Test
    void sameFloatsAsRowsSetThenGemmWithBetaOne() {
        SplittableRandom r = new SplittableRandom(17);
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            Kernels simd = Kernels.best();
            Kernels parallel = simd.parallel(pool, 4);
            for (int[] s : shapes()) {
                GemmProblem p = new GemmProblem(s, r);
                String what = Arrays.toString(s);
                float[] want = p.filledThenGemm(simd);
                assertArrayEquals(want, p.plain(simd, true), "simd " + what);
                assertArrayEquals(want, p.plain(parallel, true), "parallel " + what);
                assertArrayEquals(p.filledThenGemm(Kernels.reference()), p.plain(Kernels.reference(), true),
                        "reference " + what);
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The SIMD steps, run in reverse and shuffled orders, give the same floats; paths without steps say so. */
    @Test
    void stepsInAnyOrder() {
        SplittableRandom r = new SplittableRandom(29);
        int shared = 0;
        for (int[] s : shapes()) {
            GemmProblem p = new GemmProblem(s, r);
            float[] want = p.filledThenGemm(Kernels.best());
            for (int order = 0; order < 2; order++) {
                boolean reverse = order == 0;
                float[] c = p.c0.clone();
                boolean ran = Kernels.best().gemmBiasInSteps(p.ta, p.tb, p.m, p.n, p.k, GemmProblem.ALPHA, p.a,
                        p.aOff, p.lda, p.b, p.bOff, p.ldb, p.bias, p.biasOff, c, p.cOff, p.ldc,
                        (count, step) -> GemmProblem.runInOrder(count, step, reverse, r.nextLong()));
                if (ran) {
                    shared++;
                    assertArrayEquals(want, c, Arrays.toString(s) + (reverse ? " reversed" : " shuffled"));
                } else {
                    assertArrayEquals(p.c0, c, "no steps, nothing written: " + Arrays.toString(s));
                }
            }
        }
        assertEquals(6, shared, "the shared path ran for " + shared / 2 + " shapes, not 3");
    }

    @Test
    void badArgumentsNameTheBiasAndLeaveCUntouched() {
        Kernels simd = Kernels.best();
        float[] a = new float[12];
        float[] b = new float[12];
        float[] c = new float[12];
        Arrays.fill(c, 9f);
        float[] before = c.clone();
        assertThrows(NullPointerException.class,
                () -> simd.gemmBias(false, false, 3, 4, 3, 1f, a, 0, 3, b, 0, 4, null, 0, c, 0, 4));
        IllegalArgumentException shortBias = assertThrows(IllegalArgumentException.class,
                () -> simd.gemmBias(false, false, 3, 4, 3, 1f, a, 0, 3, b, 0, 4, new float[5], 2, c, 0, 4));
        assertTrue(shortBias.getMessage().contains("bias"), shortBias.getMessage());
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> simd.gemmBias(false, false, 2, 4, 3, 1f, a, 0, 3, b, 0, 4, c, 4, c, 0, 4));
        assertTrue(overlap.getMessage().contains("bias"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> simd.gemmBias(false, false, 3, 4, 3, 1f, a, 0, 3, b, 0, 4, new float[4], -1, c, 0, 4));
        assertArrayEquals(before, c, "C must be untouched on failure");
        // m = 0: nothing to do, but the bias is still checked
        assertThrows(IllegalArgumentException.class,
                () -> simd.gemmBias(false, false, 0, 4, 3, 1f, a, 0, 3, b, 0, 4, new float[3], 0, c, 0, 4));
        simd.gemmBias(false, false, 0, 4, 3, 1f, a, 0, 3, b, 0, 4, new float[4], 0, c, 0, 4);
        assertArrayEquals(before, c);
        assertFalse(Float.isNaN(c[0]));
        assertEquals(9f, c[11]);
    }
}
