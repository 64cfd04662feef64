package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp(x)} for {@code x ≤ 0} (the only arguments softmax needs, since it subtracts the row max),
 * as a range-reduced polynomial on the Vector API.
 *
 * <p>Method: {@code n = round(x·log2 e)} with the 1.5·2²³ rounding trick, {@code r = x − n·ln 2} with a
 * two-part (Cody–Waite) ln 2 so that {@code n·ln2_hi} is exact for |n| ≤ 127, {@code e^r} on
 * |r| ≤ ln2/2 by a degree-6 polynomial (near-minimax relative error 2.0e-9, coefficients fitted with
 * the constant term pinned to exactly 1 so that {@code exp(0) == 1} exactly), then scaling by
 * {@code 2^n} built from exponent bits. The polynomial is evaluated as {@code 1 + r + r²·q(r)} with the
 * degree-4 q split in halves (Estrin's scheme) rather than by Horner's rule: the chain of dependent FMAs after r
 * is four long instead of six. An exp vector's whole chain is some 40 cycles, so the out-of-order window holds
 * only a few of them and the chain's length, not the count of operations, sets the throughput: A/B on AVX2,
 * softmax on rows of 64 and 256 ran 6-12% faster than with Horner's rule on JDK 17 and 25, for one more
 * operation per vector and a larger rounding error (below).
 *
 * <p>Accuracy (measured by {@code ExpTest} over every 7th float in [-87.3, 0]): at most 2 ulps from the
 * float64 exp (1.40 ulps measured; 1.01 with Horner's rule); 1.0 for 0; +0 for {@code -∞} and for every
 * {@code x < ln(Float.MIN_NORMAL) = -87.33654} (results that would be subnormal are flushed to zero: absolute
 * error below 1.2e-38); NaN for NaN. Arguments above 0 are outside the contract.
 *
 * <p>Why not {@code VectorOperators.EXP}: {@code SoftmaxBench} runs the same softmax with both. On this
 * x86 machine EXP is intrinsified (a vector math library call per vector) on JDK 17 and 25 and the
 * softmax with it is 5–20% slower than with this polynomial; EXP also handles the full range
 * (overflow, subnormals), which softmax never needs, and its accuracy is not specified per platform.
 */
final class SimdExp {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final Class<FloatVector> V = VectorWidth.VECTOR;
    private static final Class<IntVector> VI = VectorWidth.INT_VECTOR;

    static final float LOG2E = 1.44269504f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer held in the low mantissa bits. */
    static final float MAGIC = 12582912f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits so n·LN2_HI is exact for |n| < 2¹⁵. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** ln(Float.MIN_NORMAL): below it the result would be subnormal; we return +0. */
    static final float UNDERFLOW = -87.33654f;
    static final float C2 = 0.49999994f;
    static final float C3 = 0.16666432f;
    static final float C4 = 0.041667998f;
    static final float C5 = 0.0083741536f;
    static final float C6 = 0.0013843942f;

    private SimdExp() {
    }

    /**
     * In place over {@code count} vectors {@code a[off + v·stride …]} (v = 0, 1, …): each lane becomes
     * {@code exp(fma(a, scale, shift))} — one rounding for the affine step — where shift is the scalar
     * {@code shift} in every lane, or, when {@code shiftVec} is not null, the vector at
     * {@code shiftVec[shiftOff]}. The lane-wise sums of the results, added in increasing v from 0, are
     * written to the vector at {@code sum[sumOff]}. The arguments must give exp arguments ≤ 0 (see the
     * class comment for accuracy and special values).
     *
     * <p>Softmax and the online softmax of fused attention both call this for their whole rows or tiles.
     * The exp polynomial is written out once, inline in this loop, rather than as a method taking and
     * returning vectors: a vector passed to a call that C2 does not inline is boxed on the heap, and C2
     * leaves a method of this size out of line whenever it judges the call site cold. This method takes
     * arrays only, so whether or not it is inlined its vectors stay in registers.
     */
    static void expAffineSum(float[] a, int off, int stride, int count, float scale, float shift,
                             float[] shiftVec, int shiftOff, float[] sum, int sumOff) {
        FloatVector sv = V.cast(FloatVector.broadcast(S, scale));
        FloatVector hv = V.cast(shiftVec == null ? FloatVector.broadcast(S, shift)
                : FloatVector.fromArray(S, shiftVec, shiftOff));
        FloatVector lnHi = V.cast(FloatVector.broadcast(S, -LN2_HI));
        FloatVector lnLo = V.cast(FloatVector.broadcast(S, -LN2_LO));
        FloatVector c6 = V.cast(FloatVector.broadcast(S, C6));
        FloatVector c5 = V.cast(FloatVector.broadcast(S, C5));
        FloatVector c4 = V.cast(FloatVector.broadcast(S, C4));
        FloatVector c3 = V.cast(FloatVector.broadcast(S, C3));
        FloatVector c2 = V.cast(FloatVector.broadcast(S, C2));
        FloatVector one = V.cast(FloatVector.broadcast(S, 1f));
        FloatVector acc = V.cast(FloatVector.zero(S));
        for (int v = 0; v < count; v++) {
            int i = off + v * stride;
            FloatVector x = V.cast(V.cast(FloatVector.fromArray(S, a, i)).fma(sv, hv));
            VectorMask<Float> under = x.lt(UNDERFLOW);
            FloatVector t = V.cast(V.cast(x).fma(LOG2E, MAGIC));
            FloatVector n = V.cast(V.cast(t).sub(MAGIC));
            FloatVector r = V.cast(V.cast(n).fma(lnHi, x));
            r = V.cast(V.cast(n).fma(lnLo, r));
            // p = 1 + r + r²·((C2 + C3·r) + r²·(C4 + C5·r + C6·r²)): 16 cycles of FMA latency after r, not 24
            FloatVector r2 = V.cast(V.cast(r).mul(r));
            FloatVector qa = V.cast(V.cast(r).fma(c3, c2));
            FloatVector qb = V.cast(V.cast(V.cast(r).fma(c6, c5)).fma(r, c4));
            FloatVector q = V.cast(V.cast(r2).fma(qb, qa));
            FloatVector p = V.cast(V.cast(r2).fma(q, V.cast(r).add(one)));
            // t's low mantissa bits hold n (two's complement): shifting them into the exponent field and
            // adding the bias gives the bits of 2^n, valid for -126 ≤ n ≤ 0. Outside that range the lanes
            // are garbage but are replaced below (x < UNDERFLOW) or are NaN already (p is NaN when x is).
            IntVector bits = VI.cast(VI.cast(VI.cast(V.cast(t).reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23))
                    .add(127 << 23));
            FloatVector scale2n = V.cast(VI.cast(bits).reinterpretAsFloats());
            FloatVector e = V.cast(V.cast(V.cast(p).mul(scale2n)).blend(0f, under));
            V.cast(e).intoArray(a, i);
            acc = V.cast(acc).add(e);
        }
        V.cast(acc).intoArray(sum, sumOff);
    }

    /**
     * Softmax of {@code rows} rows of {@code count} whole vectors each, rows {@code ld} floats apart from {@code off},
     * none masked, software-pipelined over rows: one loop over the vectors of row r computes row r's exps
     * and their lane sums, the max of row r + 1 and the normalization of row r − 1, so that each loop holds three
     * independent streams of work. An exp vector is a chain of some 40 cycles of dependent operations, and the
     * out-of-order window holds only a few of them (see the class comment): alone, the exp pass leaves the FP
     * units partly idle, which the max and the scaling of the neighbouring rows then fill.
     *
     * <p>Each row gets exactly the operations of the row-by-row path of {@code SimdSoftmax}: the max
     * {@code scale·max_j x_j} (or {@code scale·min_j x_j} for scale &lt; 0; the extreme of a set does not depend on
     * the order in which it is taken), e_j = exp(fma(x_j, scale, −max)) summed lane-wise in increasing j and then
     * left to right over the lanes, then e_j·(1/Σ), or NaN over the whole row when Σ is NaN. So the floats are
     * those of {@code expAffineSum} row by row.
     *
     * @param lanes scratch of at least one vector's length
     * @return the number of rows done: {@code rows}, or the first row whose max is −∞ (every entry −∞ or NaN),
     * which is left untouched for the caller's row-by-row path, as are the rows after it
     */
    static int softmaxRows(float[] a, int off, int ld, int rows, int count, float scale, float[] lanes) {
        int lanesPerVector = S.length();
        boolean min = scale < 0;
        float init = min ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
        float next = SimdSoftmax.scaledMax(a, off, count * lanesPerVector, scale);
        if (next == Float.NEGATIVE_INFINITY) {
            return 0;
        }
        FloatVector sv = V.cast(FloatVector.broadcast(S, scale));
        FloatVector lnHi = V.cast(FloatVector.broadcast(S, -LN2_HI));
        FloatVector lnLo = V.cast(FloatVector.broadcast(S, -LN2_LO));
        FloatVector c6 = V.cast(FloatVector.broadcast(S, C6));
        FloatVector c5 = V.cast(FloatVector.broadcast(S, C5));
        FloatVector c4 = V.cast(FloatVector.broadcast(S, C4));
        FloatVector c3 = V.cast(FloatVector.broadcast(S, C3));
        FloatVector c2 = V.cast(FloatVector.broadcast(S, C2));
        FloatVector one = V.cast(FloatVector.broadcast(S, 1f));
        // the normalization pending from the row before: row 0 has none, so it scales its own exps by 1 (exact)
        float inv = 1f;
        for (int row = 0; row < rows; row++) {
            int rowOff = off + row * ld;
            // the last row has no next row: it takes its own max again (unused)
            int nextOff = row + 1 < rows ? rowOff + ld : rowOff;
            int prevOff = row > 0 ? rowOff - ld : rowOff;
            FloatVector hv = V.cast(FloatVector.broadcast(S, -next));
            FloatVector iv = V.cast(FloatVector.broadcast(S, inv));
            FloatVector mv = V.cast(FloatVector.broadcast(S, init));
            FloatVector acc = V.cast(FloatVector.zero(S));
            for (int j = 0; j < count * lanesPerVector; j += lanesPerVector) {
                FloatVector z = V.cast(FloatVector.fromArray(S, a, nextOff + j));
                mv = V.cast(mv).blend(z, min ? V.cast(z).lt(mv) : V.cast(mv).lt(z));
                int i = rowOff + j;
                FloatVector x = V.cast(V.cast(FloatVector.fromArray(S, a, i)).fma(sv, hv));
                VectorMask<Float> under = x.lt(UNDERFLOW);
                FloatVector t = V.cast(V.cast(x).fma(LOG2E, MAGIC));
                FloatVector n = V.cast(V.cast(t).sub(MAGIC));
                FloatVector r = V.cast(V.cast(n).fma(lnHi, x));
                r = V.cast(V.cast(n).fma(lnLo, r));
                FloatVector r2 = V.cast(V.cast(r).mul(r));
                FloatVector qa = V.cast(V.cast(r).fma(c3, c2));
                FloatVector qb = V.cast(V.cast(V.cast(r).fma(c6, c5)).fma(r, c4));
                FloatVector q = V.cast(V.cast(r2).fma(qb, qa));
                FloatVector p = V.cast(V.cast(r2).fma(q, V.cast(r).add(one)));
                IntVector bits = VI.cast(VI.cast(VI.cast(V.cast(t).reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23))
                        .add(127 << 23));
                FloatVector scale2n = V.cast(VI.cast(bits).reinterpretAsFloats());
                FloatVector e = V.cast(V.cast(V.cast(p).mul(scale2n)).blend(0f, under));
                V.cast(e).intoArray(a, i);
                acc = V.cast(acc).add(e);
                int k = prevOff + j;
                V.cast(V.cast(FloatVector.fromArray(S, a, k)).mul(iv)).intoArray(a, k);
            }
            V.cast(acc).intoArray(lanes, 0);
            float sum = VectorWidth.sumLanes(lanes, 0);
            if (Float.isNaN(sum)) {
                java.util.Arrays.fill(a, rowOff, rowOff + count * lanesPerVector, Float.NaN);
                sum = 1f; // the pending scaling of this row then leaves the NaNs as they are
            }
            inv = 1f / sum;
            next = scale * V.cast(mv).reduceLanes(min ? VectorOperators.MIN : VectorOperators.MAX);
            if (row + 1 < rows && next == Float.NEGATIVE_INFINITY) {
                SimdSoftmax.normalize(a, rowOff, count * lanesPerVector, inv);
                return row + 1;
            }
        }
        SimdSoftmax.normalize(a, off + (rows - 1) * ld, count * lanesPerVector, inv);
        return rows;
    }

    /** ln 2, the linear coefficient of the base-2 polynomial. */
    static final float LN2 = 0.6931472f;
    /** log2(Float.MIN_NORMAL): below it 2^y would be subnormal; {@link #exp2ShiftSum} returns +0. */
    static final float UNDERFLOW2 = -126f;
    /**
     * 2^f ≈ 1 + LN2·f + f²·(B2 + B3·f + B4·f² + B5·f³ + B6·f⁴) on |f| ≤ 1/2: minimax relative error (linear
     * program over 4001 points, constant and linear terms pinned to 1 and ln 2) below 1e-9 before rounding.
     */
    static final float B2 = 0.240226507f;
    static final float B3 = 0.055504106f;
    static final float B4 = 0.00961684715f;
    static final float B5 = 0.00133719028f;
    static final float B6 = 0.000159472183f;

    /**
     * {@code 2^y} in base 2, for the fused attention, whose scores arrive pre-multiplied by log2 e: in place over
     * {@code count} vectors {@code a[off + v·stride …]}, each lane becomes {@code 2^(a + shift)} with the vector
     * shift at {@code shiftVec[shiftOff]}; the lane-wise sums of the results, added in increasing v from 0, go to
     * the vector at {@code sum[sumOff]}. Arguments must be ≤ 0.
     *
     * <p>Against {@link #expAffineSum} the base-2 reduction needs no Cody–Waite split: {@code n = round(y)} and
     * {@code f = y − n} is exact (|f| ≤ 1/2, Sterbenz), so three operations of the FMA pipes become adds, and the
     * affine step is one add. And the scaling by 2^n is an integer add of n to p's exponent field instead of a
     * multiply: the same bits, since the result is normal (y ≥ −126 gives n ≥ −126, and n = −126 only with
     * f ≥ 0, where p ≥ 1), and the flush covers y &lt; −126. Per vector: 7 multiplies or FMAs (against 11 for the
     * base-e exp) and 5 floating-point adds, which have their own pipes on current x86 and Arm cores. Accuracy
     * ({@code ExpTest}, every 7th float in [-126, 0]): within 2 ulps of the float64 2^y (1.44 measured for the
     * polynomial part); 1 for 0; +0 for −∞ and for y &lt; −126 (results that would be subnormal flushed to zero);
     * NaN for NaN. Its last steps (the flush, the lane sums) are those of {@link #expAffineSum}, written out again
     * for the reason given there: a vector handed to a method C2 leaves out of line is boxed.
     */
    static void exp2ShiftSum(float[] a, int off, int stride, int count, float[] shiftVec, int shiftOff,
                             float[] sum, int sumOff) {
        FloatVector hv = V.cast(FloatVector.fromArray(S, shiftVec, shiftOff));
        FloatVector magic = V.cast(FloatVector.broadcast(S, MAGIC));
        FloatVector ln2 = V.cast(FloatVector.broadcast(S, LN2));
        FloatVector b6 = V.cast(FloatVector.broadcast(S, B6));
        FloatVector b5 = V.cast(FloatVector.broadcast(S, B5));
        FloatVector b4 = V.cast(FloatVector.broadcast(S, B4));
        FloatVector b3 = V.cast(FloatVector.broadcast(S, B3));
        FloatVector b2 = V.cast(FloatVector.broadcast(S, B2));
        FloatVector one = V.cast(FloatVector.broadcast(S, 1f));
        FloatVector acc = V.cast(FloatVector.zero(S));
        for (int v = 0; v < count; v++) {
            int i = off + v * stride;
            FloatVector y = V.cast(V.cast(FloatVector.fromArray(S, a, i)).add(hv));
            VectorMask<Float> under = y.lt(UNDERFLOW2);
            FloatVector t = V.cast(V.cast(y).add(magic));
            FloatVector f = V.cast(V.cast(y).sub(V.cast(V.cast(t).sub(magic))));
            FloatVector f2 = V.cast(V.cast(f).mul(f));
            FloatVector qa = V.cast(V.cast(f).fma(b3, b2));
            FloatVector qb = V.cast(V.cast(V.cast(f).fma(b6, b5)).fma(f, b4));
            FloatVector q = V.cast(V.cast(f2).fma(qb, qa));
            FloatVector p = V.cast(V.cast(f2).fma(q, V.cast(f).fma(ln2, one)));
            // p·2^n as n added to p's exponent field: t's low bits hold n, so t's bits << 23 are n << 23
            IntVector bits = VI.cast(VI.cast(V.cast(p).reinterpretAsInts())
                    .add(VI.cast(VI.cast(V.cast(t).reinterpretAsInts()).lanewise(VectorOperators.LSHL, 23))));
            FloatVector e = V.cast(V.cast(VI.cast(bits).reinterpretAsFloats()).blend(0f, under));
            V.cast(e).intoArray(a, i);
            acc = V.cast(acc).add(e);
        }
        V.cast(acc).intoArray(sum, sumOff);
    }

    /** The scalar twin of {@link #exp2ShiftSum}'s 2^y: the same operations, so the same bits. */
    static float exp2(float y) {
        if (y < UNDERFLOW2) {
            return 0f;
        }
        float t = y + MAGIC;
        float f = y - (t - MAGIC);
        float f2 = f * f;
        float qa = Math.fma(f, B3, B2);
        float qb = Math.fma(Math.fma(f, B6, B5), f, B4);
        float q = Math.fma(f2, qb, qa);
        float p = Math.fma(f2, q, Math.fma(f, LN2, 1f));
        return Float.intBitsToFloat(Float.floatToRawIntBits(p) + (Float.floatToRawIntBits(t) << 23));
    }

    /** The scalar twin of the vector exp in {@link #expAffineSum}: the same operations, so the same bits. */
    static float exp(float x) {
        if (x < UNDERFLOW) {
            return 0f;
        }
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float r2 = r * r;
        float qa = Math.fma(r, C3, C2);
        float qb = Math.fma(Math.fma(r, C6, C5), r, C4);
        float q = Math.fma(r2, qb, qa);
        float p = Math.fma(r2, q, r + 1f);
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + (127 << 23));
        return p * scale;
    }
}
