package dev.attn4j.simd;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIMD gemv against the float64 reference. Each y_j is a float dot product of length d, so
 * |y − y_ref| ≤ γ_{d+1}·Σ_c |A_jc·x_c| with γ_n = n·u/(1 − n·u), u = 2⁻²⁴ (d FMA roundings, the lane sum's
 * at most log₂L + L additions are within the same count for d ≥ L, plus one for rounding the reference).
 */
class GemvTest {
    private static final double U = 0x1p-24;

    @Test
    void matchesReferenceOnAwkwardShapes() {
        Kernels simd = Kernels.best();
        assertEquals("simd-" + SimdKernels.vectorBits(), simd.name());
        SplittableRandom r = new SplittableRandom(9);
        int lanes = SimdKernels.vectorBits() / 32;
        int[] ds = {0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 64, 100, 257};
        int[] ns = {1, 2, 3, 4, 5, 7, 64, 301};
        int checked = 0;
        for (int d : ds) {
            for (int n : ns) {
                int lda = d + r.nextInt(4);
                int aOff = r.nextInt(5);
                float[] a = new float[aOff + n * lda];
                float[] x = new float[d + 2];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextDouble(-1e3, 1e3);
                }
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextDouble(-1, 1);
                }
                float[] y = new float[n + 2];
                Arrays.fill(y, Float.NaN);
                float[] yRef = y.clone();
                simd.gemv(n, d, a, aOff, lda, x, 2, y, 1);
                Kernels.reference().gemv(n, d, a, aOff, lda, x, 2, yRef, 1);
                assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[n + 1]), "wrote outside y");
                double gamma = (d + 1) * U / (1 - (d + 1) * U);
                for (int j = 0; j < n; j++) {
                    double mag = 0;
                    for (int c = 0; c < d; c++) {
                        mag += Math.abs((double) a[aOff + j * lda + c] * x[2 + c]);
                    }
                    double err = Math.abs((double) y[1 + j] - yRef[1 + j]);
                    assertTrue(err <= gamma * mag + Float.MIN_VALUE, "n=" + n + " d=" + d + " j=" + j + ": |err| "
                            + err + " > " + gamma * mag);
                }
                checked++;
            }
        }
        assertEquals(ds.length * ns.length, checked);
    }

    @Test
    void aRowsValueDoesNotDependOnNOrItsPosition() {
        Kernels simd = Kernels.best();
        SplittableRandom r = new SplittableRandom(4);
        int n = 37, d = 67;
        float[] a = new float[n * d];
        float[] x = new float[d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        for (int i = 0; i < d; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        float[] all = new float[n];
        simd.gemv(n, d, a, 0, d, x, 0, all, 0);
        for (int j = 0; j < n; j++) {
            float[] one = new float[1];
            simd.gemv(1, d, a, j * d, d, x, 0, one, 0);
            assertEquals(Float.floatToIntBits(all[j]), Float.floatToIntBits(one[0]), "row " + j);
        }
    }
}
