package dev.attn4j.simd;

import dev.attn4j.ScoreMask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Row-wise {@code x_i ← softmax(z_i)}, {@code z_ij = scale·x_ij + additive_ij} or -∞ where masked
 * (see {@link ScoreMask}), on the Vector API.
 *
 * <p>Three passes over a row, all in L1 for rows up to a few thousand floats: (1) the row max of z
 * (for an additive or boolean mask z is written back in place, with -∞ where masked), (2)
 * {@code e_j = exp(z_j − max)} written in place and summed, (3) multiplication by 1/Σe. The common
 * cases — no mask, causal only — have fast paths that never call per-element mask methods: the causal
 * part only shortens the row to its first {@code causalLimit(i)} columns and zeroes the rest.
 *
 * <p>The max is taken with compare-and-blend (cheaper than the NaN-propagating {@code MAX} on x86);
 * a NaN still reaches every output because {@code exp(NaN − max)} is NaN and so is the sum. A row whose
 * entries are all masked becomes zeros. Accuracy: see {@code SoftmaxTest} for the bound and its derivation.
 */
final class SimdSoftmax {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final Class<FloatVector> V = VectorWidth.VECTOR;
    private static final int L = S.length();

    private SimdSoftmax() {
    }

    static void scaledSoftmax(int rows, int cols, float scale, float[] x, int xOff, int ldx, ScoreMask mask) {
        boolean simple = mask.additive() == null && mask.blocked() == null && mask.keyPadding() == null;
        float[] lanes = new float[L]; // one small buffer per call for the fixed-order lane sums
        int first = 0;
        // one row (a decode step's scores) takes the row-by-row path: the same bits, and on JDK 17 the pipelined
        // loop ran a lone row at 0.66 ns per float against 0.44 (1 × 32,768, Zen 5; JDK 25 0.37 either way)
        if (mask.isNone() && cols % L == 0 && rows > 1) {
            first = unmaskedRows(rows, cols, scale, x, xOff, ldx, lanes);
        }
        for (int i = first; i < rows; i++) {
            int off = xOff + i * ldx;
            int limit = mask.causalLimit(i, cols);
            // Masked tail of a causal row: exactly zero after softmax.
            java.util.Arrays.fill(x, off + limit, off + cols, 0f);
            if (limit == 0) {
                continue;
            }
            float max = simple ? scaledMax(x, off, limit, scale) : maskedScores(x, off, limit, scale, mask, i);
            if (max == Float.NEGATIVE_INFINITY) {
                // every entry masked (zeros), unless the max skipped NaNs: then the row is NaN
                if (anyNaN(x, off, limit, simple ? scale : 1f)) {
                    java.util.Arrays.fill(x, off, off + cols, Float.NaN);
                } else {
                    java.util.Arrays.fill(x, off, off + limit, 0f);
                }
                continue;
            }
            // simple rows still hold x (scale applied on the fly), general rows hold z already
            float sum = expSum(x, off, limit, simple ? scale : 1f, max, lanes);
            if (Float.isNaN(sum)) {
                // a NaN (or +∞ − +∞) among the visible scores: the whole row is NaN, as in the reference
                java.util.Arrays.fill(x, off, off + cols, Float.NaN);
                continue;
            }
            normalize(x, off, limit, 1f / sum);
        }
    }

    /**
     * Unmasked rows of whole vectors, through {@link SimdExp#softmaxRows}: the same operations per row as the
     * row-by-row path (so the same bits), but one call sets up the exp for all the rows, and the loop over row
     * r's exps also takes row r + 1's max and scales row r − 1, which fill the FP units while the exps' long
     * dependency chains wait. Returns the index of the first row left for the row-by-row path (a row whose max
     * is −∞: every score −∞ or NaN).
     */
    private static int unmaskedRows(int rows, int cols, float scale, float[] x, int xOff, int ldx, float[] lanes) {
        return SimdExp.softmaxRows(x, xOff, ldx, rows, cols / L, scale, lanes);
    }

    /**
     * max_j fl(scale·x_j) over one row, as fl(scale·max x) for scale ≥ 0 and fl(scale·min x) for
     * scale &lt; 0 (rounding is monotonic, so this is the same float), saving a multiply per element.
     * NaN is skipped here; it propagates through the exp pass.
     */
    static float scaledMax(float[] x, int off, int n, float scale) {
        return scale * extreme(x, off, n, scale < 0);
    }

