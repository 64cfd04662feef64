package dev.attn4j.bench;

import dev.attn4j.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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

    /** The read loop of the anchor: the fastest form over V (see {@link VectorAnchors#fastestRead}). */
    int[] readForm;

    /**
     * Read bandwidth anchor: sums V as one sequential stream, in the fastest of the loop's forms (start offset,
     * vector size), chosen once per trial: a 512-bit loop from float 0 splits every load across two cache lines and
     * would understate what the machine can read.
     */
    @Benchmark
    public float anchorReadBandwidth() {
        if (readForm == null) {
            readForm = VectorAnchors.fastestRead(v, false);
        }
        return VectorAnchors.read(v, false, readForm[0] == 1, readForm[1]);
    }
}
