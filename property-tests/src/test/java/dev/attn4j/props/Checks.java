package dev.attn4j.props;

import dev.attn4j.Kernels;

import java.util.Arrays;

/** Assertions shared by the properties; failure messages name the kernels, the element and the bound. */
final class Checks {
    private Checks() {
    }

    /**
     * Every element of the rows×cols view of {@code actual} is within {@code tol[r·cols+c]} of
     * {@code exact[r·cols+c]}; a NaN where the exact value is finite fails.
     */
    static void within(Kernels kernels, Object what, float[] actual, int off, int ld, int rows, int cols,
                       double[] exact, double[] tol) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                float got = actual[off + r * ld + c];
                double err = Math.abs(got - exact[i]);
                if (!(err <= tol[i])) {
                    throw new AssertionError(kernels.name() + ": element (" + r + ", " + c + ") is " + got
                            + " but the float64 oracle gives " + exact[i] + "; |err| = " + err + " > bound " + tol[i]
                            + " (" + (err / tol[i]) + "× the bound) in " + what);
                }
            }
        }
    }

    /** Every array element outside the rows×cols view at off/ld has its original bits. */
    static void outsideUntouched(Kernels kernels, Object what, String name, float[] before, float[] after,
                                 int off, int ld, int rows, int cols) {
        for (int i = 0; i < after.length; i++) {
            if (!Mat.inView(i, rows, cols, off, ld)
                    && Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                throw new AssertionError(kernels.name() + " wrote " + name + "[" + i + "] = " + after[i]
                        + " outside its [" + rows + ", " + cols + "] view at offset " + off + " (ld " + ld + ") in "
                        + what);
            }
        }
    }

    /** The input array has exactly its original bits (inputs are documented as not modified). */
    static void unmodified(Kernels kernels, Object what, String name, float[] before, float[] after) {
        if (!bitsEqual(before, after)) {
            throw new AssertionError(kernels.name() + " modified input " + name + " in " + what);
        }
    }

    static boolean bitsEqual(float[] x, float[] y) {
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                return false;
            }
        }
        return true;
    }

    /** Bitwise equality with a message naming the first differing element. */
    static void sameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < Math.max(expected.length, actual.length); i++) {
            if (i >= expected.length || i >= actual.length
                    || Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": first difference at index " + i + ": expected "
                        + (i < expected.length ? expected[i] : "nothing") + " but was "
                        + (i < actual.length ? actual[i] : "nothing"));
            }
        }
    }

    static float[] copy(float[] x) {
        return Arrays.copyOf(x, x.length);
    }
}
