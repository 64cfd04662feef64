package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** out = Σ_j w_j·V_j on the Vector API. */
final class SimdWeightedSum {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private SimdWeightedSum() {
    }

    static void weightedSum(int n, int d, float[] w, int wOff, float[] v, int vOff, int ldv, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        int bound = S.loopBound(d);
        for (int j = 0; j < n; j++) {
            FloatVector wv = FloatVector.broadcast(S, w[wOff + j]);
            int row = vOff + j * ldv;
            int c = 0;
            for (; c < bound; c += S.length()) {
                wv.fma(FloatVector.fromArray(S, v, row + c), FloatVector.fromArray(S, out, outOff + c))
                        .intoArray(out, outOff + c);
            }
            // scalar tail
            for (; c < d; c++) {
                out[outOff + c] = Math.fma(w[wOff + j], v[row + c], out[outOff + c]);
            }
        }
    }
}
