package dev.attn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParallelPairBenchTest {
    /** The counters: mean times per side and the ratio of the sums, whichever side ran first. */
    @Test
    void timesAreMeansAndTheirRatio() {
        ParallelPairBench.Times t = new ParallelPairBench.Times();
        assertEquals(0, t.speedup());
        assertEquals(0, t.oneThreadMs());
        t.add(4_000_000, 2_000_000);
        t.add(6_000_000, 4_000_000);
        assertEquals(5.0, t.oneThreadMs(), 1e-12);
        assertEquals(3.0, t.twoThreadMs(), 1e-12);
        assertEquals(10.0 / 6.0, t.speedup(), 1e-12);
        t.reset();
        assertEquals(0, t.oneThreadMs());
        assertEquals(0, t.twoThreadMs());
    }

    /** A pair runs one call on each state (the outputs, cleared first, both hold the product), in either order. */
    @Test
    void pairRunsBothStates() throws Exception {
        ParallelPairBench b = new ParallelPairBench();
        b.op = "gemm";
        b.n = 96;
        b.setUp();
        try {
            ParallelPairBench.Times t = new ParallelPairBench.Times();
            float[] expected = b.one.gemm().clone();
            for (int p = 0; p < 2; p++) {
                java.util.Arrays.fill(b.one.c(), Float.NaN);
                java.util.Arrays.fill(b.two.c(), Float.NaN);
                b.pair(t);
                assertArrayEquals(expected, b.one.c(), "pair " + p + ", 1 thread");
                assertArrayEquals(expected, b.two.c(), "pair " + p + ", 2 threads");
            }
            assertEquals(2, t.pairs());
        } finally {
            b.tearDown();
        }
    }
}
