package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code scaledSoftmax} of the SIMD kernels against the float64 reference.
 *
 * <p><b>Error bound</b> (first order in u = 2⁻²⁴; L = lanes). For row i let z_j be the exact score
 * (reference, float64), A_j = |scale·x_j| + |additive_j|, m = max z, d_j = z_j − m, p_j = softmax.
 * <ul>
 *   <li>ẑ_j = fl(fl(scale·x_j) + a_j) has |ẑ_j − z_j| ≤ 2u·A_j; the float max m̂ is one of the ẑ, so
 *       the kernel's d̂_j = fl(ẑ_j − m̂) satisfies |d̂_j − d_j| ≤ 2u(A_j + A_max) + u|d_j|;</li>
 *   <li>exp: at most {@link ExpTest#MAX_ULPS} = 2 ulps, i.e. relative 4u (an ulp is at most 2u
 *       relative); so ê_j = e_j(1 + ρ_j) with ρ_j = 2u(A_j + A_max) + u|d_j| + 4u;</li>
 *   <li>the sum Σê (L-lane partial sums, 2 accumulators, then a lane reduction) adds at most
 *       (n/L + log2 L + 3)u relative, on top of the weighted input error σ = Σ_k p_k ρ_k;</li>
 *   <li>p̂_j = ê_j · fl(1/Σ): 2u; the reference's own rounding to float: u.</li>
 * </ul>
 * So |p̂_j − p_j| ≤ p_j(ρ_j + σ + (n/L + log2 L + 6)u), times 1.01 for second-order terms, plus
 * n·2⁻¹²⁶ absolute for exp results flushed to zero below ln(Float.MIN_NORMAL). Where p_j = 0 (masked,
 * or exp underflow in float64 too) the kernel must give exactly 0.
 */
class SoftmaxTest {
    static final double U = 0x1p-24;
    static final int LANES = VectorWidth.LANES;
    private final Kernels simd = Kernels.best();
    private final Kernels ref = Kernels.reference();
    private double worstRel = 0;

    @Test
    void simdKernelsAreActive() {
        assertTrue(simd.name().startsWith("simd"), simd.name());
    }

    /** Mask kinds shared with the attention tests. */
    static List<String> maskKinds() {
        return List.of("none", "causal0", "causal-2", "causal3", "additive", "blocked", "padding", "combined",
                "allPadded");
    }

    static ScoreMask mask(String kind, int rows, int cols, Random rnd) {
        switch (kind) {
            case "none": return ScoreMask.none();
            case "causal0": return ScoreMask.causal();
            case "causal-2": return ScoreMask.causal(-2);
            case "causal3": return ScoreMask.causal(3);
            case "additive": return ScoreMask.none().withAdditive(additive(rows, cols, rnd), 1, cols);
            case "blocked": return ScoreMask.none().withBlocked(blocked(rows, cols, rnd), 2, cols + 1);
            case "padding": return ScoreMask.none().withKeyPadding(padding(cols, rnd), 1);
            case "combined": return ScoreMask.causal(1).withAdditive(additive(rows, cols, rnd), 1, cols)
                    .withBlocked(blocked(rows, cols, rnd), 2, cols + 1).withKeyPadding(padding(cols, rnd), 1);
            case "allPadded": {
                boolean[] p = new boolean[cols];
                Arrays.fill(p, true);
                return ScoreMask.none().withKeyPadding(p, 0);
            }
            default: throw new IllegalArgumentException(kind);
        }
    }

    private static float[] additive(int rows, int cols, Random rnd) {
        float[] a = new float[1 + rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(10) == 0 ? Float.NEGATIVE_INFINITY : (float) rnd.nextGaussian();
        }
        return a;
    }