    /** max_j x_j, or min_j x_j when {@code min} (the test is loop-invariant: C2 unswitches it). */
    private static float extreme(float[] x, int off, int n, boolean min) {
        int bound = S.loopBound(n);
        float init = min ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        float max = init;
        int j = 0;
        if (bound > 0) {
            // two accumulators: compare/blend has a 2-op latency chain per vector
            FloatVector m0 = V.cast(FloatVector.broadcast(S, init));
            FloatVector m1 = m0;
            for (; j + 2 * L <= bound; j += 2 * L) {
                FloatVector z0 = V.cast(FloatVector.fromArray(S, x, off + j));
                FloatVector z1 = V.cast(FloatVector.fromArray(S, x, off + j + L));
                m0 = V.cast(m0).blend(z0, min ? V.cast(z0).lt(m0) : V.cast(m0).lt(z0));
                m1 = V.cast(m1).blend(z1, min ? V.cast(z1).lt(m1) : V.cast(m1).lt(z1));
            }
            for (; j < bound; j += L) {
                FloatVector z0 = V.cast(FloatVector.fromArray(S, x, off + j));
                m0 = V.cast(m0).blend(z0, min ? V.cast(z0).lt(m0) : V.cast(m0).lt(z0));
            }
            m0 = V.cast(m0).blend(m1, min ? V.cast(m1).lt(m0) : V.cast(m0).lt(m1));
            max = V.cast(m0).reduceLanes(min ? VectorOperators.MIN : VectorOperators.MAX);
        }
        // scalar tail
        for (; j < n; j++) {
            float z = x[off + j];
            if (min ? z < max : z > max) {
                max = z;
            }
        }
        return max;
    }

    /** Writes z_j (-∞ where masked) over the first n entries of row i in place; returns their max. */
    private static float maskedScores(float[] x, int off, int n, float scale, ScoreMask mask, int i) {
        float[] add = mask.additive();
        int addOff = add == null ? 0 : mask.additiveOff() + i * mask.additiveLd();
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector z = V.cast(FloatVector.fromArray(S, x, off + j)).mul(scale);
            if (add != null) {
                z = V.cast(z).add(V.cast(FloatVector.fromArray(S, add, addOff + j)));
            }
            V.cast(z).intoArray(x, off + j);
        }
        // scalar tail
        for (; j < n; j++) {
            x[off + j] = x[off + j] * scale + (add == null ? 0f : add[addOff + j]);
        }
        boolean[] blocked = mask.blocked();
        if (blocked != null) {
            int b = mask.blockedOff() + i * mask.blockedLd();
            for (j = 0; j < n; j++) {
                if (blocked[b + j]) {
                    x[off + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        boolean[] pad = mask.keyPadding();
        if (pad != null) {
            int p = mask.keyPaddingOff();
            for (j = 0; j < n; j++) {
                if (pad[p + j]) {
                    x[off + j] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return scaledMax(x, off, n, 1f);
    }

    /**
     * e_j = exp(fl(scale·x_j − max)) in place (fused: one rounding); returns Σ e_j: the whole vectors through
     * {@link SimdExp#expAffineSum} (one lane-wise sum over the vectors in order, then its lanes left to right),
     * then the scalar tail with the scalar twin of the vector exp.
     */
    private static float expSum(float[] x, int off, int n, float scale, float max, float[] lanes) {
        int vecs = n / L;
        float sum = 0f;
        if (vecs > 0) {
            SimdExp.expAffineSum(x, off, L, vecs, scale, -max, null, 0, lanes, 0);
            sum = VectorWidth.sumLanes(lanes, 0);
        }
        // scalar tail
        for (int j = vecs * L; j < n; j++) {
            float e = SimdExp.exp(Math.fma(x[off + j], scale, -max));
            x[off + j] = e;
            sum += e;
        }
        return sum;
    }

    /** True when some scale·x_j is NaN (only asked for rows whose max came out -∞). */
    private static boolean anyNaN(float[] x, int off, int n, float scale) {
        for (int j = 0; j < n; j++) {
            if (Float.isNaN(x[off + j] * scale)) {
                return true;
            }
        }
        return false;
    }

    static void normalize(float[] x, int off, int n, float inv) {
        int bound = S.loopBound(n);
        int j = 0;
        for (; j < bound; j += L) {
            V.cast(V.cast(FloatVector.fromArray(S, x, off + j)).mul(inv)).intoArray(x, off + j);
        }
        // scalar tail
        for (; j < n; j++) {
            x[off + j] *= inv;
        }
    }
}
