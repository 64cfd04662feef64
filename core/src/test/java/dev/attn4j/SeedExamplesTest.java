package dev.attn4j;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worked examples of the source notes (shared/seeds), as golden tests.
 *
 * <p>Seed 004 prints its inputs and outputs to 4 decimals. Its inputs are themselves rounded to
 * 4 decimals (|δx| ≤ 5e-5), so an output may differ from the printed one by the rounding of the
 * output (5e-5) plus the effect of the input rounding. For S = E·Eᵀ with |e| ≤ 1.9 and d = 3 the
 * latter is ≤ 2·3·1.9·5e-5 ≈ 6e-4 per score; softmax weights move by at most ½·Δscore and the context
 * by Σ|Δw·x| + Σ|w·Δx| — together well under 2e-3 for these values. The tolerance 2e-3 therefore
 * admits the seed's rounding and nothing else: a wrong kernel is off by far more.
 */
class SeedExamplesTest {
    private static final float[][] EMBEDDINGS = {
            {-0.3178f, -0.8048f, 0.7659f},
            {0.6087f, 0.6313f, 0.4881f},
            {-0.5776f, 0.5329f, 1.2401f},
            {-0.7568f, 1.0494f, -0.4434f},
            {1.8883f, -1.5365f, -0.5007f},
            {-1.2233f, -0.2219f, -1.2253f}};

    private static final float[][] SIMILARITY = {
            {1.3354f, -0.3276f, 0.7045f, -0.9436f, 0.2530f, -0.3711f},
            {-0.3276f, 1.0072f, 0.5901f, -0.0147f, -0.0648f, -1.4828f},
            {0.7045f, 0.5901f, 2.1554f, 0.4466f, -2.5304f, -0.9311f},
            {-0.9436f, -0.0147f, 0.4466f, 1.8706f, -2.8194f, 1.2363f},
            {0.2530f, -0.0648f, -2.5304f, -2.8194f, 6.1770f, -1.3556f},
            {-0.3711f, -1.4828f, -0.9311f, 1.2363f, -1.3556f, 3.0472f}};

    private static final float[][] WEIGHTS = {
            {4.2655e-01f, 8.0862e-02f, 2.2698e-01f, 4.3673e-02f, 1.4451e-01f, 7.7419e-02f},
            {9.7219e-02f, 3.6939e-01f, 2.4339e-01f, 1.3294e-01f, 1.2644e-01f, 3.0624e-02f},
            {1.3955e-01f, 1.2446e-01f, 5.9548e-01f, 1.0782e-01f, 5.4933e-03f, 2.7190e-02f},
            {3.0096e-02f, 7.6201e-02f, 1.2086e-01f, 5.0202e-01f, 4.6118e-03f, 2.6622e-01f},
            {2.6600e-03f, 1.9358e-03f, 1.6447e-04f, 1.2318e-04f, 9.9458e-01f, 5.3247e-04f},
            {2.6468e-02f, 8.7083e-03f, 1.5120e-02f, 1.3207e-01f, 9.8898e-03f, 8.0774e-01f}};

    private static final float[][] CONTEXT = {
            {-0.0723f, -0.3647f, 0.4611f},
            {0.1540f, 0.2231f, 0.3968f},
            {-0.4170f, 0.3823f, 0.8222f},
            {-0.7299f, 0.5489f, -0.3410f},
            {1.8775f, -1.5290f, -0.4955f},
            {-1.0813f, -0.0636f, -1.0100f}};

    private static final double SEED004_TOL = 2e-3;

    @Test
    void seed004SimilarityMatrixIsEEt() {
        for (Kernels k : new Kernels[]{Kernels.reference(), Kernels.scalar(), Kernels.best()}) {
            float[] e = Tensor.of(EMBEDDINGS).toArray();
            float[] s = new float[36];
            k.gemm(false, true, 6, 6, 3, 1f, e, 0, 3, e, 0, 3, 0f, s, 0, 6);
            assertClose(SIMILARITY, s, SEED004_TOL, k.name() + " S = E·Eᵀ");
        }
    }

    @Test
    void seed004SoftmaxWeights() {
        for (Kernels k : new Kernels[]{Kernels.reference(), Kernels.scalar(), Kernels.best()}) {
            float[] s = Tensor.of(SIMILARITY).toArray();
            k.scaledSoftmax(6, 6, 1f, s, 0, 6, ScoreMask.none());
            // from the printed 4-decimal scores the only error is their rounding: ≤ ½·1e-4 per weight
            assertClose(WEIGHTS, s, 1e-4, k.name() + " softmax(S)");
        }
    }

    @Test
    void seed004ContextMatrix() {
        Tensor out = Attention.selfAttention(Tensor.of(EMBEDDINGS));
        assertClose(CONTEXT, out.toArray(), SEED004_TOL, "softmax(E·Eᵀ)·E");
        // the row for "self" was also computed on its own in the seed
        assertEquals(0.1540f, out.get(1, 0), SEED004_TOL);
        assertEquals(0.2231f, out.get(1, 1), SEED004_TOL);
        assertEquals(0.3968f, out.get(1, 2), SEED004_TOL);
    }

    /**
     * Seed 000: five 3-d embeddings (Money, Bank, Grows, River, Flows) and S = E·Eᵀ. The seed's own S has
     * slips (e.g. S[0][3] printed 0.20); the expected matrix here is computed by hand:
     * S[i][j] = Σ_c E[i][c]·E[j][c]. Inputs are exact decimals, so the only error is float rounding (≤ 1e-6).
     */
    @Test
    void seed000SimilarityMatrixCorrectlyComputed() {
        float[] e = {
                0.1f, 0.2f, 0.3f,
                0.4f, 0.5f, 0.6f,
                0.7f, 0.8f, 0.9f,
                0.2f, 0.1f, 0.4f,
                0.5f, 0.3f, 0.2f};
        float[][] expected = {
                {0.14f, 0.32f, 0.50f, 0.16f, 0.17f},
                {0.32f, 0.77f, 1.22f, 0.37f, 0.47f},
                {0.50f, 1.22f, 1.94f, 0.58f, 0.77f},
                {0.16f, 0.37f, 0.58f, 0.21f, 0.21f},
                {0.17f, 0.47f, 0.77f, 0.21f, 0.38f}};
        for (Kernels k : new Kernels[]{Kernels.reference(), Kernels.scalar(), Kernels.best()}) {
            float[] s = new float[25];
            k.gemm(false, true, 5, 5, 3, 1f, e, 0, 3, e, 0, 3, 0f, s, 0, 5);
            assertClose(expected, s, 1e-6, k.name() + " seed 000 S");
        }
        // the slip the seed notes: S[0][3] is 0.1·0.2 + 0.2·0.1 + 0.3·0.4 = 0.16, not 0.20
        assertEquals(0.16f, expected[0][3]);
    }

    private static void assertClose(float[][] expected, float[] actual, double tol, String what) {
        int cols = expected[0].length;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < cols; j++) {
                float a = actual[i * cols + j];
                if (!(Math.abs(a - expected[i][j]) <= tol)) {
                    throw new AssertionError(what + ": [" + i + "][" + j + "] expected " + expected[i][j] + " ± " + tol
                            + " but was " + a);
                }
            }
        }
    }
}
