package dev.attn4j.bench;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MhaWorkloadTest {
    static final int E = 16;
    static final int H = 4;
    static final int D = E / H;

    /**
     * nn.MultiheadAttention written out in float64, independently of the kernels: x·Wᵀ + b per projection,
     * per head softmax(q·kᵀ/√d) over keys j ≤ i when causal, heads concatenated, output projection.
     */
    static double[] naive(MhaWorkload w, float[] x, int len, boolean causal) {
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
    void forwardMatchesPyTorchSemantics() {
        for (boolean causal : new boolean[]{false, true}) {
            MhaWorkload w = MhaWorkload.random(E, H, 1, Kernels.reference(), Parallel.serial());
            int len = 7;
            float[] x = QuickBench.random(new Random(2), len * E);
            float[] y = new float[len * E];
            w.forward(x, 1, len, causal, y);
            double[] expect = naive(w, x, len, causal);
            // The reference kernels round to float at each of the 4 stages: a few ε of the output scale (≤ 2).
            for (int i = 0; i < y.length; i++) {
                assertEquals(expect[i], y[i], 1e-5, "causal=" + causal + " element " + i);
            }
        }
    }

    @Test
    void batchesAreIndependentAndThreadsChangeNoBits() {
        MhaWorkload w = MhaWorkload.random(E, H, 3, Kernels.scalar(), Parallel.serial());
        int len = 5;
        float[] x = QuickBench.random(new Random(4), 2 * len * E);
        float[] both = new float[2 * len * E];
        w.forward(x, 2, len, true, both);
        float[] second = new float[len * E];
        float[] x2 = java.util.Arrays.copyOfRange(x, len * E, 2 * len * E);
        w.forward(x2, 1, len, true, second);
        assertArrayEquals(second, java.util.Arrays.copyOfRange(both, len * E, 2 * len * E));
        try (Parallel p = Parallel.of(3)) {
            float[] par = new float[2 * len * E];
            w.with(Kernels.scalar(), p).forward(x, 2, len, true, par);
            assertArrayEquals(both, par);
        }
    }

    @Test
    void decodeStepEqualsTheLastRowOfACausalForward() {
        MhaWorkload w = MhaWorkload.random(E, H, 6, Kernels.reference(), Parallel.serial());
        int len = 6;
        float[] x = QuickBench.random(new Random(7), len * E);
        float[] full = new float[len * E];
        w.forward(x, 1, len, true, full);
        MhaWorkload.KvCache cache = new MhaWorkload.KvCache(len, E);
        float[] y = new float[E];
        for (int t = 0; t < len; t++) {
            w.decodeStep(java.util.Arrays.copyOfRange(x, t * E, (t + 1) * E), cache, y);
            for (int c = 0; c < E; c++) {
                assertEquals(full[t * E + c], y[c], 1e-6, "token " + t + " column " + c);
            }
        }
        assertEquals(len, cache.length());
        assertThrows(IllegalStateException.class, () -> w.decodeStep(new float[E], cache, new float[E]));
    }

    @Test
    void flopCounts() {
        assertEquals(8.0 * 512 * 512 * 128 + 4.0 * 128 * 128 * 512, MhaWorkload.forwardFlops(1, 128, 512, false));
        assertEquals(8.0 * 512 * 512 * 4 + 4.0 * 4 * 5 / 2 * 512, MhaWorkload.forwardFlops(1, 4, 512, true));
        assertTrue(MhaWorkload.decodeFlops(1024, 512) > 8.0 * 512 * 512);
    }

    @Test
    void badShapesAreRejectedBeforeAnyWrite() {
        assertThrows(IllegalArgumentException.class,
                () -> MhaWorkload.random(10, 3, 1, Kernels.reference(), Parallel.serial()));
        MhaWorkload w = MhaWorkload.random(E, H, 1, Kernels.reference(), Parallel.serial());
        float[] y = new float[2 * E];
        assertThrows(IllegalArgumentException.class, () -> w.forward(new float[E], 1, 2, false, y));
        assertArrayEquals(new float[2 * E], y);
    }
}
