package dev.attn4j;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.attn4j.AttentionTest.assertMessage;
import static dev.attn4j.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelfAttentionTest {
    @Test
    void projectsWithXTimesWThenAttends() {
        Random rnd = new Random(30);
        int b = 2, l = 5, e = 4, dk = 3, dv = 6;
        Tensor wq = uniform(rnd, 1, e, dk);
        Tensor wk = uniform(rnd, 1, e, dk);
        Tensor wv = uniform(rnd, 1, e, dv);
        Tensor x = uniform(rnd, 1, b, l, e);
        SelfAttention sa = SelfAttention.of(wq, wk, wv, Kernels.reference());
        assertEquals(e, sa.inputDim());
        Tensor out = sa.forward(x, AttentionMask.causal());
        assertArrayEquals(new int[]{b, l, dv}, out.shape());
        // Q = X·W in float64, then the float64 attention of Float64Attention; bounds as there
        double[][] q = project(x, wq, b * l);
        double[][] k = project(x, wk, b * l);
        double[][] v = project(x, wv, b * l);
        Float64Attention.Heads f = new Float64Attention.Heads();
        f.batch = b;
        f.heads = f.kvHeads = 1;
        f.l = f.s = l;
        f.dk = dk;
        f.dv = dv;
        f.scale = (float) (1 / Math.sqrt(dk));
        f.q = q[0];
        f.eq = q[1];
        f.k = k[0];
        f.ek = k[1];
        f.v = v[0];
        f.ev = v[1];
        f.masked = new boolean[b * l * l];
        for (int i = 0; i < f.masked.length; i++) {
            f.masked[i] = i % l > (i / l) % l;
        }
        f.run();
        for (int i = 0; i < out.size(); i++) {
            assertEquals(f.o[i], out.data()[i], 2 * (f.eo[i] + Float64Attention.EPS * Math.abs(f.o[i])), "element " + i);
        }
    }

    /** x [rows, e]·w [e, n] in float64 with the γ bound (w transposed into the [n, e] layout linear() takes). */
    private static double[][] project(Tensor x, Tensor w, int rows) {
        int e = w.dim(0), n = w.dim(1);
        float[] wt = new float[n * e];
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < n; j++) {
                wt[j * e + i] = w.data()[i * n + j];
            }
        }
        return Float64Attention.linear(Float64Attention.toDouble(x.data()), null, rows, e, wt, null, n);
    }

    @Test
    void identityProjectionsAreScaledDotProductSelfAttention() {
        Random rnd = new Random(31);
        Tensor eye = Tensor.zeros(3, 3);
        for (int i = 0; i < 3; i++) {
            eye.data()[i * 3 + i] = 1;
        }
        Tensor x = uniform(rnd, 1, 6, 3);
        Tensor expected = Attention.scaledDotProduct(x, x, x, AttentionMask.none(), (float) (1 / Math.sqrt(3)), Kernels.best());
        assertArrayEquals(expected.data(), SelfAttention.of(eye, eye, eye).forward(x, AttentionMask.none()).data());
    }

    @Test
    void badShapes() {
        Tensor w = Tensor.zeros(4, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SelfAttention.of(w, Tensor.zeros(4, 2), w)),
                "wK: expected [4, 3] but was [4, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> SelfAttention.of(w, w, Tensor.zeros(5, 3))),
                "wV: expected [4, d_v] but was [5, 3]");
        SelfAttention sa = SelfAttention.of(w, w, w);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sa.forward(Tensor.zeros(2, 5), AttentionMask.none())),
                "x: expected [L, 4] or [B, L, 4] but was [2, 5]");
        assertThrows(NullPointerException.class, () -> SelfAttention.of(null, w, w));
    }
}
