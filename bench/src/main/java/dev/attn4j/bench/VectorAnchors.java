package dev.attn4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's ceilings as Java sees them, on the preferred species: FMA throughput and memory read
 * bandwidth. Loaded only when {@code jdk.incubator.vector} is present ({@link ScalarAnchors} otherwise).
 */
final class VectorAnchors {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** S's concrete vector class: {@code VT.cast} on the chains keeps C2 off the shared, possibly polluted, Vector API
     * type profiles (see dev.attn4j.simd.VectorWidth#VECTOR), so the peak is not read low after other vector code ran. */
    @SuppressWarnings("unchecked")
    static final Class<FloatVector> VT = (Class<FloatVector>) (Class<?>) S.vectorType();

    private VectorAnchors() {
    }

    static String preferredSpecies() {
        return S.vectorBitSize() + "-bit, " + S.length() + " floats per vector";
    }

    static int lanes() {
        return S.length();
    }

    /**
     * Runs {@code iters} rounds of 10 independent FMA chains and returns a value depending on all of them.
     * Why 10 chains: FMA latency (4–5 cycles) × issue width (2 per cycle) needs 8–10 in flight to saturate
     * the units, and 10 chains + 2 constants still fit the 16 AVX2 registers. Each chain is the addend,
     * a ← m·c + a (m·c ≈ 1e-7, below half an ulp of a, so a stays put), which C2 emits as one in-place FMA; with
     * the chain as the multiplicand C2 copies c before every FMA and keeps the chains on the stack (see
     * PeakBench#fmaChains).
     * Flops = iters · 10 chains · lanes · 2.
     */
    static float fmaChains(long iters, float seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, seed);
        FloatVector a1 = a0.add(1f);
        FloatVector a2 = a0.add(2f);
        FloatVector a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f);
        FloatVector a5 = a0.add(5f);
        FloatVector a6 = a0.add(6f);
        FloatVector a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f);
        FloatVector a9 = a0.add(9f);
        for (long i = 0; i < iters; i++) {
            a0 = VT.cast(m).fma(c, a0);
            a1 = VT.cast(m).fma(c, a1);
            a2 = VT.cast(m).fma(c, a2);
            a3 = VT.cast(m).fma(c, a3);
            a4 = VT.cast(m).fma(c, a4);
            a5 = VT.cast(m).fma(c, a5);
            a6 = VT.cast(m).fma(c, a6);
            a7 = VT.cast(m).fma(c, a7);
            a8 = VT.cast(m).fma(c, a8);
            a9 = VT.cast(m).fma(c, a9);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * Sums {@code data} as four sequential streams, one per quarter of the array, side by side: one core keeps
     * more cache misses in flight with several streams than with one, and reads faster (13-15 against 21-24
     * GB/s on the machine the README describes). The decode step reads its K and V blocks this way.
     */
    static float readSum4Streams(float[] data) {
        int q = data.length / 4 / S.length() * S.length();
        FloatVector s0 = VT.cast(FloatVector.zero(S));
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int i = 0; i < q; i += S.length()) {
            s0 = VT.cast(s0).add(VT.cast(FloatVector.fromArray(S, data, i)));
            s1 = VT.cast(s1).add(VT.cast(FloatVector.fromArray(S, data, q + i)));
            s2 = VT.cast(s2).add(VT.cast(FloatVector.fromArray(S, data, 2 * q + i)));
            s3 = VT.cast(s3).add(VT.cast(FloatVector.fromArray(S, data, 3 * q + i)));
        }
        float sum = VT.cast(VT.cast(VT.cast(s0).add(s1)).add(s2)).add(s3).reduceLanes(VectorOperators.ADD);
        // scalar tail
        for (int i = 4 * q; i < data.length; i++) {
            sum += data[i];
        }
        return sum;
    }

    /** Sums {@code data} with 4 vector accumulators (enough loads in flight to be bound by memory, not latency). */
    static float readSum(float[] data) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int step = 4 * S.length();
        int bound = data.length - data.length % step;
        int i = 0;
        for (; i < bound; i += step) {
            s0 = s0.add(FloatVector.fromArray(S, data, i));
            s1 = s1.add(FloatVector.fromArray(S, data, i + S.length()));
            s2 = s2.add(FloatVector.fromArray(S, data, i + 2 * S.length()));
            s3 = s3.add(FloatVector.fromArray(S, data, i + 3 * S.length()));
        }
        float sum = s0.add(s1).add(s2).add(s3).reduceLanes(VectorOperators.ADD);
        // scalar tail
        for (; i < data.length; i++) {
            sum += data[i];
        }
        return sum;
    }
}
