package dev.attn4j.bench;

/** The ceilings without the Vector API: scalar FMA chains and a scalar read loop (used in fallback runs). */
final class ScalarAnchors {
    private ScalarAnchors() {
    }

    /** {@code iters} rounds of 10 independent scalar FMA chains. Flops = iters · 10 · 2. */
    static float fmaChains(long iters, float seed) {
        float m = 0.999999f;
        float c = 1e-7f;
        float a0 = seed, a1 = seed + 1, a2 = seed + 2, a3 = seed + 3, a4 = seed + 4;
        float a5 = seed + 5, a6 = seed + 6, a7 = seed + 7, a8 = seed + 8, a9 = seed + 9;
        for (long i = 0; i < iters; i++) {
            a0 = Math.fma(m, c, a0);
            a1 = Math.fma(m, c, a1);
            a2 = Math.fma(m, c, a2);
            a3 = Math.fma(m, c, a3);
            a4 = Math.fma(m, c, a4);
            a5 = Math.fma(m, c, a5);
            a6 = Math.fma(m, c, a6);
            a7 = Math.fma(m, c, a7);
            a8 = Math.fma(m, c, a8);
            a9 = Math.fma(m, c, a9);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9;
    }

    /** Sums {@code data} with 8 scalar accumulators. */
    static float readSum(float[] data) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int bound = data.length - data.length % 8;
        int i = 0;
        for (; i < bound; i += 8) {
            s0 += data[i];
            s1 += data[i + 1];
            s2 += data[i + 2];
            s3 += data[i + 3];
            s4 += data[i + 4];
            s5 += data[i + 5];
            s6 += data[i + 6];
            s7 += data[i + 7];
        }
        float sum = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        // scalar tail
        for (; i < data.length; i++) {
            sum += data[i];
        }
        return sum;
    }
}
