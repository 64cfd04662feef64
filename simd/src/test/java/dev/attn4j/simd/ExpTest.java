package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** {@link SimdExp} against {@link Math#exp}: the ulp bound stated in its javadoc, and special values. */
class ExpTest {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    /** The stated bound, in ulps of the correctly rounded float result. */
    static final double MAX_ULPS = 2.0;

    /** out = the vector exp of in (one vector), through {@link SimdExp#expAffineSum} with scale 1 and shift 0. */
    static void vectorExp(float[] in, float[] out) {
        System.arraycopy(in, 0, out, 0, S.length());
        SimdExp.expAffineSum(out, 0, S.length(), 1, 1f, 0f, null, 0, new float[S.length()], 0);
    }

    /** The lane-wise sum over several vectors, and a per-lane shift vector. */
    @Test
    void affineFormAndSums() {
        int l = S.length();
        float[] a = new float[3 * l];
        float[] shift = new float[l];
        for (int i = 0; i < a.length; i++) {
            a[i] = -0.37f * i;
        }
        for (int i = 0; i < l; i++) {
            shift[i] = -0.5f * i;
        }
        float[] x = a.clone();
        float[] sum = new float[l];
        SimdExp.expAffineSum(x, 0, l, 3, 2f, 0f, shift, 0, sum, 0);
        for (int lane = 0; lane < l; lane++) {
            float s = 0f;
            for (int v = 0; v < 3; v++) {
                float e = SimdExp.exp(Math.fma(a[v * l + lane], 2f, shift[lane]));
                assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(x[v * l + lane]), "element " + (v * l + lane));
                s += e;
            }
            assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(sum[lane]), "sum of lane " + lane);
        }
    }

    @Test
    void simdKernelsAreActive() {
        assertTrue(Kernels.best().name().startsWith("simd"), Kernels.best().name());
    }

    /** Every 7th float in [ln(MIN_NORMAL), 0] (about 160 million arguments), in ulps vs float64 exp. */
    @Test
    void withinTwoUlpsOfMathExp() {
        double[] worst = worstUlps(SimdExp.UNDERFLOW, ExpTest::vectorExp, Math::exp);
        System.out.printf("SimdExp: max error %.3f ulps (at x = %s)%n", worst[0], (float) worst[1]);
        assertTrue(worst[0] <= MAX_ULPS, "max error " + worst[0] + " ulps at x = " + (float) worst[1]);
    }

    /**
     * The largest error in ulps of {@code vector} against {@code exact} over every 7th float in [lowest, 0], and
     * where: {worst, argument}.
     */
    static double[] worstUlps(float lowest, java.util.function.BiConsumer<float[], float[]> vector,
                              java.util.function.DoubleUnaryOperator exact) {
        int lanes = S.length();
        float[] xs = new float[lanes];
        float[] ys = new float[lanes];
        double worst = 0;
        float worstX = 0;
        int fill = 0;
        // bits of negative floats grow with |x|: from -0 (0x80000000) to lowest
        for (long b = Float.floatToRawIntBits(-0f); b <= Float.floatToRawIntBits(lowest); b += 7) {
            xs[fill++] = Float.intBitsToFloat((int) b);
            if (fill == lanes) {
                vector.accept(xs, ys);
                for (int i = 0; i < lanes; i++) {
                    double e = exact.applyAsDouble(xs[i]);
                    double ulps = Math.abs(ys[i] - e) / Math.ulp((float) e);
                    if (ulps > worst) {
                        worst = ulps;
                        worstX = xs[i];
                    }
                }
                fill = 0;
            }
        }
        return new double[] {worst, worstX};
    }

    @Test
    void scalarTwinGivesTheSameBits() {
        java.util.Random rnd = new java.util.Random(1);
        int lanes = S.length();
        float[] xs = new float[lanes];
        float[] ys = new float[lanes];
        for (int t = 0; t < 100_000; t++) {
            for (int i = 0; i < lanes; i++) {
                xs[i] = -rnd.nextFloat() * 100f;
            }
            vectorExp(xs, ys);
            for (int i = 0; i < lanes; i++) {
                assertEquals(Float.floatToRawIntBits(ys[i]), Float.floatToRawIntBits(SimdExp.exp(xs[i])),
                        "x = " + xs[i]);
            }
        }
    }

    @Test
    void specialValues() {
        float[] xs = {0f, -0f, Float.NEGATIVE_INFINITY, Float.NaN, -87.34f, -88f, -1e30f, -Float.MAX_VALUE,
                SimdExp.UNDERFLOW, -1e-30f};
        float[] want = {1f, 1f, 0f, Float.NaN, 0f, 0f, 0f, 0f, (float) Math.exp(SimdExp.UNDERFLOW), 1f};
        for (int i = 0; i < xs.length; i++) {
            float[] in = new float[S.length()];
            java.util.Arrays.fill(in, xs[i]);
            float[] out = new float[S.length()];
            vectorExp(in, out);
            if (i == 8) {
                assertTrue(Math.abs(out[0] - want[i]) <= 2 * Math.ulp(want[i]), "exp(" + xs[i] + ") = " + out[0]);
            } else {
                assertEquals(want[i], out[0], 0f, "exp(" + xs[i] + ")");
            }
            assertEquals(Float.floatToIntBits(out[0]), Float.floatToIntBits(SimdExp.exp(xs[i])), "scalar twin at " + xs[i]);
        }
    }

    /** out = 2^in (one vector), through {@link SimdExp#exp2ShiftSum} with a zero shift. */
    static void vectorExp2(float[] in, float[] out) {
        System.arraycopy(in, 0, out, 0, S.length());
        SimdExp.exp2ShiftSum(out, 0, S.length(), 1, new float[S.length()], 0, new float[S.length()], 0);
    }

    /** The base-2 exp of the fused attention: every 7th float in [-126, 0], in ulps vs float64 2^y. */
    @Test
    void exp2WithinTwoUlps() {
        double[] worst = worstUlps(SimdExp.UNDERFLOW2, ExpTest::vectorExp2, y -> Math.pow(2, y));
        System.out.printf("SimdExp.exp2ShiftSum: max error %.3f ulps (at y = %s)%n", worst[0], (float) worst[1]);
        assertTrue(worst[0] <= MAX_ULPS, "max error " + worst[0] + " ulps at y = " + (float) worst[1]);
    }

    /**
     * The base-2 form scales by 2^n with an integer add to the exponent field; that is the multiply by 2^n, bitwise,
     * wherever the result is kept: 2^y = scalb(2^f, n) with n = rint(y), f = y − n (where n = 0, so no scaling), for
     * every 61st float in [-126, 0) and every float in [-126, -124).
     */
    @Test
    void exp2ScalingIsTheMultiplyByTwoToTheN() {
        int checked = 0;
        // negative floats: bits down by one is the next float up, to -0 at Integer.MIN_VALUE
        for (long bits = Float.floatToRawIntBits(SimdExp.UNDERFLOW2); bits > Integer.MIN_VALUE; ) {
            float y = Float.intBitsToFloat((int) bits);
            bits -= y < -124f ? 1 : 61;
            float n = (float) Math.rint(y);
            float f = y - n;
            float want = Math.scalb(SimdExp.exp2(f), (int) n);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(SimdExp.exp2(y)), "2^" + y);
            checked++;
        }
        assertTrue(checked > 1_000_000, "checked " + checked);
    }

    /** Shift per lane and lane sums of the base-2 form, bitwise against its scalar twin; special values. */
    @Test
    void exp2ShiftSumsAndSpecialValues() {
        int l = S.length();
        java.util.Random rnd = new java.util.Random(5);
        float[] a = new float[3 * l];
        float[] shift = new float[l];
        for (int i = 0; i < a.length; i++) {
            a[i] = -rnd.nextFloat() * 150f;
        }
        for (int i = 0; i < l; i++) {
            shift[i] = -rnd.nextFloat() * 3f;
        }
        a[0] = Float.NEGATIVE_INFINITY;
        a[1] = Float.NaN;
        a[2] = -0f;
        shift[2] = 0f;
        float[] x = a.clone();
        float[] sum = new float[l];
        SimdExp.exp2ShiftSum(x, 0, l, 3, shift, 0, sum, 0);
        for (int lane = 0; lane < l; lane++) {
            float s = 0f;
            for (int v = 0; v < 3; v++) {
                float e = SimdExp.exp2(a[v * l + lane] + shift[lane]);
                assertEquals(Float.floatToRawIntBits(e), Float.floatToRawIntBits(x[v * l + lane]), "element " + (v * l + lane));
                s += e;
            }
            assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(sum[lane]), "sum of lane " + lane);
        }
        assertEquals(0f, x[0], 0f, "2^-inf");
        assertTrue(Float.isNaN(x[1]), "2^NaN");
        assertEquals(1f, x[2], 0f, "2^-0");
        assertEquals(0f, SimdExp.exp2(-126.5f), 0f, "below the normal range: flushed to zero");
        assertEquals(0x1p-126f, SimdExp.exp2(-126f), 0f, "2^-126");
    }
}
