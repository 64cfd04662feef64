package dev.attn4j.simd;

import dev.attn4j.ScoreMask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Attention for one head without the l×s score matrix: one query row at a time. */
final class SimdFlashAttention {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private SimdFlashAttention() {
    }

    static void attention(int l, int s, int dk, int dv, float scale,
                          float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                          float[] v, int vOff, int ldv, ScoreMask mask,
                          float[] out, int outOff, int ldo) {
        float[] p = new float[Math.max(1, s)];
        int bound = S.loopBound(dk);
        for (int i = 0; i < l; i++) {
            int qi = qOff + i * ldq;
            for (int j = 0; j < s; j++) {
                int kj = kOff + j * ldk;
                FloatVector acc = FloatVector.zero(S);
                int c = 0;
                for (; c < bound; c += S.length()) {
                    acc = FloatVector.fromArray(S, q, qi + c).fma(FloatVector.fromArray(S, k, kj + c), acc);
                }
                float dot = VectorWidth.sumLanes(acc);
                // scalar tail
                for (; c < dk; c++) {
                    dot = Math.fma(q[qi + c], k[kj + c], dot);
                }
                p[j] = dot;
            }
            SimdSoftmax.row(p, 0, s, scale, mask, i);
            SimdWeightedSum.weightedSum(s, dv, p, 0, v, vOff, ldv, out, outOff + i * ldo);
        }
    }
}
