package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
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
 * {@code scaledSoftmax} on {@link #ROWS} rows of {@code cols} scores (each call first copies the
 * input back, in every variant): the SIMD kernel (polynomial exp), the same three-pass kernel with
 * {@code VectorOperators.EXP} instead, and a scalar loop with {@link Math#exp}.
 *
 * <pre>java -jar bench/target/benchmarks.jar SoftmaxBench -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class SoftmaxBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ROWS = 64;

    @Param({"64", "256", "1024", "4096"})
    public int cols;

    float[] src, work;
    float scale = 0.125f;
    Kernels simd;

    @Setup(Level.Trial)
    public void setup() {
        simd = Kernels.best();
        if (!simd.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + simd.name());
        }
        Random rnd = new Random(3);
        src = new float[ROWS * cols];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) (8 * rnd.nextGaussian());
        }
        work = new float[src.length];
        // all variants agree with the float64 reference before timing (|err| ≤ 1e-6 + 1e-4·p)
        float[] want = src.clone();
        Kernels.reference().scaledSoftmax(ROWS, cols, scale, want, 0, cols, ScoreMask.none());
        check("simd", simdPolynomialExp(), want);
        check("vectorApiExp", simdVectorApiExp(), want);
        check("scalarMathExp", scalarMathExp(), want);
    }

    private static void check(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= 1e-6f + 1e-4f * want[i])) {
                throw new IllegalStateException(what + " disagrees with the reference at " + i + ": " + got[i]
                        + " vs " + want[i]);
            }
        }
    }

    /** The library kernel: fused scale, polynomial exp. */
    @Benchmark
    public float[] simdPolynomialExp() {
        restore();
        return simdPolynomialExpInPlace();
    }

    float[] simdPolynomialExpInPlace() {
        simd.scaledSoftmax(ROWS, cols, scale, work, 0, cols, ScoreMask.none());
        return work;
    }

    /**
     * The copy alone that every variant starts with: subtract it from each variant's time for the softmax alone
     * (a scalar call on 64 rows of 64 takes some 40 µs, a SIMD one 4 µs, the copy of 16 KiB 0.2-0.3 µs).
     */
    @Benchmark
    public float[] copyOnly() {
        restore();
        return work;
    }

    /** Copies the scores back into the work rows (each variant works in place). */
    void restore() {
        System.arraycopy(src, 0, work, 0, src.length);
    }

    /** The same three passes with the Vector API's EXP (an SVML/libm call per vector). */
    @Benchmark
    public float[] simdVectorApiExp() {
        restore();
        return simdVectorApiExpInPlace();
    }

    float[] simdVectorApiExpInPlace() {
        int bound = S.loopBound(cols);
        for (int r = 0; r < ROWS; r++) {
            int off = r * cols;
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int j = 0;
            for (; j < bound; j += S.length()) {
                FloatVector z = FloatVector.fromArray(S, work, off + j).mul(scale);
                mv = mv.blend(z, mv.lt(z));
            }
            float max = mv.reduceLanes(VectorOperators.MAX);
            for (; j < cols; j++) {
                max = Math.max(max, work[off + j] * scale);
            }
            FloatVector sv = FloatVector.zero(S);
            for (j = 0; j < bound; j += S.length()) {
                FloatVector e = FloatVector.fromArray(S, work, off + j).mul(scale).sub(max)
                        .lanewise(VectorOperators.EXP);
                e.intoArray(work, off + j);
                sv = sv.add(e);
            }
            float sum = sv.reduceLanes(VectorOperators.ADD);
            for (; j < cols; j++) {
                float e = (float) Math.exp(work[off + j] * scale - max);
                work[off + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (j = 0; j < bound; j += S.length()) {
                FloatVector.fromArray(S, work, off + j).mul(inv).intoArray(work, off + j);
            }
            for (; j < cols; j++) {
                work[off + j] *= inv;
            }
        }
        return work;
    }

    /** The baseline the issue names: a scalar loop with Math.exp. */
    @Benchmark
    public float[] scalarMathExp() {
        restore();
        return scalarMathExpInPlace();
    }

    float[] scalarMathExpInPlace() {
        for (int r = 0; r < ROWS; r++) {
            int off = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, scale * work[off + j]);
            }
            float sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(scale * work[off + j] - max);
                work[off + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) {
                work[off + j] *= inv;
            }
        }
        return work;
    }

    /**
     * Noise-robust speed-up: {@code java -cp benchmarks.jar dev.attn4j.bench.SoftmaxBench [rounds]}
     * alternates the three variants per round (each on freshly copied input, the copy untimed), and prints per
     * width the median over rounds of scalar time ÷ variant time. Calls are timed with {@link System#nanoTime}
     * (tens of ns per reading), not thread CPU time: a {@code ThreadMXBean} reading costs about 0.85 µs here,
     * a fifth of one SIMD call on 64 rows of 64, and counting it in every call understated that speed-up by
     * a fifth. A call that loses the core shows up as an outlier, which the median drops.
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        for (int cols : new int[] {4096, 1024, 256, 64}) {
            SoftmaxBench b = new SoftmaxBench();
            b.cols = cols;
            b.setup();
            double[] poly = new double[rounds];
            double[] api = new double[rounds];
            double[] scalarNs = new double[rounds];
            long warm = System.nanoTime() + 2_000_000_000L; // 2 s of warm-up so all three are C2-compiled
            while (System.nanoTime() < warm) {
                b.scalarMathExp();
                b.simdPolynomialExp();
                b.simdVectorApiExp();
            }
            for (int i = 0; i < rounds; i++) {
                // the input is copied back before each variant, untimed: the ratio is of softmax alone
                b.restore();
                long t0 = System.nanoTime();
                b.scalarMathExpInPlace();
                long t1 = System.nanoTime();
                b.restore();
                long t2 = System.nanoTime();
                b.simdPolynomialExpInPlace();
                long t3 = System.nanoTime();
                b.restore();
                long t4 = System.nanoTime();
                b.simdVectorApiExpInPlace();
                long t5 = System.nanoTime();
                poly[i] = (double) (t1 - t0) / (t3 - t2);
                scalarNs[i] = t1 - t0;
                api[i] = (double) (t1 - t0) / (t5 - t4);
            }
            java.util.Arrays.sort(poly);
            java.util.Arrays.sort(api);
            java.util.Arrays.sort(scalarNs);
            System.out.printf("cols=%5d: speed-up over scalar Math.exp, median of %d: polynomial exp %.1fx, "
                    + "VectorOperators.EXP %.1fx (scalar %.1f us/call)%n", cols, rounds, poly[rounds / 2],
                    api[rounds / 2], scalarNs[rounds / 2] / 1e3);
        }
    }
}
