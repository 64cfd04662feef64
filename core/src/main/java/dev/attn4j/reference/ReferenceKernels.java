package dev.attn4j.reference;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

/**
 * The oracle: textbook loops, float64 accumulation, one rounding to float32 per output element.
 * Kept obviously correct on reading; not fast.
 */
public final class ReferenceKernels extends Kernels {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += aip * bpj;
                }
                int ci = cOff + i * ldc + j;
                double old = beta == 0f ? 0 : (double) beta * c[ci]; // beta = 0: C is not read
                c[ci] = (float) ((double) alpha * sum + old);
            }
        }
    }

    @Override
    protected void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        double[] z = new double[cols];
        for (int i = 0; i < rows; i++) {
            int row = xOff + i * ldx;
            for (int j = 0; j < cols; j++) {
                z[j] = score(mask, i, j, (double) scale * x[row + j]);
            }
            double[] p = softmax(z);
            for (int j = 0; j < cols; j++) {
                x[row + j] = (float) p[j];
            }
        }
    }

    @Override
    protected void doWeightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff, int ldv,
                                 float[] out, int outOff) {
        for (int c = 0; c < d; c++) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += (double) weights[wOff + j] * values[vOff + j * ldv + c];
            }
            out[outOff + c] = (float) sum;
        }
    }

    @Override
    protected void doGemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int c = 0; c < d; c++) {
                sum += (double) a[aOff + j * lda + c] * x[xOff + c];
            }
            y[yOff + j] = (float) sum;
        }
    }

    @Override
    protected void doFlashAttention(int l, int s, int dk, int dv, float scale,
                                    float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                    float[] v, int vOff, int ldv, ScoreMask mask,
                                    float[] out, int outOff, int ldo) {
        double[] z = new double[s];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < s; j++) {
                double dot = 0;
                for (int c = 0; c < dk; c++) {
                    dot += (double) q[qOff + i * ldq + c] * k[kOff + j * ldk + c];
                }
                z[j] = score(mask, i, j, (double) scale * dot);
            }
            double[] p = softmax(z);
            for (int c = 0; c < dv; c++) {
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    sum += p[j] * v[vOff + j * ldv + c];
                }
                out[outOff + i * ldo + c] = (float) sum;
            }
        }
    }

    /** z_ij: -∞ where masked, else the scaled score plus the additive term. */
    private static double score(ScoreMask mask, int i, int j, double scaled) {
        return mask.isMasked(i, j) ? Double.NEGATIVE_INFINITY : scaled + mask.bias(i, j);
    }

    /** Stable softmax of one row in float64; a row that is all -∞ gives all zeros. */
    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double zj : z) {
            max = Math.max(max, zj); // Math.max propagates NaN
        }
        double[] p = new double[z.length];
        if (max == Double.NEGATIVE_INFINITY) {
            return p; // every entry masked: zeros, by definition
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
}
