package dev.attn4j.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

class SpreadHeadsTest {
    /**
     * The five layouts hold the same heads: spread and head-major inputs give the same bits (the kernel copies
     * spread rows into contiguous ones), for N across one and several blocks of query tiles, with and without
     * the causal mask.
     */
    @Test
    void layoutsGiveTheSameBits() {
        Kernels kernels = Kernels.best();
        assertTrue(kernels.name().startsWith("simd"), "SIMD kernels active: " + kernels.name());
        for (int n : new int[] {1, 37, 300}) {
            for (boolean causal : new boolean[] {false, true}) {
                SpreadHeads b = new SpreadHeads(kernels, n, causal);
                assertDoesNotThrow(b::checkSameBits, "N = " + n + ", causal " + causal);
            }
        }
    }

    /** The check can fail: one key of one spread head changed, and that head's output no longer matches. */
    @Test
    void aChangedSpreadKeyIsCaught() {
        SpreadHeads b = new SpreadHeads(Kernels.best(), 40, false);
        b.k[5 * SpreadHeads.HEADS * SpreadHeads.D + 3 * SpreadHeads.D + 7] += 1f;
        IllegalStateException e = assertThrows(IllegalStateException.class, b::checkSameBits);
        assertTrue(e.getMessage().contains("head 3"), e.getMessage());
    }
}
