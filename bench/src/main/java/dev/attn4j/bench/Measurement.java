package dev.attn4j.bench;

/**
 * One quick-mode result: which operation at which size on which implementation, its median time, and the
 * work it did (flops, or elements for softmax whose flop count is not meaningful).
 *
 * @param op        e.g. "gemm", "mha", "softmax"
 * @param size      label, e.g. "512³" or "N=512"
 * @param x         numeric size for charts (n for gemm, N for MHA)
 * @param impl      e.g. "simd-256", "scalar", "reference", "EJML", "ORT Attention"
 * @param seconds   median seconds per call
 * @param work      flops (or elements when {@code unit} is "Gelem/s") per call
 * @param unit      "GFLOPS" or "Gelem/s"
 * @param runs      timed runs behind the median
 */
public record Measurement(String op, String size, double x, String impl, double seconds, double work, String unit,
                          int runs) {
    /** Work per second in units of 10⁹. */
    public double rate() {
        return work / seconds * 1e-9;
    }
}
