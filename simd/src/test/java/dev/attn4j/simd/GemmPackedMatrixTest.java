package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Products with a prepared right-hand matrix ({@code Kernels.pack}): bitwise the floats of {@code gemm} (β = 0) or
 * {@code gemmBias} on the same op(B), on every path of the SIMD GEMM (several depth blocks and column panels, with
 * the last depth block's odd base, short depth, A in place, direct, k = 0), through steps in any order, on parallel
 * kernels, across kernel sets, and unaffected by later changes to the source array.
 */
class GemmPackedMatrixTest {
    @BeforeAll
    static void simdIsActive() {
        assertTrue(Kernels.best().name().startsWith("simd"), "SIMD kernels not active: " + Kernels.best().name());
    }

    /** {m, n, k, transA, transB}. */
    private static int[][] shapes() {
        return new int[][] {
            {37, SimdGemm.NC + 3, SimdGemm.KC + 5, 0, 1}, {45, 61, SimdGemm.KC + 7, 0, 0}, {130, 200, 64, 0, 1},
            {99, 64, 300, 0, 0}, {2, 133, 90, 1, 0}, {1, 40, 7, 0, 1}, {17, 33, 0, 0, 0}, {70, 90, 150, 1, 1},
            {130, 77, 2 * SimdGemm.KC + 3, 0, 0}, {128, 512, 512, 0, 0}};
    }

    @Test
    void sameFloatsAsTheProductOnB() {
        SplittableRandom r = new SplittableRandom(41);
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            Kernels simd = Kernels.best();
            Kernels parallel = simd.parallel(pool, 4);
            for (int[] s : shapes()) {
                GemmProblem p = new GemmProblem(s, r);
                Kernels.PackedMatrix own = simd.pack(p.tb, p.k, p.n, p.b, p.bOff, p.ldb);
                Kernels.PackedMatrix par = parallel.pack(p.tb, p.k, p.n, p.b, p.bOff, p.ldb);
                Kernels.PackedMatrix ref = Kernels.reference().pack(p.tb, p.k, p.n, p.b, p.bOff, p.ldb);
                assertEquals(p.k, own.rows());
                assertEquals(p.n, own.cols());
                for (boolean withBias : new boolean[] {false, true}) {
                    String what = Arrays.toString(s) + (withBias ? " with bias" : "");
                    float[] want = p.plain(simd, withBias);
                    assertArrayEquals(want, p.packed(simd, own, withBias), "simd " + what);
                    assertArrayEquals(want, p.packed(parallel, par, withBias), "parallel " + what);
                    assertArrayEquals(want, p.packed(simd, ref, withBias), "simd with another set's matrix " + what);
                    assertArrayEquals(p.plain(Kernels.reference(), withBias),
                            p.packed(Kernels.reference(), ref, withBias), "reference " + what);
                }
                // a copy: changing b after pack changes nothing
                float[] before = p.packed(simd, own, true);
                Arrays.fill(p.b, 1f);
                assertArrayEquals(before, p.packed(simd, own, true), "pack must copy " + Arrays.toString(s));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void stepsInAnyOrder() {
        SplittableRandom r = new SplittableRandom(43);
        int ran = 0;
        for (int[] s : shapes()) {
            GemmProblem p = new GemmProblem(s, r);
            Kernels simd = Kernels.best();
            Kernels.PackedMatrix pb = simd.pack(p.tb, p.k, p.n, p.b, p.bOff, p.ldb);
            for (boolean withBias : new boolean[] {false, true}) {
                float[] want = p.plain(simd, withBias);
                float[] c = p.c0.clone();
                boolean shared = simd.gemmInSteps(p.ta, p.m, GemmProblem.ALPHA, p.a, p.aOff, p.lda, pb,
                        withBias ? p.bias : null, p.biasOff, c, p.cOff, p.ldc,
                        (count, step) -> GemmProblem.runInOrder(count, step, false, count));
                if (shared) {
                    ran++;
                    assertArrayEquals(want, c, Arrays.toString(s));
                } else {
                    assertArrayEquals(p.c0, c, "no steps, nothing written: " + Arrays.toString(s));
                }
            }
        }
        assertTrue(ran >= 8, "the shared path ran " + ran + " times");
    }

    @Test
    void badArguments() {
        Kernels simd = Kernels.best();
        assertThrows(NullPointerException.class, () -> simd.pack(false, 2, 2, null, 0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> simd.pack(false, 3, 4, new float[11], 0, 4));
        assertTrue(e.getMessage().contains("b"), e.getMessage());
        Kernels.PackedMatrix pb = simd.pack(false, 3, 4, new float[12], 0, 4);
        float[] c = new float[8];
        Arrays.fill(c, 9f);
        assertThrows(IllegalArgumentException.class,
                () -> simd.gemm(false, 2, 1f, new float[5], 0, 3, pb, null, 0, c, 0, 4));
        assertThrows(IllegalArgumentException.class,
                () -> simd.gemm(false, 2, 1f, new float[6], 0, 3, pb, new float[3], 0, c, 0, 4));
        assertThrows(NullPointerException.class,
                () -> simd.gemm(false, 2, 1f, new float[6], 0, 3, null, null, 0, c, 0, 4));
        float[] nine = new float[8];
        Arrays.fill(nine, 9f);
        assertArrayEquals(nine, c, "C untouched on failure");
    }

    /** The prepacked layout itself, called directly (the public path above may fall back to the plain form). */
    @Test
    void prepackedLayoutDirectly() {
        SplittableRandom r = new SplittableRandom(47);
        for (int[] s : shapes()) {
            GemmProblem p = new GemmProblem(s, r);
            if (p.k == 0 || p.tb) {
                continue;
            }
            float[] plain = new float[p.k * p.n];
            for (int q = 0; q < p.k; q++) {
                System.arraycopy(p.b, p.bOff + q * p.ldb, plain, q * p.n, p.n);
            }
            float[] pre = SimdGemm.prepack(plain, p.k, p.n);
            for (boolean withBias : new boolean[] {false, true}) {
                float[] c = p.c0.clone();
                SimdGemm.gemmPrepacked(p.ta, p.m, p.n, p.k, GemmProblem.ALPHA, p.a, p.aOff, p.lda, plain, pre,
                        withBias ? p.bias : null, p.biasOff, c, p.cOff, p.ldc);
                assertArrayEquals(p.plain(Kernels.best(), withBias), c, Arrays.toString(s));
            }
        }
    }
}
