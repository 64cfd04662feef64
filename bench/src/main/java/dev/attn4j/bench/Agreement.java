package dev.attn4j.bench;

/**
 * Whether two float32 implementations of multi-head attention agree, within a tolerance derived from the
 * chain of dot products in one forward pass: input projection (length E), scores (d), weighted sum (S) and
 * output projection (E). Each contributes at most γ_len relative to its sum of |terms|; with weights of
 * size ~1/√E and inputs of size ~1 the terms' sums are of the order of the output scale, so the bound
 * taken is {@code 4·(2E + d + S)·ε·(1 + max|y|)} (the 4 covers the two implementations' errors adding up
 * and the softmax's own few ε). A wrong weight layout or head split shows up as errors of order 0.1.
 */
public final class Agreement {
    private Agreement() {
    }

    /** The comparison: max |a − b|, the tolerance, and whether it holds. */
    public record Check(double maxAbsDiff, double tolerance) {
        public boolean ok() {
            return maxAbsDiff <= tolerance;
        }
    }

    /** The MHA tolerance for embedding E, head size d, S keys and a reference output {@code ref}. */
    public static double mhaTolerance(int embedDim, int headDim, int keys, float[] ref, int n) {
        double max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(ref[i]));
        }
        return 4.0 * (2.0 * embedDim + headDim + keys) * AccuracyCheck.EPS * (1 + max);
    }

    /**
     * Compares the first {@code n} entries of {@code ref} and {@code test}.
     *
     * @throws IllegalArgumentException if either array is shorter than n
     */
    public static Check compare(float[] ref, float[] test, int n, double tolerance) {
        if (ref.length < n || test.length < n) {
            throw new IllegalArgumentException("compare " + n + " entries but arrays have " + ref.length + " and "
                    + test.length);
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.abs((double) ref[i] - test[i]);
            if (Double.isNaN(d)) {
                return new Check(Double.NaN, tolerance);   // NaN ≤ tolerance is false: not ok
            }
            max = Math.max(max, d);
        }
        return new Check(max, tolerance);
    }
}
