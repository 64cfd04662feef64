package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * y = A·x over rows of A (one query's scores against a KV cache): memory-bound, each row of A read once.
 *
 * <p>Each y_j is one vector FMA chain over the row in steps of L lanes, then a fixed-order lane sum and a scalar FMA tail — the same operations for every row, so y_j does not
 * depend on n, on j or on the JIT tier. Four rows run side by side only to give the FMA pipes four
 * independent chains; that changes no row's arithmetic.
 */
final class SimdGemv {
    /** At most 256 bits: a streaming kernel (see {@link VectorWidth#STREAM_SPECIES}). */
    private static final VectorSpecies<Float> S = VectorWidth.STREAM_SPECIES;
    private static final Class<FloatVector> V = VectorWidth.STREAM_VECTOR;
    private static final int L = S.length();

    /**
     * Per-thread buffer for the fixed-order lane sums: a buffer per call cost 16 + 16·L bytes, 144 at 256 bits,
     * which is what a boxed vector would cost (and what the allocation check of the kernels looks for).
     */
    private static final ThreadLocal<float[]> LANE_SUMS = ThreadLocal.withInitial(() -> new float[4 * L]);

    private SimdGemv() {
    }

    static void gemv(int n, int d, float[] a, int aOff, int lda, float[] x, int xOff, float[] y, int yOff) {
        int bound = S.loopBound(d);
        float[] lanes = LANE_SUMS.get();
        int j = 0;
        for (; j + 3 < n; j += 4) {
            int r0 = aOff + j * lda;
            int r1 = r0 + lda;
            int r2 = r1 + lda;
            int r3 = r2 + lda;
            FloatVector s0 = V.cast(FloatVector.zero(S));
            FloatVector s1 = V.cast(FloatVector.zero(S));
            FloatVector s2 = V.cast(FloatVector.zero(S));
            FloatVector s3 = V.cast(FloatVector.zero(S));
            for (int c = 0; c < bound; c += L) {
                FloatVector xv = V.cast(FloatVector.fromArray(S, x, xOff + c));
                s0 = V.cast(FloatVector.fromArray(S, a, r0 + c)).fma(xv, s0);
                s1 = V.cast(FloatVector.fromArray(S, a, r1 + c)).fma(xv, s1);
                s2 = V.cast(FloatVector.fromArray(S, a, r2 + c)).fma(xv, s2);
                s3 = V.cast(FloatVector.fromArray(S, a, r3 + c)).fma(xv, s3);
            }
            // the four lane sums as four independent scalar chains (each left to right, as VectorWidth.sumLanes):
            // one shared buffer and one row after another made every row wait ~8 dependent adds
            V.cast(s0).intoArray(lanes, 0);
            V.cast(s1).intoArray(lanes, L);
            V.cast(s2).intoArray(lanes, 2 * L);
            V.cast(s3).intoArray(lanes, 3 * L);
            float y0 = 0f, y1 = 0f, y2 = 0f, y3 = 0f;
            for (int i = 0; i < L; i++) {
                y0 += lanes[i];
                y1 += lanes[L + i];
                y2 += lanes[2 * L + i];
                y3 += lanes[3 * L + i];
            }
            y[yOff + j] = tail(a, r0, x, xOff, bound, d, y0);
            y[yOff + j + 1] = tail(a, r1, x, xOff, bound, d, y1);
            y[yOff + j + 2] = tail(a, r2, x, xOff, bound, d, y2);
            y[yOff + j + 3] = tail(a, r3, x, xOff, bound, d, y3);
        }
        for (; j < n; j++) {
            int r = aOff + j * lda;
            FloatVector s = V.cast(FloatVector.zero(S));
            for (int c = 0; c < bound; c += L) {
                s = V.cast(FloatVector.fromArray(S, a, r + c)).fma(V.cast(FloatVector.fromArray(S, x, xOff + c)), s);
            }
            V.cast(s).intoArray(lanes, 0);
            y[yOff + j] = tail(a, r, x, xOff, bound, d, VectorWidth.sumLanes(lanes, 0, L));
        }
    }

    // scalar tail: the columns past the last whole vector, continuing the row's sum
    private static float tail(float[] a, int row, float[] x, int xOff, int from, int d, float sum) {
        for (int c = from; c < d; c++) {
            sum = Math.fma(a[row + c], x[xOff + c], sum);
        }
        return sum;
    }
}
