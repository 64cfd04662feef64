package dev.attn4j.bench.peers;

/**
 * A GEMM from another library, measured beside attn4j: {@code C = A·B} for row-major A [m, k],
 * B [k, n], C [m, n] (C overwritten).
 */
public interface GemmPeer {
    /** Short name for tables and charts, e.g. {@code "EJML"}. */
    String name();

    /** Library version and, where it matters, the implementation class actually used. */
    String detail();

    /** {@code C = A·B}, row-major; C is overwritten. */
    void multiply(int m, int n, int k, float[] a, float[] b, float[] c);
}
