package dev.attn4j.scalar;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

/**
 * Portable float32 kernels without the Vector API: the fallback when {@code jdk.incubator.vector} is
 * not enabled. Inner loops are unit-stride multiply-adds over a row (saxpy) that HotSpot's C2
 * auto-vectorizes; the GEMM is blocked so the B panel stays in L2.
 */
public final class ScalarKernels extends Kernels {
    /** Columns of C per block: a 256-float row of C stays in L1 while the k loop runs over it. */
    private static final int NB = 256;
    /** Depth per block: a KB×NB panel of B is 128 KiB, inside L2 on every current x86 and ARM core. */
    private static final int KB = 128;

    /** Per-thread scratch for op(B) when B is transposed; grows, never shrinks (bounded by the largest KB×NB). */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[KB * NB]);

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        // C = beta*C first (beta = 0 writes zeros without reading C).
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
        float[] panel = PANEL.get();
        for (int j0 = 0; j0 < n; j0 += NB) {
            int nb = Math.min(NB, n - j0);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int kb = Math.min(KB, k - p0);
                // The k-block of op(B) as rows of length nb: either B itself or a transposed copy.
                float[] bp;
                int bpOff;
                int bpLd;
                if (transB) {
                    for (int p = 0; p < kb; p++) {
                        for (int j = 0; j < nb; j++) {
                            panel[p * nb + j] = b[bOff + (j0 + j) * ldb + p0 + p];
                        }
                    }
                    bp = panel;
                    bpOff = 0;
                    bpLd = nb;
                } else {
                    bp = b;
                    bpOff = bOff + p0 * ldb + j0;
                    bpLd = ldb;
                }
                for (int i = 0; i < m; i++) {
                    int crow = cOff + i * ldc + j0;
                    for (int p = 0; p < kb; p++) {
                        float aip = alpha * (transA ? a[aOff + (p0 + p) * lda + i] : a[aOff + i * lda + p0 + p]);
                        int brow = bpOff + p * bpLd;
                        for (int j = 0; j < nb; j++) {
                            c[crow + j] += aip * bp[brow + j];
                        }
                    }
                }
            }
        }
    }

    @Override
    protected void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        for (int i = 0; i < rows; i++) {
            softmaxRow(x, xOff + i * ldx, cols, scale, mask, i);
        }
    }

    /** In place, one row: z = scale·x + mask, then exp(z − max) / Σ; all-masked → zeros. */
    private static void softmaxRow(float[] x, int row, int cols, float scale, ScoreMask mask, int i) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            float z = mask.isMasked(i, j) ? Float.NEGATIVE_INFINITY : scale * x[row + j] + mask.bias(i, j);
            x[row + j] = z;
            max = Math.max(max, z);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            for (int j = 0; j < cols; j++) {
                x[row + j] = 0f;
            }
            return;
        }
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            float e = (float) Math.exp(x[row + j] - max);
            x[row + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < cols; j++) {
            x[row + j] *= inv;
        }
    }

    @Override
    protected void doWeightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff, int ldv,
                                 float[] out, int outOff) {
        for (int c = 0; c < d; c++) {
            out[outOff + c] = 0f;
        }
        for (int j = 0; j < n; j++) {
            float w = weights[wOff + j];
            int row = vOff + j * ldv;
            for (int c = 0; c < d; c++) {
                out[outOff + c] += w * values[row + c];
            }
        }
    }

    @Override
    protected void doGemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        for (int j = 0; j < n; j++) {
            int row = aOff + j * lda;
            float sum = 0f;
            for (int c = 0; c < d; c++) {
                sum += a[row + c] * x[xOff + c];
            }
            y[yOff + j] = sum;
        }
    }

    @Override
    protected void doFlashAttention(int l, int s, int dk, int dv, float scale,
                                    float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                    float[] v, int vOff, int ldv, ScoreMask mask,
                                    float[] out, int outOff, int ldo) {
        // One query row at a time: O(s) scratch, never the l×s matrix.
        float[] p = new float[Math.max(1, s)];
        for (int i = 0; i < l; i++) {
            int qi = qOff + i * ldq;
            for (int j = 0; j < s; j++) {
                int kj = kOff + j * ldk;
                float dot = 0f;
                for (int c = 0; c < dk; c++) {
                    dot += q[qi + c] * k[kj + c];
                }
                p[j] = dot;
            }
            softmaxRow(p, 0, s, scale, mask, i);
            int oi = outOff + i * ldo;
            for (int c = 0; c < dv; c++) {
                out[oi + c] = 0f;
            }
            for (int j = 0; j < s; j++) {
                float w = p[j];
                int vj = vOff + j * ldv;
                for (int c = 0; c < dv; c++) {
                    out[oi + c] += w * v[vj + c];
                }
            }
        }
    }
}
