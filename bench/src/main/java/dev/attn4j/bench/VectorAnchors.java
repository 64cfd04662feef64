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
     * The fastest form of a read loop over data ({@link #read}), over three timed runs each: as {@code {narrow,
     * from}}, narrow = 1 for 256-bit vectors where the preferred species is wider, from = the first float read, 0,
     * 4, 8 or 12 (one of them starts 64-byte aligned: a Java array's floats are 16-byte aligned at least). A
     * 512-bit load that is not 64-byte aligned spans two cache lines; from a misaligned start the four-stream
     * loop read 25-27 GB/s against 39-46 aligned, and 43-48 on 256-bit vectors from any start (Zen 5), so a loop
     * from float 0 alone would understate the machine. The yardstick is what the machine can read.
     */
    static int[] fastestRead(float[] data, boolean fourStreams) {
        double best = Double.MAX_VALUE;
        int[] choice = {0, 0};
        float sink = 0f;
        for (int narrow = 0; narrow < (S.vectorBitSize() > 256 ? 2 : 1); narrow++) {
            for (int from = 0; from < 16; from += 4) {
                for (int run = 0; run < 5; run++) {
                    long t0 = System.nanoTime();
                    sink += read(data, fourStreams, narrow == 1, from);
                    long t = System.nanoTime() - t0;
                    if (run >= 2 && t < best) {
                        best = t;
                        choice = new int[] {narrow, from};
                    }
                }
            }
        }
        return sink == 42f ? new int[] {0, 0} : choice;
    }

    /** One of the read loops: four streams or one, on the preferred species or on 256-bit vectors, from float from. */
    static float read(float[] data, boolean fourStreams, boolean narrow, int from) {
        if (fourStreams) {
            return narrow ? readSum4Streams256(data, from) : readSum4Streams(data, from);
        }
        return narrow ? readSum256(data, from) : readSum(data, from);
    }

    private static final VectorSpecies<Float> S256 = FloatVector.SPECIES_256;
    @SuppressWarnings("unchecked")
    private static final Class<FloatVector> VT256 = (Class<FloatVector>) (Class<?>) S256.vectorType();

    /**
     * Sums {@code data} from float {@code from} as four sequential streams, one per quarter of the array, side by
     * side: one core keeps more cache misses in flight with several streams than with one, and reads faster (13-15
     * against 21-24 GB/s on the machine the README describes). The decode step reads its K and V blocks this way.
     * (Floats before from and past the last whole vector of each quarter are not read.)
     */
    static float readSum4Streams(float[] data, int from) {
        int q = (data.length - from) / 4 / S.length() * S.length();
        FloatVector s0 = VT.cast(FloatVector.zero(S));
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int i = from; i < from + q; i += S.length()) {
            s0 = VT.cast(s0).add(VT.cast(FloatVector.fromArray(S, data, i)));
            s1 = VT.cast(s1).add(VT.cast(FloatVector.fromArray(S, data, q + i)));
            s2 = VT.cast(s2).add(VT.cast(FloatVector.fromArray(S, data, 2 * q + i)));
            s3 = VT.cast(s3).add(VT.cast(FloatVector.fromArray(S, data, 3 * q + i)));
        }
        return VT.cast(VT.cast(VT.cast(s0).add(s1)).add(s2)).add(s3).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #readSum4Streams} on 256-bit vectors. */
    static float readSum4Streams256(float[] data, int from) {
        int q = (data.length - from) / 4 / S256.length() * S256.length();
        FloatVector s0 = VT256.cast(FloatVector.zero(S256));
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        for (int i = from; i < from + q; i += S256.length()) {
            s0 = VT256.cast(s0).add(VT256.cast(FloatVector.fromArray(S256, data, i)));
            s1 = VT256.cast(s1).add(VT256.cast(FloatVector.fromArray(S256, data, q + i)));
            s2 = VT256.cast(s2).add(VT256.cast(FloatVector.fromArray(S256, data, 2 * q + i)));
            s3 = VT256.cast(s3).add(VT256.cast(FloatVector.fromArray(S256, data, 3 * q + i)));
        }
        return VT256.cast(VT256.cast(VT256.cast(s0).add(s1)).add(s2)).add(s3).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Sums {@code data} from float {@code from} with 4 vector accumulators (enough loads in flight to be bound by
     * memory, not latency); floats past the last whole step are not read.
     */
    static float readSum(float[] data, int from) {
        FloatVector s0 = VT.cast(FloatVector.zero(S));
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int step = 4 * S.length();
        for (int i = from; i + step <= data.length; i += step) {
            s0 = VT.cast(s0).add(VT.cast(FloatVector.fromArray(S, data, i)));
            s1 = VT.cast(s1).add(VT.cast(FloatVector.fromArray(S, data, i + S.length())));
            s2 = VT.cast(s2).add(VT.cast(FloatVector.fromArray(S, data, i + 2 * S.length())));
            s3 = VT.cast(s3).add(VT.cast(FloatVector.fromArray(S, data, i + 3 * S.length())));
        }
        return VT.cast(VT.cast(VT.cast(s0).add(s1)).add(s2)).add(s3).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #readSum} on 256-bit vectors. */
    static float readSum256(float[] data, int from) {
        FloatVector s0 = VT256.cast(FloatVector.zero(S256));
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int step = 4 * S256.length();
        for (int i = from; i + step <= data.length; i += step) {
            s0 = VT256.cast(s0).add(VT256.cast(FloatVector.fromArray(S256, data, i)));
            s1 = VT256.cast(s1).add(VT256.cast(FloatVector.fromArray(S256, data, i + S256.length())));
            s2 = VT256.cast(s2).add(VT256.cast(FloatVector.fromArray(S256, data, i + 2 * S256.length())));
            s3 = VT256.cast(s3).add(VT256.cast(FloatVector.fromArray(S256, data, i + 3 * S256.length())));
        }
        return VT256.cast(VT256.cast(VT256.cast(s0).add(s1)).add(s2)).add(s3).reduceLanes(VectorOperators.ADD);
    }
}
