package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's MHA: the library's module on PyTorch-layout weights, the decode fixture, the flop counts. */
class MhaWeightsTest {
    static final int E = 16;
    static final int H = 4;
    static final int D = E / H;
    /** Float64 results against the reference kernels, which round to float at each of 4 stages: a few ε of the output scale (≤ 2). */
    static final double TOL = 1e-5;

    /**
     * nn.MultiheadAttention written out in float64, independently of the kernels: x·Wᵀ + b per projection,
     * per head softmax(q·kᵀ/√d) over keys j ≤ i when causal, heads concatenated, output projection.
     */
    static double[] naive(MhaWeights w, float[] x, int len, boolean causal) {
        float[] wi = w.inProjWeight();
        float[] bi = w.inProjBias();
        double[][] qkv = new double[len][3 * E];
        for (int t = 0; t < len; t++) {
            for (int o = 0; o < 3 * E; o++) {
                double s = bi[o];
                for (int c = 0; c < E; c++) {
                    s += (double) x[t * E + c] * wi[o * E + c];
                }
                qkv[t][o] = s;
            }
        }
        double[][] ctx = new double[len][E];
        for (int h = 0; h < H; h++) {
            for (int i = 0; i < len; i++) {
                int lim = causal ? i + 1 : len;
                double[] p = new double[lim];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < lim; j++) {
                    double s = 0;
                    for (int c = 0; c < D; c++) {
                        s += qkv[i][h * D + c] * qkv[j][E + h * D + c];
                    }
                    p[j] = s / Math.sqrt(D);
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < lim; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int c = 0; c < D; c++) {
                    double s = 0;
                    for (int j = 0; j < lim; j++) {
                        s += p[j] / sum * qkv[j][2 * E + h * D + c];
                    }
                    ctx[i][h * D + c] = s;
                }
            }
        }
        float[] wo = w.outProjWeight();
        float[] bo = w.outProjBias();
        double[] y = new double[len * E];
        for (int t = 0; t < len; t++) {
            for (int o = 0; o < E; o++) {
                double s = bo[o];
                for (int c = 0; c < E; c++) {
                    s += ctx[t][c] * wo[o * E + c];
                }
                y[t * E + o] = s;
            }
        }
        return y;
    }

    @Test
    void libraryModuleOnTheseWeightsMatchesPyTorchSemantics() {
        MhaWeights w = MhaWeights.random(E, H, 1);
        MultiHeadAttention mha = w.build(Kernels.reference());
        int len = 7;
        float[] x = QuickBench.random(new Random(2), len * E);
        for (boolean causal : new boolean[]{false, true}) {
            float[] y = mha.forward(Tensor.wrap(x, 1, len, E), causal ? AttentionMask.causal() : AttentionMask.none())
                    .data();
            double[] expect = naive(w, x, len, causal);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expect[i], y[i], TOL, "causal=" + causal + " element " + i);
            }
        }
    }

    /** With an executor the module really runs on the threads asked for, and gives the one-thread bits. */
    @Test
    void threadedModuleGivesTheOneThreadBits() {
        int e = 64;
        // 300 rows: every projection (300·64·192 multiply-adds) is above the library's 2^20 split threshold.
        int len = 300;
        MhaWeights w = MhaWeights.random(e, 4, 3);
        Tensor x = Tensor.wrap(QuickBench.random(new Random(4), len * e), 1, len, e);
        float[] one = w.build(Kernels.scalar()).forward(x, AttentionMask.causal()).data();
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            MultiHeadAttention threaded = w.build(Kernels.scalar(), pool, 3);
            assertEquals(3, threaded.parallelism());
            assertArrayEquals(one, threaded.forward(x, AttentionMask.causal()).data());
        } finally {
            pool.shutdown();
        }
        assertEquals(1, w.build(Kernels.scalar(), null, 1).parallelism());
    }

    /**
     * A decode step from the fixture is one token attending to the refilled stand-in cache plus its own
     * key and value, written out in float64; refilling brings the cache back to the same length and bits.
     */
    @Test
    void decodeFixtureStepsFromTheSameCacheEveryTime() {
        MhaWeights w = MhaWeights.random(E, H, 6);
        MultiHeadAttention mha = w.build(Kernels.reference());
        int max = 9;
        int cached = 5;
        DecodeFixture fx = new DecodeFixture(mha, max, 7);
        fx.refill(cached);
        assertEquals(cached, fx.cache().length());
        float[] first = fx.step(mha).data();
        assertEquals(cached + 1, fx.cache().length());
        fx.refill(cached);
        assertArrayEquals(first, fx.step(mha).data());
        assertThrows(IllegalArgumentException.class, () -> fx.refill(max + 1));

        // The stand-in tokens are the fixture's first random draws: [max, E] used as keys and values.
        Random r = new Random(7);
        float[] kv = QuickBench.random(r, max * E);
        float[] tok = QuickBench.random(r, E);
        float[] wi = w.inProjWeight();
        float[] bi = w.inProjBias();
        double[] qkv = new double[3 * E];
        for (int o = 0; o < 3 * E; o++) {
            double s = bi[o];
            for (int c = 0; c < E; c++) {
                s += (double) tok[c] * wi[o * E + c];
            }
            qkv[o] = s;
        }
        double[] ctx = new double[E];
        for (int h = 0; h < H; h++) {
            double[] p = new double[cached + 1];
            double max0 = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= cached; j++) {
                double s = 0;
                for (int c = 0; c < D; c++) {
                    double k = j < cached ? kv[j * E + h * D + c] : qkv[E + h * D + c];
                    s += qkv[h * D + c] * k;
                }
                p[j] = s / Math.sqrt(D);
                max0 = Math.max(max0, p[j]);
            }
            double sum = 0;
            for (int j = 0; j <= cached; j++) {
                p[j] = Math.exp(p[j] - max0);
                sum += p[j];
            }
            for (int c = 0; c < D; c++) {
                double s = 0;
                for (int j = 0; j <= cached; j++) {
                    double v = j < cached ? kv[j * E + h * D + c] : qkv[2 * E + h * D + c];
                    s += p[j] / sum * v;
                }
                ctx[h * D + c] = s;
            }
        }
        float[] wo = w.outProjWeight();
        float[] bo = w.outProjBias();
        for (int o = 0; o < E; o++) {
            double s = bo[o];
            for (int c = 0; c < E; c++) {
                s += ctx[c] * wo[o * E + c];
            }
            assertEquals(s, first[o], TOL, "column " + o);
        }
    }

    @Test
    void flopCounts() {
        assertEquals(8.0 * 512 * 512 * 128 + 4.0 * 128 * 128 * 512, MhaFlops.forwardFlops(1, 128, 512, false));
        assertEquals(8.0 * 512 * 512 * 4 + 4.0 * 4 * 5 / 2 * 512, MhaFlops.forwardFlops(1, 4, 512, true));
        assertEquals(8.0 * 512 * 512 + 4.0 * 1025 * 512, MhaFlops.decodeFlops(1024, 512));
    }

    @Test
    void badWeightsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MhaWeights.random(10, 3, 1));
        assertTrue(e.getMessage().contains("numHeads 3"), e.getMessage());
        MhaWeights w = MhaWeights.random(E, H, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> w.withOutProjWeight(Arrays.copyOf(w.outProjWeight(), E * E - 1)));
        assertTrue(e.getMessage().contains("outProjWeight"), e.getMessage());
    }
}
