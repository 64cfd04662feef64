package dev.attn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemoryProbeTest {
    /** Both copy forms the probe times move head h's rows, and only them, into contiguous rows. */
    @Test
    void bothCopiesTakeTheHeadsRows() {
        int n = MemoryProbe.N;
        int d = MemoryProbe.D;
        int ld = MemoryProbe.LD;
        float[] src = new float[n * ld];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        for (int h : new int[] {0, 5, MemoryProbe.HEADS - 1}) {
            float[] a = new float[n * d];
            float[] b = new float[n * d];
            MemoryProbe.copyByArraycopy(src, h, a);
            MemoryProbe.copyByVectors(src, h, b);
            assertArrayEquals(a, b, "head " + h);
            for (int r : new int[] {0, 1, n - 1}) {
                for (int c : new int[] {0, d - 1}) {
                    assertEquals(src[r * ld + h * d + c], b[r * d + c], "head " + h + " row " + r + " col " + c);
                }
            }
        }
    }
}
