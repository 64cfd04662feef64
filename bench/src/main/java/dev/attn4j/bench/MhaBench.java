package dev.attn4j.bench;

import dev.attn4j.Kernels;
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
import java.util.concurrent.TimeUnit;

/**
 * End-to-end multi-head self-attention, E = 512, h = 8, B = 1: a forward pass over N tokens (causal and not),
 * and one decode step against a KV cache of 1k…32k tokens. Runs on {@link MhaWorkload} (projection GEMMs +
 * flashAttention per head); {@code threads} splits GEMM rows and heads over a ForkJoinPool.
 *
 * <p>GFLOPS = {@link MhaWorkload#forwardFlops} (or {@link MhaWorkload#decodeFlops}) / time.
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

    @State(Scope.Thread)
    public static class Forward {
        @Param({"128", "512", "2048"})
        public int n;
        @Param({"false", "true"})
        public boolean causal;
        @Param({"1"})
        public int threads;

        Parallel parallel;
        MhaWorkload mha;
        float[] x;
        float[] y;

        @Setup(Level.Trial)
        public void setup() {
            parallel = Parallel.of(threads);
            mha = MhaWorkload.random(E, H, 2024, Kernels.best(), parallel);
            x = QuickBench.random(new Random(n), n * E);
            y = new float[n * E];
            checkAgainstReference(mha, x, causal);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            parallel.close();
        }
    }

    @State(Scope.Thread)
    public static class Decode {
        @Param({"1024", "4096", "16384", "32768"})
        public int cache;

        MhaWorkload mha;
        MhaWorkload.KvCache kv;
        float[] x;
        float[] y;

        @Setup(Level.Trial)
        public void setup() {
            mha = MhaWorkload.random(E, H, 2024, Kernels.best(), Parallel.serial());
            Random r = new Random(cache);
            kv = new MhaWorkload.KvCache(cache + 1, E);
            float[] fill = QuickBench.random(r, cache * E);
            System.arraycopy(fill, 0, kv.keys, 0, fill.length);
            System.arraycopy(fill, 0, kv.values, 0, fill.length);
            x = QuickBench.random(r, E);
            y = new float[E];
            checkAgainstReference(mha, QuickBench.random(r, CHECK_LEN * E), false);
        }
    }

    /** Fails the trial unless the active kernels agree with the float64 reference on the first rows. */
    static void checkAgainstReference(MhaWorkload mha, float[] x, boolean causal) {
        float[] fast = new float[CHECK_LEN * E];
        float[] ref = new float[CHECK_LEN * E];
        mha.forward(x, 1, CHECK_LEN, causal, fast);
        mha.with(Kernels.reference(), Parallel.serial()).forward(x, 1, CHECK_LEN, causal, ref);
        Agreement.Check c = Agreement.compare(ref, fast, ref.length,
                Agreement.mhaTolerance(E, E / H, CHECK_LEN, ref, ref.length));
        if (!c.ok()) {
            throw new IllegalStateException(mha.kernels().name() + " disagrees with the reference: max |diff| "
                    + c.maxAbsDiff() + " > " + c.tolerance());
        }
    }

    @Benchmark
    public float[] forward(Forward s) {
        s.mha.forward(s.x, 1, s.n, s.causal, s.y);
        return s.y;
    }

    @Benchmark
    public float[] decodeStep(Decode s) {
        s.kv.setLength(s.cache);   // the same cache length every call: the step appends one token
        s.mha.decodeStep(s.x, s.kv, s.y);
        return s.y;
    }
}
