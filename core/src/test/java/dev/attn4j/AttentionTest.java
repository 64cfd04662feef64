package dev.attn4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static dev.attn4j.TestData.bools;
import static dev.attn4j.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {
    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.best(), Kernels.reference(), Kernels.scalar());
    }

    /** The seeds' 6×3 worked example (004): softmax(X·Xᵀ)·X, printed there to 4 decimals. */
    @Test
    void seedsWorkedExample() {
        Tensor x = Tensor.of(new float[][]{
                {-0.3178f, -0.8048f, 0.7659f}, {0.6087f, 0.6313f, 0.4881f}, {-0.5776f, 0.5329f, 1.2401f},
                {-0.7568f, 1.0494f, -0.4434f}, {1.8883f, -1.5365f, -0.5007f}, {-1.2233f, -0.2219f, -1.2253f}});
        float[] expected = {-0.0723f, -0.3647f, 0.4611f, 0.1540f, 0.2231f, 0.3968f, -0.4170f, 0.3823f, 0.8222f,
                -0.7299f, 0.5489f, -0.3410f, 1.8775f, -1.5290f, -0.4955f, -1.0813f, -0.0636f, -1.0100f};
        Tensor y = Attention.selfAttention(x);
        // the printed values are rounded to 4 decimals (±5e-5) from inputs also rounded to 4 decimals
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.data()[i], 2e-4, "element " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void batchedRanksEqualTheirSlices(Kernels k) {
        Random rnd = new Random(1);
        int b = 2, h = 3, l = 5, s = 7, dk = 4, dv = 6;
        Tensor q = uniform(rnd, 1, b, h, l, dk);
        Tensor kk = uniform(rnd, 1, b, h, s, dk);
        Tensor v = uniform(rnd, 1, b, h, s, dv);
        boolean[] blocked = bools(rnd, 0.3, b * h * l * s);
        AttentionMask mask = AttentionMask.blocked(blocked, b * h, l, s).and(AttentionMask.causal());
        Tensor out = Attention.scaledDotProduct(q, kk, v, mask, 0.7f, k);
        assertArrayEquals(new int[]{b, h, l, dv}, out.shape());
        for (int bh = 0; bh < b * h; bh++) {
            Tensor qi = Tensor.wrap(Arrays.copyOfRange(q.data(), bh * l * dk, (bh + 1) * l * dk), l, dk);
            Tensor ki = Tensor.wrap(Arrays.copyOfRange(kk.data(), bh * s * dk, (bh + 1) * s * dk), s, dk);
            Tensor vi = Tensor.wrap(Arrays.copyOfRange(v.data(), bh * s * dv, (bh + 1) * s * dv), s, dv);
            AttentionMask mi = AttentionMask.blocked(Arrays.copyOfRange(blocked, bh * l * s, (bh + 1) * l * s), l, s)
                    .and(AttentionMask.causal());
            Tensor oi = Attention.scaledDotProduct(qi, ki, vi, mi, 0.7f, k);
            assertArrayEquals(oi.data(), Arrays.copyOfRange(out.data(), bh * l * dv, (bh + 1) * l * dv), "slice " + bh);
        }
        // rank 3 [B·H, L, d] is the same computation
        Tensor out3 = Attention.scaledDotProduct(q.reshape(b * h, l, dk), kk.reshape(b * h, s, dk), v.reshape(b * h, s, dv),
                AttentionMask.blocked(blocked, b * h, l, s).and(AttentionMask.causal()), 0.7f, k);
        assertArrayEquals(out.data(), out3.data());
    }

    /**
     * Every mask part against a float64 evaluation with explicit per-entry masks, within the first-order
     * float32 bound of {@link Float64Attention} (doubled).
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void maskSemanticsMatchExplicitEntries(Kernels k) {
        Random rnd = new Random(2);
        int b = 2, h = 3, dk = 4, dv = 5;
        for (int[] ls : new int[][]{{5, 7}, {7, 5}, {6, 6}, {1, 9}}) {
            int l = ls[0], s = ls[1];
            Tensor q = uniform(rnd, 2, b, h, l, dk);
            Tensor kk = uniform(rnd, 2, b, h, s, dk);
            Tensor v = uniform(rnd, 2, b, h, s, dv);
            boolean[] perHead = bools(rnd, 0.25, b * h * l * s);
            boolean[] perBatch = bools(rnd, 0.25, b * l * s);
            boolean[] pad = bools(rnd, 0.2, b * s);
            Tensor add2 = uniform(rnd, 1, l, s);
            Tensor add3 = uniform(rnd, 1, b * h, l, s);
            // each case: the mask, and which parts it has: causal, perHead, perBatch, padding, additive (0, 2 or 3)
            Object[][] cases = {
                    {AttentionMask.none(), new int[]{0, 0, 0, 0, 0}},
                    {AttentionMask.causal(), new int[]{1, 0, 0, 0, 0}},
                    {AttentionMask.blocked(perHead, b * h, l, s), new int[]{0, 1, 0, 0, 0}},
                    {AttentionMask.blocked(perBatch, b, l, s), new int[]{0, 0, 1, 0, 0}},
                    {AttentionMask.keyPadding(pad, b, s), new int[]{0, 0, 0, 1, 0}},
                    {AttentionMask.additive(add2), new int[]{0, 0, 0, 0, 2}},
                    {AttentionMask.additive(add3).and(AttentionMask.additive(add2)), new int[]{0, 0, 0, 0, 3}},
                    {AttentionMask.causal().and(AttentionMask.blocked(perBatch, b, l, s)).and(AttentionMask.keyPadding(pad, b, s))
                            .and(AttentionMask.blocked(perHead, b * h, l, s)).and(AttentionMask.additive(add2)),
                            new int[]{1, 1, 1, 1, 2}},
            };
            for (Object[] c : cases) {
                AttentionMask mask = (AttentionMask) c[0];
                int[] parts = (int[]) c[1];
                boolean[] masked = new boolean[b * h * l * s];
                double[] additive = new double[b * h * l * s];
                for (int bb = 0; bb < b; bb++) {
                    for (int hh = 0; hh < h; hh++) {
                        for (int i = 0; i < l; i++) {
                            for (int j = 0; j < s; j++) {
                                int e = ((bb * h + hh) * l + i) * s + j;
                                masked[e] = (parts[0] == 1 && j > i) || (parts[1] == 1 && perHead[e])
                                        || (parts[2] == 1 && perBatch[(bb * l + i) * s + j]) || (parts[3] == 1 && pad[bb * s + j]);
                                additive[e] = parts[4] == 0 ? 0 : parts[4] == 2 ? add2.data()[i * s + j]
                                        : add3.data()[e] + add2.data()[i * s + j];
                            }
                        }
                    }
                }
                Float64Attention.Heads f = new Float64Attention.Heads();
                f.batch = b * h;
                f.heads = f.kvHeads = 1;
                f.l = l;
                f.s = s;
                f.dk = dk;
                f.dv = dv;
                f.scale = 0.5;
                f.q = Float64Attention.toDouble(q.data());
                f.k = Float64Attention.toDouble(kk.data());
                f.v = Float64Attention.toDouble(v.data());
                f.masked = masked;
                f.additive = additive;
                f.run();
                Tensor out = Attention.scaledDotProduct(q, kk, v, mask, 0.5f, k);
                Tensor w = Attention.attentionWeights(q, kk, mask, 0.5f, k);
                for (int i = 0; i < out.size(); i++) {
                    double bound = 2 * (f.eo[i] + Float64Attention.EPS * Math.abs(f.o[i]));
                    assertEquals(f.o[i], out.data()[i], bound, mask + " L=" + l + " S=" + s + " output " + i);
                }
                for (int i = 0; i < w.size(); i++) {
                    double bound = 2 * (f.ep[i] + Float64Attention.EPS * f.p[i]);
                    assertEquals(f.p[i], w.data()[i], bound, mask + " L=" + l + " S=" + s + " weight " + i);
                    if (masked[i]) {
                        assertEquals(0f, w.data()[i], mask + ": masked weight " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void fullyMaskedRowsAreZeros(Kernels k) {
        Random rnd = new Random(3);
        int l = 4, s = 3;
        Tensor q = uniform(rnd, 1, 2, l, 2);
        Tensor kk = uniform(rnd, 1, 2, s, 2);
        Tensor v = uniform(rnd, 1, 2, s, 3);
        // batch 1: every key is padding; batch 0: row 2 fully blocked
        boolean[] pad = {false, false, false, true, true, true};
        boolean[] blocked = new boolean[l * s];
        Arrays.fill(blocked, 2 * s, 3 * s, true);
        AttentionMask mask = AttentionMask.keyPadding(pad, 2, s).and(AttentionMask.blocked(blocked, l, s));
        Tensor out = Attention.scaledDotProduct(q, kk, v, mask, 1f, k);
        Tensor w = Attention.attentionWeights(q, kk, mask, 1f, k);
        for (int i = 0; i < l; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(0f, out.data()[(l + i) * 3 + c], "batch 1 is all padding");
            }
            for (int j = 0; j < s; j++) {
                assertEquals(0f, w.data()[(l + i) * s + j]);
            }
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, out.data()[2 * 3 + c], "row 2 of batch 0 is fully blocked");
        }
        float rowSum = 0;
        for (int j = 0; j < s; j++) {
            rowSum += w.data()[j];
        }
        assertEquals(1f, rowSum, 4 * s * Float64Attention.EPS, "unmasked rows still sum to 1");
    }

    @Test
    void causalIsTopLeftAlignedWhenQueriesOutnumberKeys() {
        // L = 4 > S = 2: rows 0 sees key 0; rows 1..3 see both keys
        Tensor q = Tensor.zeros(4, 1);
        Tensor k = Tensor.zeros(2, 1);
        Tensor v = Tensor.of(new float[][]{{2}, {4}});
        Tensor out = Attention.scaledDotProduct(q, k, v, AttentionMask.causal(), 1f, Kernels.reference());
        assertArrayEquals(new float[]{2, 3, 3, 3}, out.data());
    }

    @Test
    void badArgumentsNameTheArgumentAndShapes() {
        Tensor q = Tensor.zeros(2, 9, 48);
        Tensor k = Tensor.zeros(2, 9, 40);
        Tensor v = Tensor.zeros(2, 9, 8);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Attention.scaledDotProduct(q, k, v)),
                "k: expected [2, S, 48] but was [2, 9, 40]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, q, Tensor.zeros(2, 8, 8))), "v: expected [2, 9, *] but was [2, 8, 8]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(Tensor.zeros(4), q, q)), "q: expected");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, q, v, AttentionMask.none(), Float.NaN)), "scale");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, q, v, AttentionMask.blocked(new boolean[9 * 8], 9, 8))),
                "boolean mask expected [9, 9] or [N, 9, 9] (L, S) but was [9, 8]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, q, v, AttentionMask.blocked(new boolean[3 * 81], 3, 9, 9))),
                "expected N = 2 (batch)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Attention.scaledDotProduct(q, q, v, AttentionMask.keyPadding(new boolean[9], 1, 9))),
                "key padding mask expected [2, 9]");
        assertThrows(NullPointerException.class, () -> Attention.scaledDotProduct(null, q, v));
        assertThrows(NullPointerException.class, () -> Attention.scaledDotProduct(q, q, v, (AttentionMask) null));
        assertThrows(NullPointerException.class, () -> Attention.scaledDotProduct(q, q, v, AttentionMask.none(), 1f, null));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AttentionMask.blocked(new boolean[5], 2, 3)),
                "holds 6 entries but the array has 5");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AttentionMask.blocked(new boolean[5], 5)), "rank 2 or 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AttentionMask.keyPadding(new boolean[6], 2, -3)),
                "negative");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AttentionMask.blocked(new boolean[6], 2, 3)
                .and(AttentionMask.blocked(new boolean[6], 3, 2))), "cannot combine");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> AttentionMask.keyPadding(new boolean[6], 2, 3)
                .and(AttentionMask.keyPadding(new boolean[6], 3, 2))), "cannot combine");
    }

    @Test
    void masksAreImmutableCopies() {
        boolean[] b = {false, true, false, false};
        AttentionMask m = AttentionMask.blocked(b, 2, 2);
        b[1] = false; // must not change m
        Tensor q = Tensor.of(new float[][]{{1}, {1}});
        Tensor v = Tensor.of(new float[][]{{1}, {5}});
        Tensor out = Attention.scaledDotProduct(q, q, v, m, 1f, Kernels.reference());
        assertEquals(1f, out.data()[0], "row 0 still blocks key 1");
        assertTrue(m.toString().contains("boolean[2, 2]"));
        assertTrue(AttentionMask.none().isNone());
        assertTrue(AttentionMask.causal().and(AttentionMask.none()).isCausal());
    }

    static void assertMessage(Exception e, String part) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                "message \"" + e.getMessage() + "\" should contain \"" + part + "\"");
    }
}
