package dev.attn4j.props;

/**
 * The tests' own float64 oracle: written from the formulas, independent of {@code ReferenceKernels}.
 * Products of two floats are exact in double and sums of at most a few hundred of them lose about
 * k·2^-53 relative, which is 2^-29 of the float32 bounds the tests allow — negligible.
 *
 * <p>Each method also returns the magnitudes the error bounds scale with (Σ|a||b| and the like).
 */
final class Oracle {
    private Oracle() {
    }

    /** Exact values and magnitudes of an m×n result, row-major (index r·n + c). */
    record Result(double[] exact, double[] mag) {
    }

    /** {@code c_ij = α·Σ_p op(A)_ip·op(B)_pj + β·c_ij}; mag = |α|·Σ|a||b| + |β·c_ij|. */
    static Result gemm(GemmCase g, float[] a, float[] b, float[] c) {
        int m = g.m(), n = g.n(), k = g.k();
        double[] exact = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = Mat.at(a, g.la().off(), g.lda(), g.transA(), i, p);
                    double y = Mat.at(b, g.lb().off(), g.ldb(), g.transB(), p, j);
                    sum += x * y;
                    abs += Math.abs(x * y);
                }
                double old = g.beta() == 0f ? 0 : (double) g.beta() * c[g.lc().off() + i * g.ldc() + j];
                exact[i * n + j] = g.alpha() * sum + old;
                mag[i * n + j] = Math.abs(g.alpha()) * abs + Math.abs(old);
            }
        }
        return new Result(exact, mag);
    }

    /**
     * Softmax of one row of z (−∞ = masked) in float64: exp(z_j − max) / Σ exp(z_i − max); a row with
     * no finite entry is all zeros (the documented convention).
     */
    static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double[] p = new double[z.length];
        if (max == Double.NEGATIVE_INFINITY) {
            return p;
        }
        double sum = 0;
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    /** Softmax scores of row i: z_ij = −∞ where masked, else scale·x_ij + bias_ij. */
    static double[] scores(double[] scaled, boolean[] masked, double[] bias) {
        double[] z = new double[scaled.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = masked[j] ? Double.NEGATIVE_INFINITY : scaled[j] + bias[j];
        }
        return z;
    }

    /** {@code out_c = Σ_j w_j·V_jc}; mag = Σ_j |w_j·V_jc|. */
    static Result weightedSum(WeightedSumCase c, float[] w, float[] v) {
        double[] exact = new double[c.d()];
        double[] mag = new double[c.d()];
        for (int col = 0; col < c.d(); col++) {
            for (int j = 0; j < c.n(); j++) {
                double t = (double) w[c.wOff() + j] * v[c.lv().off() + j * c.ldv() + col];
                exact[col] += t;
                mag[col] += Math.abs(t);
            }
        }
        return new Result(exact, mag);
    }
}
