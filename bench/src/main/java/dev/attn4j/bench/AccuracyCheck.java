package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Holds the active kernels to the float64 reference on random inputs of awkward sizes and reports, per kernel,
 * the max absolute error and its ratio to an error bound derived from the operation (ε = 2⁻²⁴):
 * <ul>
 *   <li>gemm, weightedSum (sums of k products): {@code |err| ≤ γ_k·Σ|a||b| + ε|c|}, γ_k = k·ε/(1 − k·ε);</li>
 *   <li>scaledSoftmax: {@code |err_i| ≤ p_i·ε·(8·Z + n + 16)}, Z = max|z| — the rounding of z and of z − max
 *       moves exp's argument by ≤ 3ε·Z and exp by that relatively, the sum of n terms adds n·ε, and 16ε
 *       covers exp's own approximation and the division;</li>
 *   <li>flashAttention: the softmax bound with Z widened by each score's dot-product bound Δ
 *       ({@code 2Δ + ε(8Z + s + 16)} relative on each weight), plus γ_s for the weighted sum over V.</li>
 * </ul>
 * A ratio ≤ 1 is within the bound.
 */
public final class AccuracyCheck {
    static final double EPS = Math.ulp(1.0f) / 2;  // 2^-24

    private AccuracyCheck() {
    }

    /** One kernel's result: what was run, the max |err| and max err/bound. */
    public record Result(String kernel, String shape, double maxAbsError, double maxRatio) {
        public boolean withinBound() {
            return maxRatio <= 1.0;
        }
    }

    static double gamma(int k) {
        return k * EPS / (1 - k * EPS);
    }

    public static List<Result> run(Kernels fast, Kernels ref, long seed) {
        Random r = new Random(seed);
        List<Result> out = new ArrayList<>();
        out.add(gemm(fast, ref, r, false, false, 67, 45, 129));
        out.add(gemm(fast, ref, r, false, true, 37, 131, 64));
        out.add(gemm(fast, ref, r, true, false, 29, 71, 200));
        out.add(softmax(fast, ref, r, 37, 301, 0.125f, ScoreMask.none()));
        out.add(softmax(fast, ref, r, 41, 41, 0.3f, ScoreMask.causal()));
        out.add(weightedSum(fast, ref, r, 1000, 67));
        out.add(flash(fast, ref, r, 33, 257, 64, ScoreMask.none()));
        out.add(flash(fast, ref, r, 65, 65, 24, ScoreMask.causal()));
        return out;
    }

