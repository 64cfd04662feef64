package dev.attn4j.simd;

import dev.attn4j.ScoreMask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Row-wise softmax(scale·x + mask) on the Vector API. */
final class SimdSoftmax {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private SimdSoftmax() {
    }

    static void scaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        for (int i = 0; i < rows; i++) {
            row(x, xOff + i * ldx, cols, scale, mask, i);
        }
    }

    /** One row in place; row index i selects the mask row. */
    static void row(float[] x, int off, int cols, float scale, ScoreMask mask, int i) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            float z = mask.isMasked(i, j) ? Float.NEGATIVE_INFINITY : scale * x[off + j] + mask.bias(i, j);
            x[off + j] = z;
            max = Math.max(max, z);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, off, off + cols, 0f);
            return;
        }
        // exp through Math.exp: VectorOperators.EXP may round differently in compiled code than in the
        // interpreter, and results must not depend on the JIT tier.
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            float e = (float) Math.exp(x[off + j] - max);
            x[off + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        int bound = S.loopBound(cols);
        int j = 0;
        for (; j < bound; j += S.length()) {
            FloatVector.fromArray(S, x, off + j).mul(inv).intoArray(x, off + j);
        }
        // scalar tail
        for (; j < cols; j++) {
            x[off + j] *= inv;
        }
    }
}
