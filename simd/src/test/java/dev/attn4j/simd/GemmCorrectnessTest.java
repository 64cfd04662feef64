package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Kernels.best().gemm} (the SIMD GEMM) against the float64 reference.
 *
 * <p>Tolerance, per element: {@code |c − c_ref| ≤ γ_r·(|α|·Σ_p|a_ip||b_pj| + |β·c_old|)} with
 * {@code γ_r = r·u/(1 − r·u)}, u = 2⁻²⁴ and r = k + nb + 3, nb = ⌈k/KC⌉ the number of depth blocks. Why:
 * each element is a float FMA chain (one rounding per p, k in all; Higham's bound for recursive summation gives
 * γ_k·Σ|a||b| for the block sums), then one rounding for β·c_old and one FMA per depth block to fold the
 * block into C (nb more), and the reference — exact to ~2⁻⁵³ in float64 — adds one final rounding to float.
 */
class GemmCorrectnessTest {
    private static final double U = 0x1p-24;
    private static final int[] AWKWARD = awkwardSizes();

    @BeforeAll
    static void simdIsActive() {
        assertTrue(Kernels.best().name().startsWith("simd"), "SIMD kernels not active: " + Kernels.best().name());
        assertEquals("simd-" + VectorWidth.SPECIES.vectorBitSize(), Kernels.best().name());
    }

    /** Sizes that sit on tile, vector and block edges, plus primes and 1. */
    private static int[] awkwardSizes() {
        int l = VectorWidth.LANES;
        int[] s = {1, 2, 3, l - 1, l, l + 1, SimdGemm.MR - 1, SimdGemm.MR, SimdGemm.MR + 1, SimdGemm.NR - 1,
            SimdGemm.NR, SimdGemm.NR + 1, 2 * SimdGemm.NR + 1, 13, 31, 61, 97, 127, 131, 257,
            SimdGemm.KC - 1, SimdGemm.KC, SimdGemm.KC + 1, 300};
        return Arrays.stream(s).filter(x -> x >= 1 && x <= 300).distinct().toArray();
    }

    @Test
    void randomShapesEveryTransposeAlphaBetaOffsets() {
        SplittableRandom rnd = new SplittableRandom(20261122);
        float[] alphas = {1f, -0.5f, 2.25f, 0f};
        float[] betas = {0f, 1f, -1.5f, 0.5f};
        int directSeen = 0;
        int packedSeen = 0;
        for (int trial = 0; trial < 400; trial++) {
            int m = pick(rnd);
            int n = pick(rnd);
            int k = pick(rnd);
            if (trial % 5 == 0) {
                m = 1 + rnd.nextInt(2); // decode-like rows: the direct path when B is not transposed
            }
            boolean ta = rnd.nextBoolean();
            boolean tb = rnd.nextBoolean();
            float alpha = alphas[rnd.nextInt(alphas.length)];
            float beta = betas[rnd.nextInt(betas.length)];
            if (SimdGemm.usesDirectPath(tb, m, n, k)) {
                directSeen++;
            } else {
                packedSeen++;
            }
            check(rnd, ta, tb, m, n, k, alpha, beta, rnd.nextInt(6), rnd.nextInt(9), "trial " + trial);
        }
        assertTrue(directSeen > 20 && packedSeen > 200, "paths: direct " + directSeen + ", packed " + packedSeen);
    }

    /**
     * The streaming kernels' species (the direct path's, the GEMV's, the weighted sum's) is the kernels' own, but
     * 256 bits where the kernels' is wider (see VectorWidth.STREAM_SPECIES), and the kernel description says so; the
     * path itself is held to the reference above and, bit for bit, to the packed path in GemmDeterminismTest.
     */
    @Test
    void directPathSpecies() {
        int bits = VectorWidth.SPECIES.vectorBitSize();
        int expected = Math.min(bits, 256);
        assertEquals(expected, VectorWidth.STREAM_SPECIES.vectorBitSize());
        assertEquals(expected, SimdGemm.SD.vectorBitSize());
        assertEquals(expected != bits, SimdGemm.describe().contains("direct path on 256-bit vectors"),
                SimdGemm.describe());
    }

