package dev.attn4j.bench;

import dev.attn4j.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * Decode step: {@code out = Σ_j w_j·V_j} for one query against n cached value rows of d = 64
 * (V is n·64·4 bytes: 256 KB … 64 MB, so from L2-resident to DRAM). GB/s = V bytes / time.
 * {@link #anchorReadBandwidth} streams the same bytes (a vector sum over V) in the same run: the
 * ratio weightedSum GB/s ÷ anchor GB/s is what the issue asks to be ≥ 0.8 beyond L2.
 *
 * <pre>java -jar bench/target/benchmarks.jar WeightedSumBench -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class WeightedSumBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int D = 64;

    @Param({"1024", "8192", "65536", "262144"})
    public int n;

    float[] w, v, out;
    Kernels simd;

    @Setup(Level.Trial)
    public void setup() {
        simd = Kernels.best();
        if (!simd.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + simd.name());
        }
        Random rnd = new Random(4);
        w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = rnd.nextFloat() / n;
        }
        v = new float[n * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        out = new float[D];
        float[] want = new float[D];
        Kernels.reference().weightedSum(n, D, w, 0, v, 0, D, want, 0);
        weightedSum();
        for (int c = 0; c < D; c++) {
            // bound (n+1)·u·Σ|w v| ≤ (n+1)·2^-24·max|v| (Σ w = 1): generous 1e-3 absolute
            if (!(Math.abs(out[c] - want[c]) <= 1e-3f)) {
                throw new IllegalStateException("SIMD weightedSum disagrees at " + c + ": " + out[c] + " vs " + want[c]);
            }
        }
    }

    @Benchmark
    public float[] weightedSum() {
        simd.weightedSum(n, D, w, 0, v, 0, D, out, 0);
        return out;
    }

    /** Read bandwidth anchor: sums every float of V with 8 independent vector accumulators. */
    @Benchmark
    public float anchorReadBandwidth() {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        float[] x = v;
        for (int i = 0; i + 8 * l <= x.length; i += 8 * l) {
            a0 = a0.add(FloatVector.fromArray(S, x, i));
            a1 = a1.add(FloatVector.fromArray(S, x, i + l));
            a2 = a2.add(FloatVector.fromArray(S, x, i + 2 * l));
            a3 = a3.add(FloatVector.fromArray(S, x, i + 3 * l));
            a4 = a4.add(FloatVector.fromArray(S, x, i + 4 * l));
            a5 = a5.add(FloatVector.fromArray(S, x, i + 5 * l));
            a6 = a6.add(FloatVector.fromArray(S, x, i + 6 * l));
            a7 = a7.add(FloatVector.fromArray(S, x, i + 7 * l));
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }
}
