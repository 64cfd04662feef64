package dev.attn4j;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.attn4j.AttentionTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KvCacheTest {
    @Test
    void appendsPerBatchAndRefusesWhenFull() {
        KvCache c = new KvCache(2, 1, 2, 3);
        // [batch 2, tokens 2, width 2]
        c.append(Tensor.wrap(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2), Tensor.wrap(new float[]{-1, -2, -3, -4, -5, -6, -7, -8}, 2, 2, 2));
        assertEquals(2, c.length());
        assertEquals(1, c.remaining());
        float[] rows = new float[4];
        c.keysRowMajor(0, 0, 2, rows, 0);
        assertArrayEquals(new float[]{1, 2, 3, 4}, rows);
        c.keysRowMajor(1, 0, 2, rows, 0);
        assertArrayEquals(new float[]{5, 6, 7, 8}, rows);
        c.valuesRowMajor(1, 0, 2, rows, 0);
        assertArrayEquals(new float[]{-5, -6, -7, -8}, rows);
        float[] before = c.keys.clone();
        Tensor two = Tensor.zeros(2, 2, 2);
        assertMessage(assertThrows(IllegalStateException.class, () -> c.append(two, two)),
                "KvCache full: capacity 3, 2 tokens cached, cannot append 2 more");
        assertArrayEquals(before, c.keys, "nothing written");
        assertEquals(2, c.length());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> c.append(Tensor.zeros(2, 1, 3), Tensor.zeros(2, 1, 3))),
                "k: expected [2, T, 2] but was [2, 1, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> c.append(Tensor.zeros(2, 1, 2), Tensor.zeros(2, 2, 2))),
                "v: expected [2, 1, 2] but was [2, 2, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> c.append(new float[3], 0, new float[4], 0, 1)),
                "k: [2, 1, 2] at offset 0 needs 4 elements but k.length is 3");
        assertThrows(NullPointerException.class, () -> c.append(null, 0, new float[4], 0, 1));
        c.append(new float[4], 0, new float[4], 0, 1);
        assertEquals(3, c.length());
        c.reset();
        assertEquals(0, c.length());
    }

    @Test
    void eachKeyValueHeadIsOneContiguousTransposedBlock() {
        KvCache c = new KvCache(1, 2, 2, 4);
        // one token: head 0 = (1, 2), head 1 = (3, 4); then a second token: (5, 6), (7, 8)
        c.append(new float[]{1, 2, 3, 4}, 0, new float[]{-1, -2, -3, -4}, 0, 1);
        c.append(new float[]{5, 6, 7, 8}, 0, new float[]{-5, -6, -7, -8}, 0, 1);
        // transposed per head, rows (features) stride apart: head 0 row 0 = (1, 5, ...), row 1 = (2, 6, ...)
        int ks = c.stride;
        assertEquals(32, ks, "capacity 4 rounds up to 16, plus 16");
        int h0 = c.offset(0, 0);
        int h1 = c.offset(0, 1);
        assertArrayEquals(new float[]{1, 5}, Arrays.copyOfRange(c.keys, h0, h0 + 2));
        assertArrayEquals(new float[]{2, 6}, Arrays.copyOfRange(c.keys, h0 + ks, h0 + ks + 2));
        assertArrayEquals(new float[]{3, 7}, Arrays.copyOfRange(c.keys, h1, h1 + 2));
        assertArrayEquals(new float[]{4, 8}, Arrays.copyOfRange(c.keys, h1 + ks, h1 + ks + 2));
        assertArrayEquals(new float[]{-3, -7}, Arrays.copyOfRange(c.values, h1, h1 + 2));
        assertArrayEquals(new float[]{-4, -8}, Arrays.copyOfRange(c.values, h1 + ks, h1 + ks + 2));
        float[] rows = new float[4];
        c.keysRowMajor(0, 1, 2, rows, 0);
        assertArrayEquals(new float[]{3, 4, 7, 8}, rows);
        c.valuesRowMajor(0, 1, 2, rows, 0);
        assertArrayEquals(new float[]{-3, -4, -7, -8}, rows);
        assertEquals(2 * ks, h1 - h0, "a head's block holds headDim rows");
    }

    @Test
    void truncateRollsBackAndKeepsTheEarlierTokens() {
        KvCache c = new KvCache(1, 1, 2, 4);
        c.append(new float[]{1, 2, 3, 4, 5, 6}, 0, new float[]{-1, -2, -3, -4, -5, -6}, 0, 3);
        c.truncate(1);
        assertEquals(1, c.length());
        c.append(new float[]{7, 8}, 0, new float[]{-7, -8}, 0, 1);
        float[] rows = new float[4];
        c.keysRowMajor(0, 0, 2, rows, 0);
        assertArrayEquals(new float[]{1, 2, 7, 8}, rows);
        c.valuesRowMajor(0, 0, 2, rows, 0);
        assertArrayEquals(new float[]{-1, -2, -7, -8}, rows);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> c.truncate(3)),
                "truncate: length must be in [0, 2] but was 3");
        assertThrows(IllegalArgumentException.class, () -> c.truncate(-1));
        assertEquals(2, c.length(), "a refused truncate changes nothing");
    }
}
