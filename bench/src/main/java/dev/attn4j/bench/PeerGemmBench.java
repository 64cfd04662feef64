package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.bench.peers.EjmlGemm;
import dev.attn4j.bench.peers.GemmPeer;
import dev.attn4j.bench.peers.NetlibGemm;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Square GEMM {@code C = A·B} on attn4j's active kernels and on the peers, same sizes, same run.
 * GFLOPS = 2n³ / time. Each trial first checks 64 sampled entries of C against a float64 dot product
 * within γ_n·Σ|a||b| (n products, ε = 2⁻²⁴), so a peer called with the wrong layout cannot be timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
@State(Scope.Thread)
public class PeerGemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int n;
    @Param({"attn4j", "EJML", "netlib"})
    public String impl;

    float[] a;
    float[] b;
    float[] c;
    GemmPeer peer;
    Kernels kernels;

    @Setup(Level.Trial)
    public void setup() {
        Random r = new Random(n);
        a = QuickBench.random(r, n * n);
        b = QuickBench.random(r, n * n);
        c = new float[n * n];
        switch (impl) {
            case "attn4j" -> kernels = Kernels.best();
            case "EJML" -> peer = new EjmlGemm();
            case "netlib" -> peer = new NetlibGemm();
            default -> throw new IllegalArgumentException("impl " + impl + " is not attn4j, EJML or netlib");
        }
        multiply();
        checkSampled(a, b, c, n, r);
    }

    /** Checks 64 random entries of C = A·B against float64 dot products. */
    static void checkSampled(float[] a, float[] b, float[] c, int n, Random r) {
        double gamma = n * AccuracyCheck.EPS / (1 - n * AccuracyCheck.EPS);
        for (int t = 0; t < 64; t++) {
            int i = r.nextInt(n);
            int j = r.nextInt(n);
            double dot = 0;
            double abs = 0;
            for (int p = 0; p < n; p++) {
                dot += (double) a[i * n + p] * b[p * n + j];
                abs += Math.abs((double) a[i * n + p] * b[p * n + j]);
            }
            double err = Math.abs(c[i * n + j] - dot);
            if (!(err <= gamma * abs + AccuracyCheck.EPS * Math.abs(dot))) {
                throw new IllegalStateException("C[" + i + "][" + j + "] = " + c[i * n + j] + " but float64 gives " + dot
                        + " (|err| " + err + " > bound " + (gamma * abs) + ")");
            }
        }
    }

    float[] multiply() {
        if (kernels != null) {
            kernels.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        } else {
            peer.multiply(n, n, n, a, b, c);
        }
        return c;
    }

    @Benchmark
    public float[] gemm() {
        return multiply();
    }
}
