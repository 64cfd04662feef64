package dev.attn4j.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two hardware anchors every other benchmark is read against, measured in the same JMH run:
 *
 * <ul>
 *   <li>{@link #fmaPeak}: the float FMA throughput of one core from Java — {@value #CHAINS} independent
 *       {@code c = fma(x, y, c)} chains on {@link FloatVector#SPECIES_PREFERRED} (so it follows
 *       {@code -XX:MaxVectorSize}). An FMA has a latency of 4–5 cycles and 2 pipes issue one each per cycle,
 *       so ≥ 10 chains in flight keep both pipes busy; 12 chains plus the 2 operands fit in 16 vector
 *       registers (AVX2), so nothing spills. The chain value is the addend, as in a GEMM's accumulators, so
 *       each step is one in-place FMA ({@code vfmadd231ps c, x, y}). With the chain value as the multiplicand,
 *       {@code c = fma(c, x, y)}, C2 has no in-place form: it copies y into a fresh register before every FMA,
 *       runs out of registers and keeps the chains on the stack; that loop read 0.6–0.85 of this one (and of
 *       the C yardstick). Secondary result {@code flops} (ops/s = FLOP/s, 2 per lane).</li>
 *   <li>{@link #readBandwidth}: sequential read bandwidth of one core over a buffer of {@code mib} MiB
 *       (default 64, far beyond L2 and L3, so DRAM), read as four concurrent streams ({@link
 *       VectorAnchors#readSum4Streams}, the report's loop) in the fastest of the loop's forms (start offsets and
 *       vector sizes, see {@link #readForm}). Secondary result {@code bytes} (ops/s = bytes/s).</li>
 * </ul>
 *
 * Run: {@code java -jar bench/target/benchmarks.jar PeakBench -f 1 -wi 3 -i 5 -w 1 -r 1}. For the 128-bit
 * peak add {@code -jvmArgsAppend "--add-modules=jdk.incubator.vector -Xms2g -Xmx2g -XX:MaxVectorSize=16"}:
 * a command-line {@code -jvmArgsAppend} replaces the {@code @Fork} one, so it must repeat the module flag.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class PeakBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** S's concrete vector class: {@code VT.cast} on the chains keeps C2 off the shared, possibly polluted, Vector API
     * type profiles (see dev.attn4j.simd.VectorWidth#VECTOR), so the peak is not read low after other vector code ran. */
    @SuppressWarnings("unchecked")
    static final Class<FloatVector> VT = (Class<FloatVector>) (Class<?>) S.vectorType();
    static final int CHAINS = 12;
    /** Steps per call: long enough that call overhead is noise, short enough for JMH's timer. */
    static final int STEPS = 1 << 16;

    /** Operation counters JMH turns into rates (per second). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long flops;
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
            bytes = 0;
        }
    }

    @Param({"64"})
    public int mib;

    // non-final, so C2 cannot fold them
    float x = CHAIN_FACTOR;
    float y = CHAIN_FACTOR;
    float[] buffer;

    @Setup
    public void setUp() {
        buffer = new float[mib * 1024 * 1024 / 4];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (i % 7) * 0.25f;
        }
    }

    @Benchmark
    public float fmaPeak(Counters counters) {
        float r = fmaChains(x, y, STEPS);
        counters.flops += 2L * CHAINS * S.length() * STEPS;
        return r;
    }

    @Benchmark
    public float readBandwidth(Counters counters) {
        if (readForm == null) {
            readForm = VectorAnchors.fastestRead(buffer, true);
        }
        float r = VectorAnchors.read(buffer, true, readForm[0] == 1, readForm[1]);
        counters.bytes += 4L * buffer.length;
        return r;
    }

    /**
     * The form of {@link #readBandwidth}'s loop ({@link VectorAnchors#fastestRead}: start offset and vector size),
     * chosen on first use: a 512-bit loop from float 0 splits every load across two cache lines and would understate
     * what the machine can read. (The loop leaves out at most a few vectors of the buffer; the bytes counted are the
     * buffer's, an error below 1e-5.)
     */
    int[] readForm;

    /** The factor x = y of the chains that {@link #fmaChains(int)} and {@link #fmaPeak} run. */
    static final float CHAIN_FACTOR = 1e-4f;

    /** {@link #fmaChains(float, float, int)} with x = y = {@link #CHAIN_FACTOR}: the yardstick of every benchmark. */
    static float fmaChains(int steps) {
        return fmaChains(CHAIN_FACTOR, CHAIN_FACTOR, steps);
    }

    /**
     * {@value #CHAINS} independent chains c ← x·y + c from distinct starts in [0.1, 1.2]. The callers pass
     * x = y = 1e-4: the product, 1e-8, is below half an ulp of every chain value, so the values never move,
     * at any step count (no overflow, no subnormals) — and C2 cannot know that, so every FMA executes.
     */
    static float fmaChains(float xs, float ys, int steps) {
        FloatVector x = FloatVector.broadcast(S, xs);
        FloatVector y = FloatVector.broadcast(S, ys);
        FloatVector c0 = FloatVector.broadcast(S, 0.1f);
        FloatVector c1 = FloatVector.broadcast(S, 0.2f);
        FloatVector c2 = FloatVector.broadcast(S, 0.3f);
        FloatVector c3 = FloatVector.broadcast(S, 0.4f);
        FloatVector c4 = FloatVector.broadcast(S, 0.5f);
        FloatVector c5 = FloatVector.broadcast(S, 0.6f);
        FloatVector c6 = FloatVector.broadcast(S, 0.7f);
        FloatVector c7 = FloatVector.broadcast(S, 0.8f);
        FloatVector c8 = FloatVector.broadcast(S, 0.9f);
        FloatVector c9 = FloatVector.broadcast(S, 1.0f);
        FloatVector c10 = FloatVector.broadcast(S, 1.1f);
        FloatVector c11 = FloatVector.broadcast(S, 1.2f);
        for (int i = 0; i < steps; i++) {
            c0 = VT.cast(x).fma(y, c0);
            c1 = VT.cast(x).fma(y, c1);
            c2 = VT.cast(x).fma(y, c2);
            c3 = VT.cast(x).fma(y, c3);
            c4 = VT.cast(x).fma(y, c4);
            c5 = VT.cast(x).fma(y, c5);
            c6 = VT.cast(x).fma(y, c6);
            c7 = VT.cast(x).fma(y, c7);
            c8 = VT.cast(x).fma(y, c8);
            c9 = VT.cast(x).fma(y, c9);
            c10 = VT.cast(x).fma(y, c10);
            c11 = VT.cast(x).fma(y, c11);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
