package dev.attn4j;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    @Test
    void wrapSharesAndToArrayCopies() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.wrap(data, 2, 3);
        data[4] = 50;
        assertEquals(50f, t.get(1, 1));
        float[] copy = t.toArray();
        copy[0] = -1;
        assertEquals(1f, t.get(0, 0));
        assertArrayEquals(new int[]{2, 3}, t.shape());
    }

    @Test
    void shapeIsCheckedAgainstData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(new float[1], 1, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(50_000, 50_000));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][]{{1, 2}, {3}}));
    }

    @Test
    void ofRowsGetAndRank4() {
        Tensor t = Tensor.of(new float[][]{{1, 2}, {3, 4}, {5, 6}});
        assertEquals(6f, t.get(2, 1));
        Tensor z = Tensor.zeros(2, 3, 4, 5);
        assertEquals(4, z.rank());
        assertEquals(120, z.size());
        assertEquals(5, z.dim(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(3, 0));
    }

    @Test
    void equalsAndReadableToString() {
        Tensor a = Tensor.of(new float[][]{{1, 2}, {3, 4}});
        Tensor b = Tensor.wrap(new float[]{1, 2, 3, 4}, 2, 2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, Tensor.wrap(new float[]{1, 2, 3, 4}, 4));
        assertEquals("Tensor[2, 2] [1.000, 2.000, 3.000, 4.000]", a.toString());
        assertTrue(Tensor.zeros(100).toString().endsWith("…(92 more)]"));
    }
}
