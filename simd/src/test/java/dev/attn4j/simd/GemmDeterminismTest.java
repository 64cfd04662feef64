package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The determinism contract of {@code Kernels.gemm}: an element of C depends only on its row of op(A), its
 * column of op(B), α, β and its old value. Splitting a product into row and column panels of odd sizes —
 * which moves elements between full tiles, fringe tiles and between the packed and the direct path — must
 * give bitwise the same C as one call.
 */
class GemmDeterminismTest {

    @BeforeAll
    static void simdIsActive() {
        assertTrue(Kernels.best().name().startsWith("simd"), "SIMD kernels not active: " + Kernels.best().name());
    }

    /** {m, n, k, transA, transB}; k beyond KC exercises several depth blocks. */
    private static int[][] shapes() {
        int kc = SimdGemm.KC;
        return new int[][] {
            {37, 53, 300, 0, 0}, {129, 70, 2 * kc + 5, 0, 1}, {61, 41, 64, 1, 0}, {23, 100, kc + 1, 1, 1},
            {300, 9, 17, 0, 0}, {5, 300, 3 * kc, 0, 0}, {64, 64, 64, 0, 1}, {2, 131, 77, 1, 0},
            {20, 96, 300, 0, 0}, {44, 70, kc + 3, 1, 0}, {41, 75, kc + 7, 0, 0}, {35, 66, 300, 1, 1}};
    }

    private static final int[] ROW_PANELS = {1, 3, 5, 7, 1, 2, 11, 13, 8, 12};
    private static final int[] COL_PANELS = {1, 7, 3, 17, 5, 9, 33};

