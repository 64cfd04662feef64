package dev.attn4j.bench;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParallelTest {
    /** Row panels give the same bits as one call (the kernels' determinism contract), transposed A included. */
    @Test
    void rowPanelsMatchOneCallBitwise() {
        Random r = new Random(1);
        for (Kernels k : new Kernels[]{Kernels.scalar(), Kernels.best()}) {
            for (boolean ta : new boolean[]{false, true}) {
                int m = 101, n = 37, kk = 45;
                float[] a = QuickBench.random(r, m * kk);
                float[] b = QuickBench.random(r, kk * n);
                float[] one = new float[m * n];
                float[] split = new float[m * n];
                int lda = ta ? m : kk;
                k.gemm(ta, false, m, n, kk, 1f, a, 0, lda, b, 0, n, 0f, one, 0, n);
                try (Parallel p = Parallel.of(3)) {
                    p.gemmRows(k, ta, false, m, n, kk, 1f, a, 0, lda, b, 0, n, 0f, split, 0, n);
                }
                assertArrayEquals(one, split, k.name() + " transA=" + ta);
            }
        }
    }

    @Test
    void forEachRunsEveryTaskOnce() {
        try (Parallel p = Parallel.of(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(50);
            p.forEach(50, hits::incrementAndGet);
            for (int i = 0; i < 50; i++) {
                assertEquals(1, hits.get(i));
            }
            assertEquals(2, p.threads());
        }
        assertTrue(Parallel.serial().threads() == 1);
    }
}
