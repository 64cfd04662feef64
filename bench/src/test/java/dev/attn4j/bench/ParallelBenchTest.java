package dev.attn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ParallelBenchTest {
    /**
     * The ceiling measurement's two independent halves compute the rows of the GEMM it is set against: the
     * caller's half is the top rows of the 1-thread C, the pool thread's the bottom rows, bitwise (an odd n puts
     * the extra row in the pool's half).
     */
    @Test
    void gemmHalvesAreTheRowsOfTheGemm() {
        for (int n : new int[] {96, 131}) {
            ParallelBench one = ParallelBench.state(1, n);
            ParallelBench two = ParallelBench.state(2, n);
            try {
                float[] whole = one.gemm().clone();
                float[][] halves = two.gemmHalves();
                int h = n / 2;
                assertEquals(h * n, halves[0].length);
                assertEquals((n - h) * n, halves[1].length);
                assertArrayEquals(Arrays.copyOfRange(whole, 0, h * n), halves[0], "n = " + n + ", caller's half");
                assertArrayEquals(Arrays.copyOfRange(whole, h * n, n * n), halves[1], "n = " + n + ", pool's half");
            } finally {
                one.tearDown();
                two.tearDown();
            }
        }
    }
}
