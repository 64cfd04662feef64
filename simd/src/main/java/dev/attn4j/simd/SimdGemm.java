package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** GEMM on the Vector API: row-wise broadcast-A × load-B multiply-adds into C. */
final class SimdGemm {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int KB = 128;
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    private SimdGemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
        float[] panel = PANEL.get();
        if (transB && panel.length < KB * n) {
            panel = new float[KB * n];
            PANEL.set(panel);
        }
        int bound = S.loopBound(n);
        for (int p0 = 0; p0 < k; p0 += KB) {
            int kb = Math.min(KB, k - p0);
            float[] bp = b;
            int bpOff = bOff + p0 * ldb;
            int bpLd = ldb;
            if (transB) {
                for (int p = 0; p < kb; p++) {
                    for (int j = 0; j < n; j++) {
                        panel[p * n + j] = b[bOff + j * ldb + p0 + p];
                    }
                }
                bp = panel;
                bpOff = 0;
                bpLd = n;
            }
            for (int i = 0; i < m; i++) {
                int crow = cOff + i * ldc;
                for (int p = 0; p < kb; p++) {
                    float aip = alpha * (transA ? a[aOff + (p0 + p) * lda + i] : a[aOff + i * lda + p0 + p]);
                    FloatVector av = FloatVector.broadcast(S, aip);
                    int brow = bpOff + p * bpLd;
                    int j = 0;
                    for (; j < bound; j += S.length()) {
                        FloatVector cv = FloatVector.fromArray(S, c, crow + j);
                        av.fma(FloatVector.fromArray(S, bp, brow + j), cv).intoArray(c, crow + j);
                    }
                    // scalar tail
                    for (; j < n; j++) {
                        c[crow + j] = Math.fma(aip, bp[brow + j], c[crow + j]);
                    }
                }
            }
        }
    }
}
