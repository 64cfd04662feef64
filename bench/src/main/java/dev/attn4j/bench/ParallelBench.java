package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.ScoreMask;
import dev.attn4j.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Scaling of the opt-in parallelism: the same GEMM and fused attention on {@link Kernels#parallel}, and
 * the same {@link MultiHeadAttention} (E = 512, h = 8, N = n tokens, B = 1, no mask) built with an
 * executor, on 1 and 2 threads (the caller plus a ForkJoinPool), in one run, so the speed-up is a
 * same-run ratio. GFLOPS = 2·n³ / time for GEMM; 4·N²·d·heads / time for attention;
 * {@link MhaFlops#forwardFlops} / time for MHA.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ParallelBench {

    @Param({"1", "2"})
    public int threads;

    @Param({"1024", "2048"})
    public int n;

    private ForkJoinPool pool;
    private Kernels kernels;
    private float[] a;
    private float[] b;
    private float[] c;
    // attention: 8 heads of d = 64 over n tokens, heads side by side in [n, 512] rows
    private static final int HEADS = 8;
    private static final int D = 64;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] o;
    // MHA: E = 512 = HEADS·D
    private MultiHeadAttention mha;
    private Tensor x;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new ForkJoinPool(Math.max(1, threads - 1));
        Kernels best = Kernels.best();
        if (!best.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + best.name());
        }
        kernels = threads == 1 ? best : best.parallel(pool, threads);
        Random r = new Random(42);
        a = fill(r, n * n);
        b = fill(r, n * n);
        c = new float[n * n];
        q = fill(r, n * HEADS * D);
        k = fill(r, n * HEADS * D);
        v = fill(r, n * HEADS * D);
        o = new float[n * HEADS * D];
        // the parallel result must be bitwise the single-thread one before anything is timed
        float[] c1 = new float[n * n];
        best.gemm(false, true, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c1, 0, n);
        kernels.gemm(false, true, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        if (!Arrays.equals(c1, c)) {
            throw new IllegalStateException("parallel GEMM differs from one thread");
        }
        MhaWeights w = MhaWeights.random(HEADS * D, HEADS, 2024);
        mha = w.build(best, pool, threads);
        if (mha.parallelism() != threads) {
            throw new IllegalStateException("MHA runs on " + mha.parallelism() + " threads, not " + threads);
        }
        x = Tensor.wrap(fill(r, n * HEADS * D), 1, n, HEADS * D);
        float[] y1 = w.build(best).forward(x, AttentionMask.none()).data();
        if (!Arrays.equals(y1, mha.forward(x, AttentionMask.none()).data())) {
            throw new IllegalStateException("MHA on " + threads + " threads differs from one thread");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    private static float[] fill(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        return x;
    }

    /** C = A·Bᵀ, n×n×n. */
    @Benchmark
    public float[] gemm() {
        kernels.gemm(false, true, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }

    /** Eight heads of fused attention, one after another, each split over query tiles. */
    @Benchmark
    public float[] attention8Heads() {
        int ld = HEADS * D;
        for (int h = 0; h < HEADS; h++) {
            kernels.flashAttention(n, n, D, D, 0.125f, q, h * D, ld, k, h * D, ld, v, h * D, ld, ScoreMask.none(),
                    o, h * D, ld);
        }
        return o;
    }

    /** Multi-head self-attention forward: projections, 8 heads of fused attention, output projection. */
    @Benchmark
    public Tensor mha() {
        return mha.forward(x, AttentionMask.none());
    }
}
