package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out_c = Σ_{j<n} w_j·V_jc} on the Vector API: one query's weights against a KV cache.
 *
 * <p>Memory-bound (each V element is used once), so the kernel is shaped to stream V at read
 * bandwidth: a block of up to 8 vectors of {@code out} (64 floats at 256 bits, one head of d = 64)
 * stays in registers while every row of V streams past; each output vector is loaded and stored once
 * per block, not once per row (the extreme of unrolling over rows). Wider d is done in blocks of 8, then 4, then 1 vector(s), then a scalar tail.
 *
 * <p>Each out_c is a chain of fused multiply-adds in row order j = 0, 1, …, n−1, starting from 0:
 * the same bits whatever d, block or tail the column falls in.
 */
final class SimdWeightedSum {
    /** At most 256 bits: a streaming kernel (see {@link VectorWidth#STREAM_SPECIES}). */
    private static final VectorSpecies<Float> S = VectorWidth.STREAM_SPECIES;
    private static final Class<FloatVector> V = VectorWidth.STREAM_VECTOR;
    private static final int L = S.length();

    private SimdWeightedSum() {
    }

    static void weightedSum(int n, int d, float[] w, int wOff, float[] v, int vOff, int ldv, float[] out, int outOff) {
        int c = 0;
        for (; c + 8 * L <= d; c += 8 * L) {
            block8(n, w, wOff, v, vOff + c, ldv, out, outOff + c);
        }
        for (; c + 4 * L <= d; c += 4 * L) {
            block4(n, w, wOff, v, vOff + c, ldv, out, outOff + c);
        }
        for (; c + L <= d; c += L) {
            FloatVector a = V.cast(FloatVector.zero(S));
            for (int j = 0; j < n; j++) {
                a = V.cast(FloatVector.fromArray(S, v, vOff + j * ldv + c)).fma(V.cast(FloatVector.broadcast(S, w[wOff + j])), a);
            }
            V.cast(a).intoArray(out, outOff + c);
        }
        // scalar tail
        for (; c < d; c++) {
            float a = 0f;
            for (int j = 0; j < n; j++) {
                a = Math.fma(v[vOff + j * ldv + c], w[wOff + j], a);
            }
            out[outOff + c] = a;
        }
    }

    /** 8 vectors of out in registers over all n rows. */
    private static void block8(int n, float[] w, int wOff, float[] v, int vOff, int ldv, float[] out, int oOff) {
        FloatVector a0 = V.cast(FloatVector.zero(S)), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int row = vOff;
        for (int j = 0; j < n; j++, row += ldv) {
            FloatVector wj = V.cast(FloatVector.broadcast(S, w[wOff + j]));
            a0 = V.cast(FloatVector.fromArray(S, v, row)).fma(wj, a0);
            a1 = V.cast(FloatVector.fromArray(S, v, row + L)).fma(wj, a1);
            a2 = V.cast(FloatVector.fromArray(S, v, row + 2 * L)).fma(wj, a2);
            a3 = V.cast(FloatVector.fromArray(S, v, row + 3 * L)).fma(wj, a3);
            a4 = V.cast(FloatVector.fromArray(S, v, row + 4 * L)).fma(wj, a4);
            a5 = V.cast(FloatVector.fromArray(S, v, row + 5 * L)).fma(wj, a5);
            a6 = V.cast(FloatVector.fromArray(S, v, row + 6 * L)).fma(wj, a6);
            a7 = V.cast(FloatVector.fromArray(S, v, row + 7 * L)).fma(wj, a7);
        }
        V.cast(a0).intoArray(out, oOff);
        V.cast(a1).intoArray(out, oOff + L);
        V.cast(a2).intoArray(out, oOff + 2 * L);
        V.cast(a3).intoArray(out, oOff + 3 * L);
        V.cast(a4).intoArray(out, oOff + 4 * L);
        V.cast(a5).intoArray(out, oOff + 5 * L);
        V.cast(a6).intoArray(out, oOff + 6 * L);
        V.cast(a7).intoArray(out, oOff + 7 * L);
    }

    /** 4 vectors of out in registers over all n rows. */
    private static void block4(int n, float[] w, int wOff, float[] v, int vOff, int ldv, float[] out, int oOff) {
        FloatVector a0 = V.cast(FloatVector.zero(S)), a1 = a0, a2 = a0, a3 = a0;
        int row = vOff;
        for (int j = 0; j < n; j++, row += ldv) {
            FloatVector wj = V.cast(FloatVector.broadcast(S, w[wOff + j]));
            a0 = V.cast(FloatVector.fromArray(S, v, row)).fma(wj, a0);
            a1 = V.cast(FloatVector.fromArray(S, v, row + L)).fma(wj, a1);
            a2 = V.cast(FloatVector.fromArray(S, v, row + 2 * L)).fma(wj, a2);
            a3 = V.cast(FloatVector.fromArray(S, v, row + 3 * L)).fma(wj, a3);
        }
        V.cast(a0).intoArray(out, oOff);
        V.cast(a1).intoArray(out, oOff + L);
        V.cast(a2).intoArray(out, oOff + 2 * L);
        V.cast(a3).intoArray(out, oOff + 3 * L);
    }
}
