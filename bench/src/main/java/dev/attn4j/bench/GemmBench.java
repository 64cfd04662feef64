package dev.attn4j.bench;

import dev.attn4j.Kernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code Kernels.best().gemm} on float32, one thread: C = A·B (α = 1, β = 0) for the shapes attention and the
 * acceptance targets use. The shape is {@code MxNxK:T} with T one of NN, NT, TN, TT (op(A) op(B)).
 *
 * <p>Secondary results (ops/s): {@code flops} = 2·m·n·k per call, to read against {@link PeakBench#fmaPeak};
 * {@code bytes} = 4·(m·k + k·n), the operands read once, to read GEMV (m = 1) against
 * {@link PeakBench#readBandwidth}. Run both in the same JMH invocation and use the ratios:
 * {@code java -jar bench/target/benchmarks.jar 'GemmBench|PeakBench' -f 1 -wi 3 -i 5 -w 1 -r 1}; for another
 * width, {@code -jvmArgsAppend "--add-modules=jdk.incubator.vector -Xms2g -Xmx2g -XX:MaxVectorSize=16"} (it
 * replaces the {@code @Fork} arguments; without the module flag {@link #setUp} fails: scalar kernels).
 *
 * <p>{@link #main} is a second harness for shared, loaded machines, where JMH's wall-clock rates of two
 * benchmarks run minutes apart are not comparable: it alternates short slices of the FMA peak (or the read
 * bandwidth, for m = 1) and the GEMM in one JVM, times each slice in thread CPU time (so time the scheduler
 * gives to other processes is not counted), and prints the median of the per-pair ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class GemmBench {

    @Param({"256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN", "2048x2048x2048:NN",
            "257x257x257:NN", "1000x1000x1000:NN", "1023x1023x1023:NN",
            "512x512x64:NT", "512x64x512:NN", "2048x2048x64:NT",
            "1x4096x4096:NN"})
    public String shape;

    int m;
    int n;
    int k;
    boolean transA;
    boolean transB;
    float[] a;
    float[] b;
    float[] c;
    Kernels kernels;

    @Setup
    public void setUp() {
        String[] f = shape.trim().split("[x:]");
        m = Integer.parseInt(f[0]);
        n = Integer.parseInt(f[1]);
        k = Integer.parseInt(f[2]);
        transA = f[3].charAt(0) == 'T';
        transB = f[3].charAt(1) == 'T';
        SplittableRandom rnd = new SplittableRandom(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        kernels = Kernels.best();
        if (!kernels.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active (got " + kernels.name() + ")");
        }
    }

    @Benchmark
    public float[] gemm(PeakBench.Counters counters) {
        kernels.gemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        counters.flops += 2L * m * n * k;
        counters.bytes += 4L * ((long) m * k + (long) k * n);
        return c;
    }

    /**
     * Interleaved ratios: {@code java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar
     * dev.attn4j.bench.GemmBench [shape ...]} (default: the {@code shape} parameters above); slice length
     * {@code -Dslice.ms=100}, pairs {@code -Dpairs=21}, each shape's warm-up {@code -Dwarmup.ms=2000} of CPU time
     * before its pairs; the read bandwidth GEMV is set against reads {@code -Dread.mib=64} MiB (beyond L3, as
     * B of 4096²; 4 for B of 1024², which stays in L3).
     */
    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args : defaultShapes();
        long slice = Long.getLong("slice.ms", 100) * 1_000_000L;
        int pairs = Integer.getInteger("pairs", 21);
        long warmup = Long.getLong("warmup.ms", 2000) * 1_000_000L;
        System.out.println("# " + Kernels.best().name() + ", " + Runtime.version() + ", slices of "
                + slice / 1_000_000 + " ms CPU time, median of " + pairs + " pairs after a warm-up of "
                + warmup / 1_000_000 + " ms per shape");
        System.out.printf("%-18s %10s %10s %7s%n", "shape", "GFLOPS", "peak", "ratio");
        PeakBench peak = new PeakBench();
        peak.mib = Integer.getInteger("read.mib", 64);
        if (peak.mib < 1 || peak.mib > 1024) {
            throw new IllegalArgumentException("read.mib must be in 1 … 1024 but was " + peak.mib);
        }
        peak.setUp();
        PeakBench.Counters pc = new PeakBench.Counters();
        for (String sh : shapes) {
            GemmBench g = new GemmBench();
            g.shape = sh;
            g.setUp();
            boolean gemv = g.m == 1;
            PeakBench.Counters gc = new PeakBench.Counters();
            double[] ratio = new double[pairs];
            double[] rate = new double[pairs];
            double[] anchor = new double[pairs];
            // warm-up: the kernels' first calls run interpreted or in C1 (the Vector API there allocates a box per
            // operation) until C2 has compiled them; a shape's fringe kernels may be new to the JVM
            cpuSlice(warmup, () -> g.gemm(gc));
            for (int r = -3; r < pairs; r++) { // and 3 pairs
                pc.reset();
                long t = cpuSlice(slice, () -> {
                    if (gemv) {
                        sink += peak.readBandwidth(pc);
                    } else {
                        sink += peak.fmaPeak(pc);
                    }
                });
                double a = (gemv ? pc.bytes : pc.flops) / (double) t;
                gc.reset();
                t = cpuSlice(slice, () -> g.gemm(gc));
                double x = (gemv ? gc.bytes : gc.flops) / (double) t;
                if (r >= 0) {
                    ratio[r] = x / a;
                    rate[r] = x;
                    anchor[r] = a;
                }
            }
            Arrays.sort(ratio);
            Arrays.sort(rate);
            Arrays.sort(anchor);
            System.out.printf("%-18s %10.1f %10.1f %7.3f%s%n", sh, rate[pairs / 2], anchor[pairs / 2],
                    ratio[pairs / 2], gemv ? "   (GB/s vs read bandwidth)" : "");
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * Where the anchors' results go: a read loop whose sum is dropped is dead code to C2, which removed it once the
     * call was inlined into the slice (JDK 25, a 4 MiB buffer read at "7,500 GB/s").
     */
    static float sink;

    /** Runs body repeatedly for at least the given thread CPU time; returns the CPU nanoseconds used. */
    private static long cpuSlice(long nanos, Runnable body) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        long t;
        do {
            body.run();
            t = THREADS.getCurrentThreadCpuTime() - t0;
        } while (t < nanos);
        return t;
    }

    private static String[] defaultShapes() {
        try {
            return GemmBench.class.getField("shape").getAnnotation(Param.class).value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
