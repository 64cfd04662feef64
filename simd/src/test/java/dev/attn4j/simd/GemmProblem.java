package dev.attn4j.simd;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * A product C = α·op(A)·op(B) (+ bias) with offsets and padded leading dimensions, and C filled with NaN, for the
 * tests that hold one way of computing it to another bitwise ({@link GemmBiasTest}, {@link GemmPackedMatrixTest}).
 */
final class GemmProblem {
    static final float ALPHA = 0.75f;
    final int m, n, k, aOff = 3, bOff = 5, biasOff = 2, cOff = 7, lda, ldb, ldc;
    final boolean ta, tb;
    final float[] a, b, bias, c0;

    /** @param s {m, n, k, transA, transB} */
    GemmProblem(int[] s, SplittableRandom r) {
        m = s[0];
        n = s[1];
        k = s[2];
        ta = s[3] == 1;
        tb = s[4] == 1;
        lda = (ta ? m : k) + 2;
        ldb = (tb ? k : n) + 1;
        ldc = n + 4;
        a = random(r, aOff + (ta ? k : m) * lda);
        b = random(r, bOff + (tb ? n : k) * ldb);
        bias = random(r, biasOff + n + 3);
        c0 = new float[cOff + m * ldc];
        Arrays.fill(c0, Float.NaN); // never read: β = 0, or overwritten by the bias first
    }

    static float[] random(SplittableRandom r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (r.nextDouble() - 0.5);
        }
        return x;
    }

    /** The rows of C set to the bias, then gemm with β = 1. */
    float[] filledThenGemm(Kernels kernels) {
        float[] c = c0.clone();
        for (int i = 0; i < m; i++) {
            System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
        }
        kernels.gemm(ta, tb, m, n, k, ALPHA, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc);
        return c;
    }

    /** gemmBias (withBias) or gemm with β = 0 on B as stored. */
    float[] plain(Kernels kernels, boolean withBias) {
        float[] c = c0.clone();
        if (withBias) {
            kernels.gemmBias(ta, tb, m, n, k, ALPHA, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        } else {
            kernels.gemm(ta, tb, m, n, k, ALPHA, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
        }
        return c;
    }

    /** The same product with B prepared by {@code Kernels.pack}. */
    float[] packed(Kernels kernels, Kernels.PackedMatrix pb, boolean withBias) {
        float[] c = c0.clone();
        kernels.gemm(ta, m, ALPHA, a, aOff, lda, pb, withBias ? bias : null, biasOff, c, cOff, ldc);
        return c;
    }

    /** Runs step 0 … count−1 in reverse order, or shuffled by seed: the steps of a product in an order of its own. */
    static void runInOrder(int count, IntConsumer step, boolean reverse, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        if (reverse) {
            Collections.reverse(order);
        } else {
            Collections.shuffle(order, new java.util.Random(seed));
        }
        order.forEach(step::accept);
    }
}
