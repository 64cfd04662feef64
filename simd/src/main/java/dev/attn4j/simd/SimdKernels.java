package dev.attn4j.simd;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

/**
 * The kernels on the Java Vector API. Loaded by name from attn4j-core's provider, so the core never
 * links {@code jdk.incubator.vector}. Each operation lives in its own class; this one only dispatches.
 */
public final class SimdKernels extends Kernels {

    /** Fails (and so makes the provider fall back) if the species cannot be created on this JVM. */
    public SimdKernels() {
        if (VectorWidth.LANES < 4) {
            throw new IllegalStateException("vectors of " + VectorWidth.SPECIES.vectorBitSize()
                    + " bits hold fewer than 4 floats: no speed-up to gain");
        }
    }

    /** The vector size in bits of the species the kernels use. */
    public static int vectorBits() {
        return VectorWidth.SPECIES.vectorBitSize();
    }

    @Override
    public String name() {
        return "simd-" + vectorBits();
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float beta, float[] c, int cOff, int ldc) {
        SimdGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    protected boolean doGemmInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc, Steps steps) {
        return SimdGemm.gemmShared(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                steps);
    }

    @Override
    protected void doGemmBias(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        SimdGemm.gemmBias(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
    }

    @Override
    protected boolean doGemmBiasInSteps(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                        float[] bias, int biasOff, float[] c, int cOff, int ldc, Steps steps) {
        return SimdGemm.gemmShared(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc,
                bias, biasOff, null, steps);
    }

    @Override
    protected Object doPack(float[] plain, int k, int n) {
        return SimdGemm.prepack(plain, k, n);
    }

    @Override
    protected void doGemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                PackedMatrix b, Object form, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        // a form exists only for k, n ≥ 1 (Kernels.pack), as gemmPrepacked needs
        if (!(form instanceof float[])) {
            super.doGemmPacked(transA, m, n, k, alpha, a, aOff, lda, b, form, bias, biasOff, c, cOff, ldc);
            return;
        }
        SimdGemm.gemmPrepacked(transA, m, n, k, alpha, a, aOff, lda, plain(b), (float[]) form, bias, biasOff, c, cOff,
                ldc);
    }

    @Override
    protected boolean doGemmPackedInSteps(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff,
                                          int lda, PackedMatrix b, Object form, float[] bias, int biasOff,
                                          float[] c, int cOff, int ldc, Steps steps) {
        if (!(form instanceof float[])) {
            return super.doGemmPackedInSteps(transA, m, n, k, alpha, a, aOff, lda, b, form, bias, biasOff, c, cOff,
                    ldc, steps);
        }
        return SimdGemm.gemmShared(transA, false, m, n, k, alpha, a, aOff, lda, plain(b), 0, n, bias != null ? 1f : 0f,
                c, cOff, ldc, bias, biasOff, (float[]) form, steps);
    }

    @Override
    protected void doScaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        SimdSoftmax.scaledSoftmax(rows, cols, scale, x, xOff, ldx, mask);
    }

    @Override
    protected void doWeightedSum(int n, int d, float[] weights, int wOff, float[] values, int vOff, int ldv,
                                 float[] out, int outOff) {
        SimdWeightedSum.weightedSum(n, d, weights, wOff, values, vOff, ldv, out, outOff);
    }

    @Override
    protected void doGemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        SimdGemv.gemv(n, d, a, aOff, lda, x, xOff, y, yOff);
    }

    @Override
    protected void doFlashAttention(int l, int s, int dk, int dv, float scale,
                                    float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                                    float[] v, int vOff, int ldv, ScoreMask mask,
                                    float[] out, int outOff, int ldo) {
        SimdFlashAttention.attention(l, s, dk, dv, scale, q, qOff, ldq, k, kOff, ldk, v, vOff, ldv, mask,
                out, outOff, ldo);
    }
}
