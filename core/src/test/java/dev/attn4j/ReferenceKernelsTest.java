package dev.attn4j;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference kernels against cases computed by hand. Inputs are small integers or halves, so every
 * product and sum is exact in float and the expected values are exact.
 */
class ReferenceKernelsTest {
    private final Kernels ref = Kernels.reference();

    @Test
    void gemmOneByOne() {
        float[] c = {10};
        ref.gemm(false, false, 1, 1, 1, 2f, new float[]{3}, 0, 1, new float[]{4}, 0, 1, 0.5f, c, 0, 1);
        assertArrayEquals(new float[]{2 * 3 * 4 + 5}, c); // α·a·b + β·c = 24 + 5
    }

    @Test
    void gemmAllTransposes() {
        // A = [[1,2,3],[4,5,6]] (2×3), B = [[1,0],[0,1],[2,-1]] (3×2): A·B = [[7,-1],[16,-1]]
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] aT = {1, 4, 2, 5, 3, 6};
        float[] b = {1, 0, 0, 1, 2, -1};
        float[] bT = {1, 0, 2, 0, 1, -1};
        float[] expected = {7, -1, 16, -1};
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0;
            boolean tb = (t & 2) != 0;
            float[] c = new float[4];
            ref.gemm(ta, tb, 2, 2, 3, 1f, ta ? aT : a, 0, ta ? 2 : 3, tb ? bT : b, 0, tb ? 3 : 2, 0f, c, 0, 2);
            assertArrayEquals(expected, c, "transA=" + ta + " transB=" + tb);
        }
    }

    @Test
    void gemmOffsetsAndLeadingDimensionsLeaveTheRestAlone() {
        // A (2×2) = [[1,2],[3,4]] at offset 1 with lda 3; B (2×2) = I at offset 2 with ldb 4; C at offset 3 with ldc 5.
        float[] a = {99, 1, 2, 99, 3, 4};
        float[] b = {99, 99, 1, 0, 99, 99, 0, 1};
        float[] c = new float[11];
        Arrays.fill(c, -7f);
        ref.gemm(false, false, 2, 2, 2, 1f, a, 1, 3, b, 2, 4, 1f, c, 3, 5);
        float[] expected = {-7, -7, -7, 1 - 7, 2 - 7, -7, -7, -7, 3 - 7, 4 - 7, -7};
        assertArrayEquals(expected, c);
    }

    @Test
    void gemmBetaZeroDoesNotReadC() {
        float[] c = {Float.NaN, Float.NaN};
        ref.gemm(false, false, 1, 2, 1, 1f, new float[]{2}, 0, 1, new float[]{3, 4}, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[]{6, 8}, c);
    }

    @Test
    void gemmZeroSizedIsANoOpAndKZeroScalesC() {
        float[] c = {1, 2, 3, 4};
        ref.gemm(false, false, 0, 2, 3, 1f, new float[0], 0, 3, new float[6], 0, 2, 5f, c, 0, 2);
        ref.gemm(false, false, 2, 0, 3, 1f, new float[6], 0, 3, new float[0], 0, 0, 5f, c, 0, 2);
        assertArrayEquals(new float[]{1, 2, 3, 4}, c);
        ref.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertArrayEquals(new float[]{0.5f, 1, 1.5f, 2}, c);
    }

    @Test
    void softmaxOfEqualScoresIsUniformAndMaskedRowIsZero() {
        float[] x = {3, 3, 3, 3, 1, 2};
        boolean[] blocked = {false, false, false, true, true, true};
        ref.scaledSoftmax(2, 3, 1f, x, 0, 3, ScoreMask.none().withBlocked(blocked, 0, 3));
        float third = (float) (1.0 / 3);
        assertArrayEquals(new float[]{third, third, third, 0, 0, 0}, x);
    }

    @Test
    void softmaxScaleCausalAndAdditive() {
        // Row 0 sees only column 0 → 1. Row 1: z = 0.5·[2, 2] + [ln 3, 0] → weights 3/4, 1/4.
        float[] x = {5, 7, 2, 2};
        float[] add = {0, 0, (float) Math.log(3), 0};
        ref.scaledSoftmax(2, 2, 0.5f, x, 0, 2, ScoreMask.causal().withAdditive(add, 0, 2));
        assertEquals(1f, x[0]);
        assertEquals(0f, x[1]);
        assertEquals(0.75f, x[2], 1e-7f);
        assertEquals(0.25f, x[3], 1e-7f);
    }

    @Test
    void softmaxKeyPaddingAndHugeScores() {
        float[] x = {1e30f, -1e30f, 1e30f};
        ref.scaledSoftmax(1, 3, 1f, x, 0, 3, ScoreMask.none().withKeyPadding(new boolean[]{false, false, true}, 0));
        assertArrayEquals(new float[]{1, 0, 0}, x);
    }

    @Test
    void weightedSumByHand() {
        // out = 0.5·[2, 4] + 0.25·[8, -4] = [3, 1]; values with ldv 3 (third column ignored)
        float[] out = {9, 9, 9};
        ref.weightedSum(2, 2, new float[]{0.5f, 0.25f}, 0, new float[]{2, 4, 99, 8, -4, 99}, 0, 3, out, 0);
        assertArrayEquals(new float[]{3, 1, 9}, out);
    }

    @Test
    void gemvByHand() {
        // rows [1, 2, 99] and [3, -1, 99] (lda 3, third column ignored) times x = [2, 0.5]: y = [3, 5.5]
        float[] y = {7, 7, 7};
        ref.gemv(2, 2, new float[]{1, 2, 99, 3, -1, 99}, 0, 3, new float[]{2, 0.5f}, 0, y, 1);
        assertArrayEquals(new float[]{7, 3, 5.5f}, y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemv(2, 2, new float[4], 0, 3, new float[2], 0, y, 0));
        assertTrue(e.getMessage().contains("a view [2, 2]"), e.getMessage());
        assertArrayEquals(new float[]{7, 3, 5.5f}, y);
    }

    @Test
    void flashAttentionByHand() {
        // Q = [[0],[1]], K = [[0],[ln 3]] (scale 1): row 0 scores [0, 0] → [½, ½]; row 1 scores [0, ln 3] → [¼, ¾].
        float ln3 = (float) Math.log(3);
        float[] v = {4, 8};
        float[] out = new float[2];
        ref.flashAttention(2, 2, 1, 1, 1f, new float[]{0, 1}, 0, 1, new float[]{0, ln3}, 0, 1, v, 0, 1,
                ScoreMask.none(), out, 0, 1);
        assertEquals(6f, out[0], 1e-6f);
        assertEquals(7f, out[1], 1e-6f);
        // causal: row 0 sees key 0 only
        ref.flashAttention(2, 2, 1, 1, 1f, new float[]{0, 1}, 0, 1, new float[]{0, ln3}, 0, 1, v, 0, 1,
                ScoreMask.causal(), out, 0, 1);
        assertEquals(4f, out[0]);
    }

    @Test
    void badArgumentsNameTheViewAndLeaveOutputUntouched() {
        float[] c = {1, 2, 3, 4};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemm(false, false, 2, 2, 3, 1f, new float[5], 0, 3, new float[6], 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("a view [2, 3]"), e.getMessage());
        assertArrayEquals(new float[]{1, 2, 3, 4}, c);
        e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemm(false, false, 2, 2, 2, 1f, c, 0, 2, new float[4], 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("overlaps input a"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemm(false, false, -1, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f, c, 0, 2));
        assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemm(false, false, 50_000, 50_000, 1, 1f, new float[50_000], 0, 1, new float[50_000], 0, 50_000,
                        0f, c, 0, 50_000));
        assertTrue(e.getMessage().contains("needs 2500000000 elements"), e.getMessage());
        assertThrows(NullPointerException.class, () ->
                ref.gemm(false, false, 1, 1, 1, 1f, null, 0, 1, new float[1], 0, 1, 0f, c, 0, 1));
        assertArrayEquals(new float[]{1, 2, 3, 4}, c);
    }

    @Test
    void gemmInStepsChecksLikeGemmAndTheReferenceDeclines() {
        float[] c = {1, 2, 3, 4};
        Kernels.Steps none = (count, step) -> {
            throw new AssertionError("no step expected");
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                ref.gemmInSteps(false, false, 2, 2, 3, 1f, new float[5], 0, 3, new float[6], 0, 2, 0f, c, 0, 2, none));
        assertTrue(e.getMessage().contains("a view [2, 3]"), e.getMessage());
        assertThrows(NullPointerException.class, () ->
                ref.gemmInSteps(false, false, 2, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f, c, 0, 2, null));
        assertEquals(false, ref.gemmInSteps(false, false, 2, 2, 2, 1f, new float[4], 0, 2, new float[4], 0, 2, 0f,
                c, 0, 2, none), "the reference has no stepped path");
        assertEquals(true, ref.gemmInSteps(false, false, 0, 2, 2, 1f, new float[0], 0, 2, new float[4], 0, 2, 0f,
                c, 0, 2, none), "an empty C is done");
        assertArrayEquals(new float[]{1, 2, 3, 4}, c);
    }
}