    @Test
    void allTransposesOnLargeAndFringeShapes() {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] shapes = {{1, 1, 1}, {1, 300, 300}, {2, 17, 513}, {3, 5, 7}, {257, 129, 300}, {64, 64, 64},
            {SimdGemm.MR + 1, SimdGemm.NR + 1, SimdGemm.KC + 1}, {300, 1, 300}, {1, 1, 600}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check(rnd, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], 1.5f, -0.75f, 3, 5, Arrays.toString(s));
                check(rnd, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], 1f, 0f, 0, 0, Arrays.toString(s));
            }
        }
    }

    @Test
    void betaZeroOverwritesNaNAndKZeroScales() {
        float[] a = {1, 2, 3, 4, 5, 6};       // 2×3
        float[] b = {1, 0, 0, 1, 1, 1};       // 3×2
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Kernels.best().gemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        // by hand: row 0 = (1+3, 2+3), row 1 = (4+6, 5+6)
        assertArrayEquals(new float[] {4, 5, 10, 11}, c);

        float[] c1 = {Float.NaN, 2f, Float.NaN, 4f};
        Kernels.best().gemm(false, false, 1, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c1, 0, 2);
        assertArrayEquals(new float[] {4, 5, Float.NaN, 4f}, c1); // only row 0 (1×2) written

        float[] c2 = {Float.NaN, 3f, 1f, -2f};
        Kernels.best().gemm(true, true, 2, 2, 0, 1f, a, 0, 2, b, 0, 1, 0f, c2, 0, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0}, c2);
        float[] c3 = {1f, 3f, 1f, -2f};
        Kernels.best().gemm(false, false, 2, 2, 0, 1f, a, 0, 1, b, 0, 2, 2f, c3, 0, 2);
        assertArrayEquals(new float[] {2, 6, 2, -4}, c3);
    }

    @Test
    void zeroSizedDoesNothing() {
        float[] c = {Float.NaN, 7f};
        Kernels.best().gemm(false, false, 0, 2, 3, 1f, new float[0], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
        Kernels.best().gemm(false, true, 1, 0, 3, 1f, new float[3], 0, 3, new float[0], 0, 3, 0f, c, 0, 2);
        assertTrue(Float.isNaN(c[0]));
        assertEquals(7f, c[1]);
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyWrite() {
        float[] c = new float[4];
        Arrays.fill(c, 9f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.best()
                .gemm(false, false, 2, 2, 3, 1f, new float[5], 0, 3, new float[6], 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("a view"), e.getMessage());
        assertArrayEquals(new float[] {9, 9, 9, 9}, c);
    }

    /** The checker must be able to fail: dropping one term of one dot product is caught. */
    @Test
    void toleranceRejectsAMissingTerm() {
        SplittableRandom rnd = new SplittableRandom(3);
        int m = 5;
        int n = 6;
        int k = 200;
        float[] a = randoms(rnd, m * k);
        float[] b = randoms(rnd, k * n);
        float[] c = new float[m * n];
        Kernels.best().gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        c[7] -= a[k + 17] * b[17 * n + 1]; // c_11 without the p = 17 term
        String err = compare(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, new float[m * n], c, 0, n);
        assertTrue(err != null && err.contains("(1, 1)"), String.valueOf(err));
    }

    // ---- helpers ----

    private static int pick(SplittableRandom rnd) {
        return rnd.nextInt(3) == 0 ? AWKWARD[rnd.nextInt(AWKWARD.length)] : 1 + rnd.nextInt(300);
    }

    private static float[] randoms(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    /** Runs one product on the SIMD and reference kernels, with offsets and padded leading dimensions. */
    private static void check(SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k, float alpha,
                              float beta, int off, int pad, String label) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + pad;
        int ldb = bCols + (pad + 1) % 4;
        int ldc = n + pad / 2;
        float[] a = randoms(rnd, off + Math.max(0, aRows - 1) * lda + aCols + 2);
        float[] b = randoms(rnd, off + Math.max(0, bRows - 1) * ldb + bCols + 1);
        float[] c0 = randoms(rnd, off + (m - 1) * ldc + n + 3);
        if (beta == 0f) {
            Arrays.fill(c0, Float.NaN); // must not be read
        }
        float[] c = c0.clone();
        Kernels.best().gemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String err = compare(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c0, c, off, ldc);
        if (err != null) {
            fail(label + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha="
                    + alpha + " beta=" + beta + " off=" + off + " pad=" + pad + ": " + err);
        }
    }

    /** Null if c agrees with the reference within the tolerance of the class comment and nothing outside C moved. */
    private static String compare(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                                  int lda, float[] b, int bOff, int ldb, float beta, float[] c0, float[] c,
                                  int cOff, int ldc) {
        float[] ref = c0.clone();
        Kernels.reference().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, ref, cOff, ldc);
        int blocks = (k + SimdGemm.KC - 1) / SimdGemm.KC;
        double r = k + blocks + 3;
        double gamma = r * U / (1 - r * U);
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - cOff;
            int i = rel >= 0 ? rel / ldc : -1;
            int j = rel >= 0 ? rel % ldc : -1;
            if (i < 0 || i >= m || j >= n) {
                if (Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    return "element " + idx + " outside C changed from " + c0[idx] + " to " + c[idx];
                }
                continue;
            }
            double mag = 0;
            for (int p = 0; p < k; p++) {
                double aip = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                double bpj = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                mag += Math.abs(aip * bpj);
            }
            double bound = gamma * (Math.abs(alpha) * mag + (beta == 0f ? 0 : Math.abs((double) beta * c0[idx])));
            double diff = Math.abs((double) c[idx] - ref[idx]);
            if (!(diff <= bound)) {
                return "c(" + i + ", " + j + ") = " + c[idx] + " but reference " + ref[idx] + ": |diff| " + diff
                        + " > bound " + bound;
            }
        }
        return null;
    }

    private static void assertArrayEquals(float[] expected, float[] actual) {
        assertFalse(expected.length != actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }
}