    static Result gemm(Kernels fast, Kernels ref, Random r, boolean ta, boolean tb, int m, int n, int k) {
        float[] a = uniform(r, m * k);
        float[] b = uniform(r, k * n);
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        fast.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
        ref.gemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c2, 0, n);
        double maxErr = 0, maxRatio = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double absSum = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * lda + i] : a[i * lda + p];
                    double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                    absSum += Math.abs(av * bv);
                }
                double err = Math.abs((double) c1[i * n + j] - c2[i * n + j]);
                double bound = gamma(k) * absSum + EPS * Math.abs(c2[i * n + j]) + Double.MIN_NORMAL;
                maxErr = Math.max(maxErr, err);
                maxRatio = Math.max(maxRatio, err / bound);
            }
        }
        String op = "gemm" + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : "");
        return new Result(op, m + "×" + n + "×" + k, maxErr, maxRatio);
    }

    static Result softmax(Kernels fast, Kernels ref, Random r, int rows, int cols, float scale, ScoreMask mask) {
        float[] x = uniform(r, rows * cols);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 8;
        }
        float[] y1 = x.clone();
        float[] y2 = x.clone();
        fast.scaledSoftmax(rows, cols, scale, y1, 0, cols, mask);
        ref.scaledSoftmax(rows, cols, scale, y2, 0, cols, mask);
        double maxErr = 0, maxRatio = 0;
        for (int i = 0; i < rows; i++) {
            double z = 0;
            for (int j = 0; j < cols; j++) {
                z = Math.max(z, Math.abs(scale * x[i * cols + j]));
            }
            for (int j = 0; j < cols; j++) {
                double p = y2[i * cols + j];
                double err = Math.abs((double) y1[i * cols + j] - p);
                double bound = p * EPS * (8 * z + cols + 16) + Double.MIN_NORMAL;
                maxErr = Math.max(maxErr, err);
                maxRatio = Math.max(maxRatio, err / bound);
            }
        }
        return new Result("scaledSoftmax" + (mask.isCausal() ? " causal" : ""), rows + "×" + cols, maxErr, maxRatio);
    }

    static Result weightedSum(Kernels fast, Kernels ref, Random r, int n, int d) {
        float[] w = uniform(r, n);
        float[] v = uniform(r, n * d);
        float[] o1 = new float[d];
        float[] o2 = new float[d];
        fast.weightedSum(n, d, w, 0, v, 0, d, o1, 0);
        ref.weightedSum(n, d, w, 0, v, 0, d, o2, 0);
        double maxErr = 0, maxRatio = 0;
        for (int c = 0; c < d; c++) {
            double absSum = 0;
            for (int j = 0; j < n; j++) {
                absSum += Math.abs((double) w[j] * v[j * d + c]);
            }
            double err = Math.abs((double) o1[c] - o2[c]);
            maxErr = Math.max(maxErr, err);
            maxRatio = Math.max(maxRatio, err / (gamma(n) * absSum + EPS * Math.abs(o2[c]) + Double.MIN_NORMAL));
        }
        return new Result("weightedSum", "n=" + n + ", d=" + d, maxErr, maxRatio);
    }

    static Result flash(Kernels fast, Kernels ref, Random r, int l, int s, int d, ScoreMask mask) {
        float[] q = uniform(r, l * d);
        float[] k = uniform(r, s * d);
        float[] v = uniform(r, s * d);
        float scale = (float) (1 / Math.sqrt(d));
        float[] o1 = new float[l * d];
        float[] o2 = new float[l * d];
        fast.flashAttention(l, s, d, d, scale, q, 0, d, k, 0, d, v, 0, d, mask, o1, 0, d);
        ref.flashAttention(l, s, d, d, scale, q, 0, d, k, 0, d, v, 0, d, mask, o2, 0, d);
        double maxErr = 0, maxRatio = 0;
        double[] p = new double[s];
        for (int i = 0; i < l; i++) {
            // float64 weights and score bounds for row i
            double z = 0, delta = 0, max = Double.NEGATIVE_INFINITY;
            int lim = mask.causalLimit(i, s);
            for (int j = 0; j < lim; j++) {
                double dot = 0, abs = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) q[i * d + c] * k[j * d + c];
                    abs += Math.abs((double) q[i * d + c] * k[j * d + c]);
                }
                p[j] = scale * dot;
                z = Math.max(z, Math.abs(p[j]));
                delta = Math.max(delta, scale * gamma(d) * abs);
                max = Math.max(max, p[j]);
            }
            double sum = 0;
            for (int j = 0; j < lim; j++) {
                p[j] = Math.exp(p[j] - max);
                sum += p[j];
            }
            double rel = 2 * delta + EPS * (8 * z + lim + 16);
            for (int c = 0; c < d; c++) {
                double absMix = 0;
                for (int j = 0; j < lim; j++) {
                    absMix += p[j] / sum * Math.abs(v[j * d + c]);
                }
                double bound = (rel + gamma(Math.max(1, lim))) * absMix + EPS * Math.abs(o2[i * d + c])
                        + Double.MIN_NORMAL;
                double err = Math.abs((double) o1[i * d + c] - o2[i * d + c]);
                maxErr = Math.max(maxErr, err);
                maxRatio = Math.max(maxRatio, err / bound);
            }
        }
        return new Result("flashAttention" + (mask.isCausal() ? " causal" : ""), "l=" + l + ", s=" + s + ", d=" + d,
                maxErr, maxRatio);
    }

    static float[] uniform(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2f * r.nextFloat() - 1f;
        }
        return a;
    }
}
