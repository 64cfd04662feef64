package dev.attn4j.bench;

import dev.attn4j.Kernels;
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
 * {@code java -jar bench/target/benchmarks.jar 'GemmBench|PeakBench' -f 1 -wi 3 -i 5 -w 1 -r 1}.
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
}
