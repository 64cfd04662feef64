package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
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
 * Fused attention, d = 64, one thread: time per call of all heads. GFLOPS = flops / time with
 * 4·N²·d flops per head (2·N²·d when causal). {@link #anchorFmaPeak} in the same run gives the
 * single-core FMA peak (its flops are {@link #PEAK_FLOPS} per call), so the ratio is noise-robust.
 * Heads are interleaved as in a [N, H·d] activation (leading dimension H·d).
 *
 * <pre>java -jar bench/target/benchmarks.jar FlashAttentionBench -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 *
 * {@link #main} runs the long-sequence scaling check (N = 4k … 64k, one head) in the calling JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class FlashAttentionBench {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int D = 64;
    /** Iterations of the anchor loop; flops per anchor call = PEAK_ITERS · 12 · 2 · lanes. */
    static final int PEAK_ITERS = 2_000_000;
    static final long PEAK_FLOPS = (long) PEAK_ITERS * 12 * 2 * S.length();

    @Param({"512", "2048", "8192"})
    public int n;
    @Param({"1", "8"})
    public int heads;
    @Param({"false", "true"})
    public boolean causal;

    float[] q, k, v, out;
    float scale;
    ScoreMask mask;
    Kernels simd;

    @Setup(Level.Trial)
    public void setup() {
        simd = Kernels.best();
        if (!simd.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + simd.name());
        }
        Random rnd = new Random(1);
        int ld = heads * D;
        q = fill(n * ld, rnd);
        k = fill(n * ld, rnd);
        v = fill(n * ld, rnd);
        out = new float[n * ld];
        scale = (float) (1 / Math.sqrt(D));
        mask = causal ? ScoreMask.causal() : ScoreMask.none();
        // agree with the reference before timing: rows 0..15 and the last 16 rows of head 0
        attention();
        Kernels ref = Kernels.reference();
        for (int row0 : new int[] {0, n - 16}) {
            float[] want = new float[16 * D];
            ref.flashAttention(16, n, D, D, scale, q, row0 * ld, ld, k, 0, ld, v, 0, ld, mask.subMask(row0, 0),
                    want, 0, D);
            for (int i = 0; i < 16; i++) {
                for (int c = 0; c < D; c++) {
                    float g = out[(row0 + i) * ld + c];
                    float w = want[i * D + c];
                    if (!(Math.abs(g - w) <= 1e-4f)) { // |v| ≲ 4, errors ~1e-6 expected
                        throw new IllegalStateException("SIMD attention disagrees with the reference at row "
                                + (row0 + i) + " col " + c + ": " + g + " vs " + w);
                    }
                }
            }
        }
    }

    static float[] fill(int len, Random rnd) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public float[] attention() {
        int ld = heads * D;
        for (int h = 0; h < heads; h++) {
            simd.flashAttention(n, n, D, D, scale, q, h * D, ld, k, h * D, ld, v, h * D, ld, mask, out, h * D, ld);
        }
        return out;
    }

    /**
     * Single-core FMA peak: {@link PeakBench#fmaChains}, 12 independent accumulator chains (Zen 3: 2 FMA pipes ×
     * 4 cycles latency needs ≥ 8 in flight), each an FMA per iteration. {@link #PEAK_FLOPS} flops per call.
     */
    @Benchmark
    public float anchorFmaPeak() {
        return fmaPeak();
    }

    /** The anchor's results outside the JMH methods go here, so that C2 cannot drop the chains as dead code. */
    static float sink;

    static float fmaPeak() {
        return PeakBench.fmaChains(PEAK_ITERS);
    }

    /**
     * Scaling check: {@code java -Xmx512m --add-modules=jdk.incubator.vector -cp benchmarks.jar
     * dev.attn4j.bench.FlashAttentionBench [maxN]} — one head, d = 64, N = 4096 … maxN (default 65536)
     * doubling; prints thread CPU and wall seconds per call, and the least-squares slope of log(CPU time)
     * against log(N) (2 means time ∝ N²).
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ratio")) {
            ratio(args);
            return;
        }
        int maxN = args.length > 0 ? Integer.parseInt(args[0]) : 65536;
        Kernels simd = Kernels.best();
        Random rnd = new Random(2);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double peak = 0;
        for (int r = 0; r < 20; r++) { // best of 20 anchor calls, in thread CPU time
            long t0 = mx.getCurrentThreadCpuTime();
            sink += fmaPeak();
            peak = Math.max(peak, PEAK_FLOPS / ((mx.getCurrentThreadCpuTime() - t0) * 1e-9) / 1e9);
        }
        System.out.printf("kernels %s, max heap %d MB, FMA peak (same JVM) %.1f GFLOPS%n", simd.name(),
                Runtime.getRuntime().maxMemory() >> 20, peak);
        // warm up the kernel on a small problem
        float[] wq = fill(1024 * D, rnd);
        float[] wo = new float[1024 * D];
        for (int r = 0; r < 20; r++) {
            simd.flashAttention(1024, 1024, D, D, 0.125f, wq, 0, D, wq, 0, D, wq, 0, D, ScoreMask.none(), wo, 0, D);
        }
        // thread CPU time as well as wall time: on a shared machine the wall clock includes other work
        java.util.List<double[]> points = new java.util.ArrayList<>();
        for (int len = 4096; len <= maxN; len *= 2) {
            float[] q = fill(len * D, rnd);
            float[] k = fill(len * D, rnd);
            float[] v = fill(len * D, rnd);
            float[] o = new float[len * D];
            long w0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            simd.flashAttention(len, len, D, D, 0.125f, q, 0, D, k, 0, D, v, 0, D, ScoreMask.none(), o, 0, D);
            double cpu = (mx.getCurrentThreadCpuTime() - c0) * 1e-9;
            double wall = (System.nanoTime() - w0) * 1e-9;
            double check = 0;
            for (float x : o) {
                check += x;
            }
            System.out.printf("N=%6d: cpu %8.3f s (%.1f GFLOPS, %.2f of peak), wall %8.3f s [checksum %.4f]%n", len,
                    cpu, 4.0 * len * len * D / cpu / 1e9, 4.0 * len * len * D / cpu / 1e9 / peak, wall, check);
            points.add(new double[] {Math.log(len), Math.log(cpu)});
        }
        // least-squares slope of log(cpu time) against log(N): 2 means time ∝ N²
        double mxv = 0, myv = 0;
        for (double[] p : points) {
            mxv += p[0] / points.size();
            myv += p[1] / points.size();
        }
        double sxy = 0, sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mxv) * (p[1] - myv);
            sxx += (p[0] - mxv) * (p[0] - mxv);
        }
        System.out.printf("slope of log(time) vs log(N) over N = 4096 … %d: %.3f%n", maxN, sxy / sxx);
    }

    /**
     * Noise-robust same-run ratio: {@code ratio N heads causal rounds} alternates one anchor call and one
     * attention call per round, timed in thread CPU time, and prints the median over rounds of
     * (attention GFLOPS / anchor GFLOPS).
     */
    static void ratio(String[] args) {
        FlashAttentionBench b = new FlashAttentionBench();
        b.n = Integer.parseInt(args[1]);
        b.heads = Integer.parseInt(args[2]);
        b.causal = Boolean.parseBoolean(args[3]);
        int rounds = Integer.parseInt(args[4]);
        b.setup();
        double flops = (b.causal ? 2.0 : 4.0) * b.n * (double) b.n * D * b.heads;
        double[] r = new double[rounds];
        double[] g = new double[rounds];
        // thread CPU time, not wall time: on a shared machine the thread is descheduled at random
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long warm = System.nanoTime() + 3_000_000_000L; // 3 s of warm-up so both are C2-compiled
        while (System.nanoTime() < warm) {
            sink += fmaPeak();
            b.attention();
        }
        for (int i = 0; i < rounds; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink += fmaPeak();
            long t1 = mx.getCurrentThreadCpuTime();
            b.attention();
            long t2 = mx.getCurrentThreadCpuTime();
            double peak = PEAK_FLOPS / ((t1 - t0) * 1e-9);
            g[i] = flops / ((t2 - t1) * 1e-9) / 1e9;
            r[i] = g[i] * 1e9 / peak;
        }
        java.util.Arrays.sort(r);
        java.util.Arrays.sort(g);
        System.out.printf("N=%d heads=%d causal=%b: median %.1f GFLOPS, median ratio to FMA peak %.3f (min %.3f, max %.3f)%n",
                b.n, b.heads, b.causal, g[rounds / 2], r[rounds / 2], r[0], r[rounds - 1]);
    }
}