    /** 20% blocked, and row 1 (when there is one) blocked entirely. */
    private static boolean[] blocked(int rows, int cols, Random rnd) {
        boolean[] b = new boolean[2 + rows * (cols + 1)];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextInt(5) == 0;
        }
        if (rows > 1) {
            Arrays.fill(b, 2 + (cols + 1), 2 + (cols + 1) + cols, true);
        }
        return b;
    }

    private static boolean[] padding(int cols, Random rnd) {
        boolean[] p = new boolean[1 + cols];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextInt(4) == 0;
        }
        return p;
    }

    @Test
    void matchesReferenceOnShapesMasksAndScales() {
        Random rnd = new Random(42);
        List<Integer> widths = new ArrayList<>();
        for (int c = 1; c <= 3 * LANES + 1; c++) {
            widths.add(c); // every tail length, for one, two and three vectors
        }
        widths.addAll(List.of(63, 64, 65, 100, 1000, 4097));
        float[] scales = {1f, 0.125f, 2.5f, -1f};
        int cases = 0;
        for (int cols : widths) {
            for (String kind : maskKinds()) {
                for (float scale : scales) {
                    int rows = 1 + rnd.nextInt(4);
                    int ldx = cols + rnd.nextInt(3);
                    float[] x = new float[3 + rows * ldx];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (4 * rnd.nextGaussian());
                    }
                    if (rnd.nextBoolean()) {
                        x[3 + rnd.nextInt(cols)] = Float.NEGATIVE_INFINITY; // a -∞ score in row 0
                    }
                    check(rows, cols, scale, x, 3, ldx, mask(kind, rows, cols, rnd));
                    cases++;
                }
            }
        }
        System.out.printf("scaledSoftmax: %d cases, max relative error %.3g (= %.2f u)%n", cases, worstRel,
                worstRel / U);
    }

    @Test
    void largeMagnitudesAndInfinities() {
        Random rnd = new Random(7);
        for (int cols : new int[] {1, 3, LANES, LANES + 5, 77}) {
            float[] x = new float[2 * cols];
            for (int j = 0; j < x.length; j++) {
                x[j] = (rnd.nextBoolean() ? 1e30f : -1e30f) * (1 + rnd.nextFloat());
            }
            check(2, cols, 1f, x.clone(), 0, cols, ScoreMask.none());
            check(2, cols, 1f, x.clone(), 0, cols, ScoreMask.causal());
            // one-hot expected: the max entry gets 1, everything else 0
            float[] y = x.clone();
            simd.scaledSoftmax(1, cols, 1f, y, 0, cols, ScoreMask.none());
            int arg = 0;
            for (int j = 1; j < cols; j++) {
                arg = x[j] > x[arg] ? j : arg;
            }
            for (int j = 0; j < cols; j++) {
                assertEquals(j == arg ? 1f : 0f, y[j], 0f, "one-hot at " + j);
            }
            float[] allNegInf = new float[cols];
            Arrays.fill(allNegInf, Float.NEGATIVE_INFINITY);
            simd.scaledSoftmax(1, cols, 1f, allNegInf, 0, cols, ScoreMask.none());
            for (float v : allNegInf) {
                assertEquals(0f, v, 0f, "a row of -∞ is fully masked: zeros");
            }
        }
    }

    @Test
    void nanPropagatesLikeTheReference() {
        for (int cols : new int[] {1, 5, LANES, 2 * LANES + 3}) {
            for (int at = 0; at < cols; at++) {
                float[] x = new float[cols];
                for (int j = 0; j < cols; j++) {
                    x[j] = j;
                }
                x[at] = Float.NaN;
                float[] y = x.clone();
                simd.scaledSoftmax(1, cols, 1f, y, 0, cols, ScoreMask.none());
                float[] r = x.clone();
                ref.scaledSoftmax(1, cols, 1f, r, 0, cols, ScoreMask.none());
                for (int j = 0; j < cols; j++) {
                    assertEquals(Float.isNaN(r[j]), Float.isNaN(y[j]), "NaN at " + j + ", cols " + cols);
                }
            }
            float[] inf = new float[cols];
            inf[cols - 1] = Float.POSITIVE_INFINITY;
            float[] r = inf.clone();
            ref.scaledSoftmax(1, cols, 1f, r, 0, cols, ScoreMask.none());
            simd.scaledSoftmax(1, cols, 1f, inf, 0, cols, ScoreMask.none());
            for (int j = 0; j < cols; j++) {
                assertEquals(Float.isNaN(r[j]), Float.isNaN(inf[j]), "+∞ row at " + j);
            }
        }
    }

    /**
     * Unmasked rows of whole vectors go through the pipelined path (SimdSoftmax.unmaskedRows); a causal mask that hides nothing
     * sends the same rows through the row-by-row path: the floats must be identical, including rows of
     * -∞ (all masked), NaN, +∞ and huge scores, which make the pipelined path hand the rest back.
     */
    @Test
    void rowBlocksEqualTheRowByRowPathBitwise() {
        Random rnd = new Random(11);
        ScoreMask hidesNothing = ScoreMask.causal(1 << 20);
        for (int vecs = 1; vecs <= 600; vecs = vecs * 2 + 1) {
            int cols = vecs * LANES;
            for (int rows : new int[] {1, 7, 33, 70}) {
                for (int special = -1; special < 4; special++) {
                    int ldx = cols + rnd.nextInt(3);
                    float[] x = new float[rows * ldx + 5];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rnd.nextGaussian() * (special == 3 ? 1e30 : 6));
                    }
                    if (special >= 0 && special < 3) {
                        int row = rnd.nextInt(rows);
                        float v = special == 0 ? Float.NEGATIVE_INFINITY : special == 1 ? Float.NaN : Float.POSITIVE_INFINITY;
                        int count = special == 0 ? cols : 1;
                        for (int j = 0; j < count; j++) {
                            x[2 + row * ldx + (special == 0 ? j : rnd.nextInt(cols))] = v;
                        }
                    }
                    for (float scale : new float[] {0.125f, -0.5f}) {
                        float[] block = x.clone();
                        float[] byRow = x.clone();
                        simd.scaledSoftmax(rows, cols, scale, block, 2, ldx, ScoreMask.none());
                        simd.scaledSoftmax(rows, cols, scale, byRow, 2, ldx, hidesNothing);
                        assertTrue(Arrays.equals(block, byRow), "cols " + cols + ", rows " + rows + ", special "
                                + special + ", scale " + scale);
                    }
                }
            }
        }
    }

    /** Runs both kernels on copies of x and checks every entry against the bound in the class comment. */
    private void check(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        float[] got = x.clone();
        float[] want = x.clone();
        simd.scaledSoftmax(rows, cols, scale, got, xOff, ldx, mask);
        ref.scaledSoftmax(rows, cols, scale, want, xOff, ldx, mask);
        for (int i = 0; i < rows; i++) {
            double[] z = new double[cols];
            double[] a = new double[cols];
            for (int j = 0; j < cols; j++) {
                double sx = (double) scale * x[xOff + i * ldx + j];
                z[j] = mask.isMasked(i, j) ? Double.NEGATIVE_INFINITY : sx + mask.bias(i, j);
                a[j] = Math.abs(sx) + Math.abs(mask.bias(i, j));
            }
            double[] tol = bound(z, a, cols / LANES + log2(LANES) + 6);
            for (int j = 0; j < cols; j++) {
                int idx = xOff + i * ldx + j;
                String where = "row " + i + " col " + j + " of " + rows + "×" + cols + ", scale " + scale + ", " + mask;
                if (Float.isNaN(want[idx])) {
                    assertTrue(Float.isNaN(got[idx]), where + ": want NaN, got " + got[idx]);
                    continue;
                }
                double err = Math.abs(got[idx] - (double) want[idx]);
                assertTrue(err <= tol[j], where + ": got " + got[idx] + ", want " + want[idx] + ", |err| " + err
                        + " > bound " + tol[j]);
                if (want[idx] != 0) {
                    worstRel = Math.max(worstRel, err / want[idx]);
                }
            }
        }
        // untouched outside the view
        for (int t = 0; t < xOff; t++) {
            assertEquals(x[t], got[t], 0f, "written before the view");
        }
    }

    static int log2(int n) {
        return 31 - Integer.numberOfLeadingZeros(n);
    }

    /**
     * The per-entry bound of the class comment: z are the exact scores (-∞ where masked), a_j the
     * magnitude of what was rounded to form z_j, extraU the summation/normalisation terms in units of u.
     */
    static double[] bound(double[] z, double[] a, double extraU) {
        int n = z.length;
        double m = Double.NEGATIVE_INFINITY;
        int arg = -1;
        for (int j = 0; j < n; j++) {
            if (z[j] > m) {
                m = z[j];
                arg = j;
            }
        }
        double[] tol = new double[n];
        if (arg < 0 || Double.isNaN(m)) {
            return tol; // fully masked: exact zeros required
        }
        double sum = 0;
        double[] p = new double[n];
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(z[j] - m);
            sum += p[j];
        }
        double[] rho = new double[n];
        double sigma = 0;
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
            if (p[j] > 0) {
                rho[j] = 2 * U * (a[j] + a[arg]) + U * Math.abs(z[j] - m) + 4 * U;
                sigma += p[j] * rho[j];
            }
        }
        for (int j = 0; j < n; j++) {
            tol[j] = 1.01 * p[j] * (rho[j] + sigma + extraU * U) + n * 0x1p-126;
        }
        return tol;
    }
}