    @Test
    void rowAndColumnPanelsGiveTheSameBitsAsOneCall() {
        SplittableRandom rnd = new SplittableRandom(11);
        boolean directInPanels = false;
        boolean packedWhole = false;
        for (int[] s : shapes()) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            boolean ta = s[3] != 0;
            boolean tb = s[4] != 0;
            for (float beta : new float[] {0f, 0.75f}) {
                Problem p = new Problem(rnd, ta, tb, m, n, k);
                float[] whole = p.c0.clone();
                Kernels.best().gemm(ta, tb, m, n, k, -1.25f, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta, whole,
                        p.cOff, p.ldc);
                packedWhole |= !SimdGemm.usesDirectPath(tb, m, n, k);

                float[] split = p.c0.clone();
                int rowStep = 0;
                for (int i0 = 0; i0 < m; ) {
                    int rows = Math.min(ROW_PANELS[rowStep++ % ROW_PANELS.length], m - i0);
                    directInPanels |= SimdGemm.usesDirectPath(tb, rows, n, k);
                    int colStep = 0;
                    for (int j0 = 0; j0 < n; ) {
                        int cols = Math.min(COL_PANELS[colStep++ % COL_PANELS.length], n - j0);
                        // the panel's rows of op(A) and columns of op(B), as views
                        int aPanel = p.aOff + (ta ? i0 : i0 * p.lda);
                        int bPanel = p.bOff + (tb ? j0 * p.ldb : j0);
                        Kernels.best().gemm(ta, tb, rows, cols, k, -1.25f, p.a, aPanel, p.lda, p.b, bPanel, p.ldb,
                                beta, split, p.cOff + i0 * p.ldc + j0, p.ldc);
                        j0 += cols;
                    }
                    i0 += rows;
                }
                String label = Arrays.toString(s) + " beta=" + beta;
                assertTrue(Arrays.equals(whole, split), label + ": first difference at " + firstDifference(whole, split));
            }
        }
        assertTrue(directInPanels && packedWhole, "both paths must be compared");
        // with the 8×2 and 12×2 row-panel tiles (512 bits), panels of at most L columns take the one-vector fringe
        // kernel; the 6×2 one runs two panels' first vectors together (SIXTEEN_ROW_FRINGE) or its whole tile
        assertEquals(SimdGemm.ROW_PANELS && SimdGemm.MR != 6, SimdGemm.ONE_VECTOR_FRINGE, "one-vector column fringes");
        // with the 12-row tile, row fringes of up to 8 rows (20 = 12 + 8, 44 = 3·12 + 8, panels of 1-8 rows) take
        // the 8×2 kernel
        assertEquals(SimdGemm.MR == 12 && SimdGemm.ROW_PANELS, SimdGemm.EIGHT_ROW_FRINGE, "eight-row fringes");
        // with the 8-row and 6-row tiles, column fringes of at most L columns (70, 75 and 66 columns: 6, 11 and 2
        // past the last whole tile at L = 16, 6, 11 and 2 at L = 8) run two row panels at a time in the whole call,
        // one panel or the strided form in panels
        assertEquals((SimdGemm.MR == 8 || SimdGemm.MR == 6) && SimdGemm.ROW_PANELS, SimdGemm.SIXTEEN_ROW_FRINGE,
                "two-panel fringes");
        // with the row-panel tiles, row fringes of at most 4 rows (300 = 37·8 + 4 and 129 = 16·8 + 1 at MR = 8;
        // 37 = 3·12 + 1 and 61 = 5·12 + 1 at MR = 12; 129 = 21·6 + 3 and 37 = 6·6 + 1 at MR = 6; panels of 1 and 3
        // rows) take the 4×2 kernel
        assertEquals(SimdGemm.ROW_PANELS, SimdGemm.FOUR_ROW_FRINGE, "four-row fringes");
    }

    /** The two paths side by side on the same whole problems (op(B) = B, which the direct path serves). */
    @Test
    void directAndPackedPathsAgreeBitwise() {
        SplittableRandom rnd = new SplittableRandom(5);
        int kc = SimdGemm.KC;
        // narrow C (n·KC within half of L2) streams B past register-held sums: P·V of a decode step (n = 64),
        // with 8-, 4- and 1-vector blocks and a scalar tail (n = 100, 13), over several depth blocks
        int narrow = SimdGemm.L2_HALF_FLOATS / kc;
        int[][] shapes = {{1, 1, 1}, {1, 300, 2 * kc + 3}, {2, 257, 64}, {7, 33, kc}, {13, 5, kc + 1}, {3, 4096, 9},
                {1, 64, 3 * kc + 5}, {2, 100, 2 * kc + 7}, {1, 13, kc - 1}, {1, narrow, kc + 2}, {1, narrow + 1, kc + 2},
                // C wider than one accumulator strip: two strips, the second with a scalar tail
                {2, SimdGemm.DIRECT_STRIP + 37, 70}};
        for (int[] s : shapes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (float beta : new float[] {0f, -2f}) {
                    Problem p = new Problem(rnd, ta, false, s[0], s[1], s[2]);
                    float[] packed = p.c0.clone();
                    float[] direct = p.c0.clone();
                    SimdGemm.gemmPacked(ta, false, s[0], s[1], s[2], 0.5f, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                            beta, packed, p.cOff, p.ldc);
                    SimdGemm.gemmDirect(ta, s[0], s[1], s[2], 0.5f, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta,
                            direct, p.cOff, p.ldc);
                    assertTrue(Arrays.equals(packed, direct), Arrays.toString(s) + " transA=" + ta + " beta=" + beta
                            + ": first difference at " + firstDifference(packed, direct));
                    assertFalse(Arrays.equals(packed, p.c0), "C was not written");
                }
            }
        }
    }

    /** The comparison must be able to fail: one ulp in one element is a difference. */
    @Test
    void comparisonSeesOneUlp() {
        float[] x = {1f, 2f, 3f};
        float[] y = x.clone();
        y[1] = Math.nextUp(y[1]);
        assertFalse(Arrays.equals(x, y));
        assertEquals(1, firstDifference(x, y));
    }

    private static int firstDifference(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Random operands with offsets and padded leading dimensions. */
    private static final class Problem {
        final float[] a;
        final float[] b;
        final float[] c0;
        final int aOff;
        final int bOff;
        final int cOff;
        final int lda;
        final int ldb;
        final int ldc;

        Problem(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k) {
            aOff = rnd.nextInt(5);
            bOff = rnd.nextInt(5);
            cOff = rnd.nextInt(5);
            lda = (ta ? m : k) + rnd.nextInt(4);
            ldb = (tb ? k : n) + rnd.nextInt(4);
            ldc = n + rnd.nextInt(4);
            a = randoms(rnd, aOff + (ta ? k : m) * lda);
            b = randoms(rnd, bOff + (tb ? n : k) * ldb);
            c0 = randoms(rnd, cOff + m * ldc);
        }

        private static float[] randoms(SplittableRandom rnd, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                x[i] = (float) rnd.nextDouble(-1, 1);
            }
            return x;
        }
    }
}
