package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * A row-major float32 tensor of rank 1 to 4. The shape is checked against the data length; the
 * last dimension is contiguous. {@link #wrap} shares the caller's array; {@link #toArray} copies.
 */
public final class Tensor {
    private static final int MAX_RANK = 4;
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * A tensor over {@code data} (no copy: later writes to the array show through).
     *
     * @throws IllegalArgumentException if the rank is not 1–4, a dimension is negative, or the
     *                                  product of the shape is not {@code data.length}
     */
    public static Tensor wrap(float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        int[] s = shape.clone();
        long size = checkShape(s);
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + size
                    + " elements but data.length is " + data.length);
        }
        return new Tensor(data, s);
    }

    /** A new zero tensor of the given shape. */
    public static Tensor zeros(int... shape) {
        Objects.requireNonNull(shape, "shape");
        int[] s = shape.clone();
        long size = checkShape(s);
        return new Tensor(new float[(int) size], s);
    }

    /**
     * A [rows, cols] tensor copied from the rows.
     *
     * @throws IllegalArgumentException if there are no rows or the rows differ in length
     */
    public static Tensor of(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows: need at least one row");
        }
        int cols = Objects.requireNonNull(rows[0], "rows[0]").length;
        long size = (long) rows.length * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rows: [" + rows.length + ", " + cols + "] is too large for one array");
        }
        float[] data = new float[(int) size];
        for (int i = 0; i < rows.length; i++) {
            float[] r = Objects.requireNonNull(rows[i], "rows[" + i + "]");
            if (r.length != cols) {
                throw new IllegalArgumentException("rows[" + i + "] has length " + r.length + " but rows[0] has " + cols);
            }
            System.arraycopy(r, 0, data, i * cols, cols);
        }
        return new Tensor(data, new int[]{rows.length, cols});
    }

    private static long checkShape(int[] s) {
        if (s.length < 1 || s.length > MAX_RANK) {
            throw new IllegalArgumentException("rank must be 1 to " + MAX_RANK + " but shape is " + Arrays.toString(s));
        }
        long size = 1;
        for (int d : s) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(s));
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(s) + " has more elements than one Java array can hold");
            }
        }
        return size;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code axis}; negative axes count from the end (-1 is the last). */
    public int dim(int axis) {
        int a = axis < 0 ? shape.length + axis : axis;
        if (a < 0 || a >= shape.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " of a rank-" + shape.length + " tensor");
        }
        return shape[a];
    }

    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int size() {
        return data.length;
    }

    /** The element at the given indices (one per dimension). */
    public float get(int... index) {
        return data[offsetOf(index)];
    }

    /** The row-major offset of the given indices into the backing array. */
    public int offsetOf(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("need " + shape.length + " indices for shape " + Arrays.toString(shape)
                    + " but got " + index.length);
        }
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Arrays.toString(shape));
            }
            off = off * shape[d] + index[d];
        }
        return off;
    }

    /** A copy of the data, row-major. */
    public float[] toArray() {
        return data.clone();
    }

    /**
     * The backing array itself (no copy), for kernels that take arrays with offsets. Writes show
     * through to this tensor.
     */
    public float[] data() {
        return data;
    }

    /** The same data under another shape with the same number of elements (no copy). */
    public Tensor reshape(int... newShape) {
        return wrap(data, newShape);
    }

    /** True when {@code other} has the same shape. */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /** Same shape and bitwise-equal floats (as {@link Arrays#equals(float[], float[])}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor && Arrays.equals(shape, ((Tensor) o).shape) && Arrays.equals(data, ((Tensor) o).data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** Shape and the first values, e.g. {@code Tensor[6, 3] [-0.3178, -0.8048, 0.7659, 0.6087, …]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape)).append(" [");
        int shown = Math.min(data.length, 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(String.format(java.util.Locale.ROOT, "%.4g", data[i]));
        }
        if (data.length > shown) {
            sb.append(", …(").append(data.length - shown).append(" more)");
        }
        return sb.append(']').toString();
    }

    /** A multi-line rendering of a rank-2 tensor with the given number of decimals, for demos. */
    public String format(int decimals) {
        if (shape.length != 2) {
            return toString();
        }
        StringBuilder sb = new StringBuilder();
        String fmt = "%" + (decimals + 4) + "." + decimals + "f";
        for (int i = 0; i < shape[0]; i++) {
            sb.append(i == 0 ? "[[" : " [");
            for (int j = 0; j < shape[1]; j++) {
                if (j > 0) {
                    sb.append(", ");
                }
                sb.append(String.format(java.util.Locale.ROOT, fmt, data[i * shape[1] + j]));
            }
            sb.append(i == shape[0] - 1 ? "]]" : "]\n");
        }
        return sb.toString();
    }
}
