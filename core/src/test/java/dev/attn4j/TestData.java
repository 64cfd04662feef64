package dev.attn4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded random inputs and comparisons for the API tests. */
final class TestData {
    private TestData() {
    }

    /** Uniform in [-r, r). */
    static Tensor uniform(Random rnd, float r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (rnd.nextFloat() * 2 - 1) * r;
        }
        return t;
    }

    static boolean[] bools(Random rnd, double pTrue, int n) {
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
            b[i] = rnd.nextDouble() < pTrue;
        }
        return b;
    }

    static int[] permutation(Random rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Rows of [B, R, W] reordered along R: out[b][i] = in[b][perm[i]]. */
    static Tensor permuteRows(Tensor x, int[] perm) {
        int b = x.rank() == 3 ? x.dim(0) : 1;
        int r = x.dim(-2);
        int w = x.dim(-1);
        Tensor y = Tensor.zeros(x.shape());
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < r; i++) {
                System.arraycopy(x.data(), (bb * r + perm[i]) * w, y.data(), (bb * r + i) * w, w);
            }
        }
        return y;
    }

    /** A random MHA builder with weights ~ U(-1/√in, 1/√in) and biases ~ U(-0.5, 0.5). */
    static MultiHeadAttention.Builder randomMha(Random rnd, int e, int h, int kvHeads, int kdim, int vdim, boolean bias) {
        int ekv = kvHeads * (e / h);
        MultiHeadAttention.Builder b = MultiHeadAttention.builder(e, h).kvHeads(kvHeads).kdim(kdim).vdim(vdim).bias(bias)
                .qProjWeight(uniform(rnd, (float) (1 / Math.sqrt(e)), e, e))
                .kProjWeight(uniform(rnd, (float) (1 / Math.sqrt(kdim)), ekv, kdim))
                .vProjWeight(uniform(rnd, (float) (1 / Math.sqrt(vdim)), ekv, vdim))
                .outProjWeight(uniform(rnd, (float) (1 / Math.sqrt(e)), e, e));
        if (bias) {
            b.inProjBias(uniform(rnd, 0.5f, e + 2 * ekv)).outProjBias(uniform(rnd, 0.5f, e));
        }
        return b;
    }

    /**
     * |a − b| ≤ tol·(1 + |b|) elementwise; tol is stated by the caller from the operation (e.g. a few
     * n·ε for reordered n-term sums).
     */
    static void assertClose(float[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) expected[i] - actual[i]);
            assertTrue(err <= tol * (1 + Math.abs(expected[i])), what + ": element " + i + " expected " + expected[i]
                    + " but was " + actual[i] + " (|error| " + err + " > " + tol + "·(1 + |expected|))");
        }
    }
}
