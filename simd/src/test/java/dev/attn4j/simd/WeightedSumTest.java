package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code weightedSum} against the float64 reference. Each out_c is a chain of n fused multiply-adds,
 * one rounding each, so |out_c − exact| ≤ n·u·Σ_j|w_j·V_jc| (first order; u = 2⁻²⁴); the reference
 * rounds once more (u·|out_c| ≤ u·Σ|w V|). Bound used: 1.01·(n + 1)·u·Σ_j|w_j·V_jc|.
 */
class WeightedSumTest {
    private final Kernels simd = Kernels.best();
    private final Kernels ref = Kernels.reference();

    @Test
    void simdKernelsAreActive() {
        assertTrue(simd.name().startsWith("simd"), simd.name());
    }

    @Test
    void matchesReference() {
        Random rnd = new Random(3);
        int lanes = VectorWidth.LANES;
        double worst = 0;
        int[] ns = {0, 1, 2, 3, 7, 8, 17, 100, 1000};
        for (int n : ns) {
            for (int d = 1; d <= 8 * lanes + 2 * lanes + 3; d += (d < 3 * lanes + 2 ? 1 : 5)) {
                int ldv = d + rnd.nextInt(4);
                int wOff = rnd.nextInt(3);
                int vOff = rnd.nextInt(3);
                float[] w = new float[wOff + n];
                float[] v = new float[vOff + Math.max(0, n - 1) * ldv + d];
                for (int i = 0; i < w.length; i++) {
                    w[i] = rnd.nextFloat();
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rnd.nextGaussian();
                }
                float[] got = new float[d + 2];
                java.util.Arrays.fill(got, Float.NaN); // must be overwritten, even when n = 0
                float[] want = new float[d + 2];
                simd.weightedSum(n, d, w, wOff, v, vOff, ldv, got, 1);
                ref.weightedSum(n, d, w, wOff, v, vOff, ldv, want, 1);
                assertTrue(Float.isNaN(got[0]) && Float.isNaN(got[d + 1]), "wrote outside out");
                for (int c = 0; c < d; c++) {
                    double mag = 0;
                    for (int j = 0; j < n; j++) {
                        mag += Math.abs((double) w[wOff + j] * v[vOff + j * ldv + c]);
                    }
                    double tol = 1.01 * (n + 1) * 0x1p-24 * mag;
                    double err = Math.abs(got[1 + c] - (double) want[1 + c]);
                    assertTrue(err <= tol, "n " + n + " d " + d + " col " + c + ": got " + got[1 + c]
                            + " want " + want[1 + c] + " |err| " + err + " > " + tol);
                    if (n == 0) {
                        assertEquals(0f, got[1 + c], 0f);
                    }
                    if (mag > 0) {
                        worst = Math.max(worst, err / mag);
                    }
                }
            }
        }
        System.out.printf("weightedSum: max |err|/Σ|w·v| = %.3g (= %.2f u)%n", worst, worst / 0x1p-24);
    }
}
