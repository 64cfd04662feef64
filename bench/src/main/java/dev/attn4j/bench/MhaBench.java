package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
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

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end multi-head self-attention, E = 512, h = 8, B = 1, on the library's {@link MultiHeadAttention}
 * (built from PyTorch-layout weights, {@link MhaWeights}): a forward pass over N tokens (causal and not),
 * and one decode step ({@code forward(token, token, token, cache)}) against a {@link dev.attn4j.KvCache} of
 * 1k…32k tokens. {@code threads} &gt; 1 builds the module with an executor (a ForkJoinPool of threads − 1
 * workers that the benchmark owns) and that parallelism.
 *
 * <p>GFLOPS = {@link MhaFlops#forwardFlops} (or {@link MhaFlops#decodeFlops}) / time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
public class MhaBench {
    static final int E = 512;
    static final int H = 8;

    /** Rows of the agreement check against the float64 reference (kept short: the reference is slow). */
    static final int CHECK_LEN = 64;

    /** The module on {@link Kernels#best()} over {@code threads} threads; the pool is null for one thread. */
    static MultiHeadAttention module(MhaWeights w, ForkJoinPool pool, int threads) {
        return w.build(Kernels.best(), pool, threads);
    }

    /** A pool of threads − 1 workers (the calling thread is the other), or null for one thread. */
    static ForkJoinPool pool(int threads) {
        return threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    @State(Scope.Thread)
    public static class Forward {
        @Param({"128", "512", "2048"})
        public int n;
        @Param({"false", "true"})
        public boolean causal;
        @Param({"1"})
        public int threads;

        ForkJoinPool pool;
        MultiHeadAttention mha;
        Tensor x;
        AttentionMask mask;

        @Setup(Level.Trial)
        public void setup() {
            MhaWeights w = MhaWeights.random(E, H, 2024);
            pool = pool(threads);
            mha = module(w, pool, threads);
            x = Tensor.wrap(QuickBench.random(new Random(n), n * E), 1, n, E);
            mask = causal ? AttentionMask.causal() : AttentionMask.none();
            checkAgainstReference(w, mha, QuickBench.random(new Random(n + 1), CHECK_LEN * E), causal);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    @State(Scope.Thread)
    public static class Decode {
        @Param({"1024", "4096", "16384", "32768"})
        public int cache;
        @Param({"1"})
        public int threads;

        ForkJoinPool pool;
        MultiHeadAttention mha;
        DecodeFixture fixture;

        @Setup(Level.Trial)
        public void setup() {
            MhaWeights w = MhaWeights.random(E, H, 2024);
            pool = pool(threads);
            mha = module(w, pool, threads);
            fixture = new DecodeFixture(mha, cache, cache);
            checkAgainstReference(w, mha, QuickBench.random(new Random(cache), CHECK_LEN * E), false);
            checkDecodeAgainstReference(w, mha, fixture, cache);
        }

        /**
         * Every step appends a token and the cache cannot be shortened, so each invocation starts from a
         * cache refilled to {@code cache} tokens. Not timed; the step is far above JMH's per-invocation
         * timestamp cost (tens of µs or more against tens of ns).
         */
        @Setup(Level.Invocation)
        public void refill() {
            fixture.refill(cache);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    /** Fails the trial unless the module agrees with the same weights on the float64 reference kernels. */
    static void checkAgainstReference(MhaWeights w, MultiHeadAttention mha, float[] x, boolean causal) {
        Tensor xt = Tensor.wrap(x, 1, CHECK_LEN, E);
        AttentionMask mask = causal ? AttentionMask.causal() : AttentionMask.none();
        float[] fast = mha.forward(xt, mask).data();
        float[] ref = w.build(Kernels.reference()).forward(xt, mask).data();
        Agreement.Check c = Agreement.compare(ref, fast, ref.length,
                Agreement.mhaTolerance(E, E / H, CHECK_LEN, ref, ref.length));
        if (!c.ok()) {
            throw new IllegalStateException(mha.kernels().name() + " disagrees with the reference: max |diff| "
                    + c.maxAbsDiff() + " > " + c.tolerance());
        }
    }

    /** Fails the trial unless one decode step at this cache length agrees with the reference kernels. */
    static void checkDecodeAgainstReference(MhaWeights w, MultiHeadAttention mha, DecodeFixture fx, int cached) {
        fx.refill(cached);
        float[] fast = fx.step(mha).data();
        fx.refill(cached);
        float[] ref = fx.step(w.build(Kernels.reference())).data();
        Agreement.Check c = Agreement.compare(ref, fast, ref.length,
                Agreement.mhaTolerance(E, E / H, cached + 1, ref, ref.length));
        if (!c.ok()) {
            throw new IllegalStateException(mha.kernels().name() + " decode step disagrees with the reference at "
                    + cached + " cached tokens: max |diff| " + c.maxAbsDiff() + " > " + c.tolerance());
        }
    }

    @Benchmark
    public Tensor forward(Forward s) {
        return s.mha.forward(s.x, s.mask);
    }

    @Benchmark
    public Tensor decodeStep(Decode s) {
        return s.fixture.step(s.mha);
    }
}
