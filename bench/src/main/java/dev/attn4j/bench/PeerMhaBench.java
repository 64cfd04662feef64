package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import dev.attn4j.bench.peers.OrtMha;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Multi-head self-attention E = 512, h = 8, B = 1 on attn4j (the library's {@link MultiHeadAttention}) and
 * on ONNX Runtime with the same PyTorch-layout weights ({@link MhaWeights}), same sizes, same run. {@code impl}: attn4j, ORT_OPS (plain-op graph), ORT_ATTENTION (com.microsoft.Attention),
 * and their causal counterparts. Each trial checks the implementation's output against attn4j's active
 * kernels (themselves checked against the float64 reference in {@link MhaBench}) before timing.
 * {@code threads}: ORT's intra-op threads, and attn4j's module built with an executor of that parallelism.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
@State(Scope.Thread)
public class PeerMhaBench {
    @Param({"128", "512", "2048"})
    public int n;
    @Param({"attn4j", "ORT_OPS", "ORT_ATTENTION", "attn4j_causal", "ORT_ATTENTION_CAUSAL"})
    public String impl;
    @Param({"1"})
    public int threads;

    ForkJoinPool pool;
    MultiHeadAttention mha;
    OrtMha ort;
    AttentionMask mask;
    float[] x;
    Tensor xt;
    float[] y;
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        MhaWeights w = MhaWeights.random(OrtMha.EMBED_DIM, OrtMha.NUM_HEADS, 2024);
        pool = MhaBench.pool(threads);
        mha = MhaBench.module(w, pool, threads);
        boolean causal = impl.endsWith("causal") || impl.endsWith("CAUSAL");
        mask = causal ? AttentionMask.causal() : AttentionMask.none();
        x = QuickBench.random(new Random(n), n * OrtMha.EMBED_DIM);
        xt = Tensor.wrap(x, 1, n, OrtMha.EMBED_DIM);
        y = new float[x.length];
        OrtMha.Graph g = switch (impl) {
            case "attn4j", "attn4j_causal" -> null;
            case "ORT_OPS" -> OrtMha.Graph.OPS;
            case "ORT_ATTENTION" -> OrtMha.Graph.CONTRIB;
            case "ORT_ATTENTION_CAUSAL" -> OrtMha.Graph.CONTRIB_CAUSAL;
            default -> throw new IllegalArgumentException("impl " + impl + " unknown");
        };
        if (g != null) {
            dir = Files.createTempDirectory("attn4j-ort");
            ort = new OrtMha(g, dir, threads, w.inProjWeight(), w.inProjBias(), w.outProjWeight(),
                    w.outProjBias());
            float[] expect = mha.forward(xt, mask).data();
            ort.forward(x, 1, n, y);
            Agreement.Check c = Agreement.compare(expect, y, y.length,
                    Agreement.mhaTolerance(OrtMha.EMBED_DIM, OrtMha.EMBED_DIM / OrtMha.NUM_HEADS, n, expect,
                            expect.length));
            if (!c.ok()) {
                throw new IllegalStateException(impl + " disagrees with attn4j: max |diff| " + c.maxAbsDiff()
                        + " > " + c.tolerance());
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (ort != null) {
            ort.close();
        }
        if (pool != null) {
            pool.shutdown();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Benchmark
    public Object forward() throws Exception {
        if (ort != null) {
            ort.forward(x, 1, n, y);
            return y;
        }
        return mha.forward(xt, mask);
    }
}
