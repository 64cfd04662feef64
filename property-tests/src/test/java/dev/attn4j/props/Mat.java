package dev.attn4j.props;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Strided matrices inside larger arrays, as the kernels take them: element (r, c) of a view is
 * {@code array[off + r·ld + c]}. Everything outside the view is filled with a {@linkplain #PAD padding}
 * value, so a kernel that reads outside its view sees NaN (and fails a tolerance check) and a kernel
 * that writes outside its view changes a value the tests compare bit for bit.
 */
final class Mat {
    /** NaN with a payload that no arithmetic produces: any read of padding poisons the result. */
    static final float PAD = Float.intBitsToFloat(0x7fc0_1234);
    /** Extra elements after the last view element, so an overrun within the array is seen too. */
    static final int TAIL = 7;

    private Mat() {
    }

    /** The array length a rows×cols view at off with leading dimension ld needs, plus {@link #TAIL}. */
    static int length(int rows, int cols, int off, int ld) {
        long n = rows == 0 || cols == 0 ? off : (long) off + (long) (rows - 1) * ld + cols;
        return Math.toIntExact(n + TAIL);
    }

    /** A new padded array with a rows×cols view of values drawn from the regime. */
    static float[] random(int rows, int cols, int off, int ld, Regime regime, SplittableRandom rnd) {
        float[] x = new float[length(rows, cols, off, ld)];
        Arrays.fill(x, PAD);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[off + r * ld + c] = regime.next(rnd);
            }
        }
        return x;
    }

    /** A new padded array whose view is filled with one value (e.g. NaN for a C that must not be read). */
    static float[] filled(int rows, int cols, int off, int ld, float value) {
        float[] x = new float[length(rows, cols, off, ld)];
        Arrays.fill(x, PAD);
        for (int r = 0; r < rows; r++) {
            Arrays.fill(x, off + r * ld, off + r * ld + cols, value);
        }
        return x;
    }

    /** Element (r, c) of op(X) where op transposes when {@code trans}. */
    static float at(float[] x, int off, int ld, boolean trans, int r, int c) {
        return trans ? x[off + c * ld + r] : x[off + r * ld + c];
    }

    /** True if index i of an array lies inside the rows×cols view at off/ld. */
    static boolean inView(int i, int rows, int cols, int off, int ld) {
        if (i < off || rows == 0 || cols == 0) {
            return false;
        }
        int r = (i - off) / ld;
        int c = (i - off) % ld;
        return r < rows && c < cols;
    }
}
