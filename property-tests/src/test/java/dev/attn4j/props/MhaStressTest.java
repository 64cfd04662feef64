package dev.attn4j.props;

import dev.attn4j.Attention;
import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.KvCache;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@value #THREADS_DEFAULT} threads share one {@link MultiHeadAttention} (on {@link Kernels#best()}, asserted
 * SIMD unless {@code -Dattn4j.expectKernels=scalar}) and that one {@link Kernels} instance, each making
 * {@code -Dattn4j.props.mhaStressCalls} (default 250) calls on a random mix of precomputed problems: fused
 * forward with every mask kind, forwardWithWeights, KV-cache prefill plus decode steps (a cache per call, as
 * caches are per sequence), and {@link Attention#scaledDotProduct} on the shared kernels. Every result must
 * equal, bit for bit, the result computed on one thread before the threads start — and that expectation
 * is itself held to the {@link MhaOracle} bound, so it is not merely whatever the module returns. A second
 * run shares a module with a 2-thread {@link ForkJoinPool} executor and parallelThreshold(0), so the calls
 * also contend for the pool; its results must equal the same single-threaded expectations.
 */
class MhaStressTest {
    private static final int THREADS_DEFAULT = 8;
    private static final int THREADS = Integer.getInteger("attn4j.props.mhaStressThreads", THREADS_DEFAULT);
    private static final int CALLS = Integer.getInteger("attn4j.props.mhaStressCalls", 250);
    private static final int WARMUP = Integer.getInteger("attn4j.props.mhaStressWarmup", 30);

    /** One precomputed call: runs it on a module (and the shared kernels), returns all its output floats. */
    record Problem(String what, Function<MultiHeadAttention, float[]> run, OutCheck check) {
    }

    interface OutCheck {
        void check(float[] out);
    }

    /** The shared module's shape: E = 64 in 8 heads of 8, 2 key/value heads, kdim 48, vdim 40, bias. */
    private static final MhaCase MODULE = new MhaCase(8, 8, 2, 48, 40, 1, 1, 1, MhaCase.Kind.NONE, true, false, 1f, 42);

    private static List<Problem> problems(MhaData w, Kernels kernels) {
        List<Problem> ps = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(20261122);
        int[][] shapes = {{1, 1, 1}, {2, 17, 33}, {1, 63, 64}, {3, 64, 9}, {2, 65, 65}, {1, 100, 70}, {2, 7, 129}};
        MhaCase.Kind[] kinds = MhaCase.Kind.values();
        int p = 0;
        for (int[] sh : shapes) {
            for (int rep = 0; rep < 2; rep++, p++) {
                MhaCase.Kind kind = kinds[p % kinds.length];
                if (sh[1] != sh[2] && (kind == MhaCase.Kind.CAUSAL || kind == MhaCase.Kind.CAUSAL_PADDING)) {
                    kind = MhaCase.Kind.BOOL_BHLS;
                }
                MhaCase c = new MhaCase(MODULE.heads(), MODULE.headDim(), MODULE.kvHeads(), MODULE.kdimSel(),
                        MODULE.vdimSel(), sh[0], sh[1], sh[2], kind, true, false, rep == 0 ? 1f : 3f, rnd.nextLong());
                MhaData d = c.data();
                MhaOracle.Expected ex = MhaOracle.of(c, w, d.query, d.key, d.value, d.masked, d.bias);
                switch (p % 4) {
                    case 0, 1 -> ps.add(new Problem("forward " + c,
                            m -> m.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data(),
                            out -> MhaProperties.within(kernels, c, "forward", out, ex.out(), ex.tol())));
                    case 2 -> ps.add(new Problem("forwardWithWeights " + c, m -> {
                        MultiHeadAttention.Result r = m.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, false);
                        return concat(r.output().data(), r.weights().data());
                    }, out -> {
                        int n = ex.out().length;
                        MhaProperties.within(kernels, c, "forwardWithWeights", java.util.Arrays.copyOf(out, n), ex.out(),
                                ex.tol());
                        for (int i = 0; i < ex.p().length; i++) {
                            double err = Math.abs(out[n + i] - ex.p()[i]);
                            assertTrue(err <= ex.pTol(i, c.s()), "weight " + i + " of " + c + ": |err| " + err);
                        }
                    }));
                    default -> {
                        // the shared kernels directly: head 0's projected inputs through scaledDotProduct
                        int hd = c.headDim();
                        float[] q = MhaCase.uniform(new SplittableRandom(c.seed()), 1, c.batch() * c.l() * hd);
                        float[] k = MhaCase.uniform(new SplittableRandom(c.seed() + 1), 1, c.batch() * c.s() * hd);
                        float[] v = MhaCase.uniform(new SplittableRandom(c.seed() + 2), 1, c.batch() * c.s() * hd);
                        ps.add(new Problem("scaledDotProduct " + c, m -> Attention.scaledDotProduct(
                                Tensor.wrap(q, c.batch(), c.l(), hd), Tensor.wrap(k, c.batch(), c.s(), hd),
                                Tensor.wrap(v, c.batch(), c.s(), hd), AttentionMask.none(), 0.35f, m.kernels()).data(),
                                out -> checkAttention(kernels, c, q, k, v, 0.35f, out)));
                    }
                }
            }
        }
        // KV cache: prefill 40 tokens, then 12 single-token decode steps, per call on a fresh cache
        for (int b = 1; b <= 3; b += 2) {
            MhaCase c = new MhaCase(MODULE.heads(), MODULE.headDim(), MODULE.kvHeads(), MODULE.kdimSel(),
                    MODULE.vdimSel(), b, 52, 52, MhaCase.Kind.CAUSAL, true, false, 1f, rnd.nextLong());
            MhaData d = c.data();
            MhaOracle.Expected ex = MhaOracle.of(c, w, d.query, d.key, d.value, d.masked, d.bias);
            ps.add(new Problem("KV cache prefill 40 + 12 decode steps, " + c, m -> {
                KvCache cache = m.newCache(c.batch(), c.l());
                float[] out = new float[c.batch() * c.l() * c.e()];
                int t0 = 0;
                for (int chunk : new int[]{40, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}) {
                    float[] o = m.forward(
                            Tensor.wrap(MhaProperties.rowsOf(d.query, c.batch(), c.l(), c.e(), t0, chunk), c.batch(), chunk, c.e()),
                            Tensor.wrap(MhaProperties.rowsOf(d.key, c.batch(), c.l(), c.kdim(), t0, chunk), c.batch(), chunk, c.kdim()),
                            Tensor.wrap(MhaProperties.rowsOf(d.value, c.batch(), c.l(), c.vdim(), t0, chunk), c.batch(), chunk, c.vdim()),
                            cache).data();
                    for (int bb = 0; bb < c.batch(); bb++) {
                        System.arraycopy(o, bb * chunk * c.e(), out, (bb * c.l() + t0) * c.e(), chunk * c.e());
                    }
                    t0 += chunk;
                }
                return out;
            }, out -> MhaProperties.within(kernels, c, "KV-cache decode", out, ex.out(), ex.tol())));
        }
        return ps;
    }

    /** softmax(scale·Q·Kᵀ)·V per batch [B, L, d] against float64, within Tolerance.flashRel / flashOut. */
    private static void checkAttention(Kernels kern, MhaCase c, float[] q, float[] k, float[] v, float scale, float[] out) {
        int b = c.batch(), l = c.l(), s = c.s(), d = c.headDim();
        assertEquals(b * l * d, out.length);
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < l; i++) {
                double[] z = new double[s];
                double[] dz = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double dot = 0, abs = 0;
                    for (int t = 0; t < d; t++) {
                        double x = q[(bb * l + i) * d + t], y = k[(bb * s + j) * d + t];
                        dot += x * y;
                        abs += Math.abs(x * y);
                    }
                    z[j] = scale * dot;
                    dz[j] = Tolerance.score(scale, d, abs);
                    max = Math.max(max, z[j]);
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    sum += Math.exp(z[j] - max);
                }
                double rel = Tolerance.flashRel(z, dz, s);
                for (int t = 0; t < d; t++) {
                    double o = 0, wAbs = 0, vAbs = 0;
                    for (int j = 0; j < s; j++) {
                        double p = Math.exp(z[j] - max) / sum, x = v[(bb * s + j) * d + t];
                        o += p * x;
                        wAbs += p * Math.abs(x);
                        vAbs += Math.abs(x);
                    }
                    double got = out[(bb * l + i) * d + t];
                    double tol = Tolerance.flashOut(rel, s, wAbs, vAbs);
                    assertTrue(Math.abs(got - o) <= tol, kern.name() + ": scaledDotProduct [" + bb + ", " + i + ", " + t
                            + "] = " + got + " but float64 gives " + o + ", bound " + tol + " in " + c);
                }
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] y = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, y, a.length, b.length);
        return y;
    }

    @Test
    void oneModuleSharedByManyThreadsGivesTheSingleThreadedBits() throws Exception {
        Kernels kernels = MhaProperties.simd();
        MhaData w = MODULE.data();
        MultiHeadAttention single = MODULE.build(w, kernels);
        List<Problem> ps = problems(w, kernels);
        // warm up first, so the expectations come from JIT-compiled code as the threads' calls will
        for (int round = 0; round < WARMUP; round++) {
            for (Problem p : ps) {
                p.run().apply(single);
            }
        }
        List<float[]> expected = new ArrayList<>();
        for (Problem p : ps) {
            float[] out = p.run().apply(single);
            p.check().check(out);
            expected.add(out);
        }
        long total = hammer("no executor", single, ps, expected);

        ForkJoinPool fj = new ForkJoinPool(2);
        try {
            MultiHeadAttention pooled = MODULE.builder(w, kernels).executor(fj, 2).parallelThreshold(0).build();
            assertEquals(2, pooled.parallelism());
            total += hammer("ForkJoinPool(2) executor", pooled, ps, expected);
        } finally {
            fj.shutdownNow();
        }
        assertEquals(2L * THREADS * CALLS, total);
    }

    /** THREADS threads × CALLS calls on {@code m}; returns the number of calls checked. */
    private static long hammer(String label, MultiHeadAttention m, List<Problem> ps, List<float[]> expected) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        long t0 = System.nanoTime();
        try {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 7919L * (t + 1);
                fs.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    start.await();
                    for (int call = 0; call < CALLS; call++) {
                        int i = rnd.nextInt(ps.size());
                        float[] out = ps.get(i).run().apply(m);
                        Checks.sameBits(m.kernels().name() + ", " + label + ", " + THREADS + " threads, call " + call
                                + ": " + ps.get(i).what(), expected.get(i), out);
                    }
                    return CALLS;
                }));
            }
            start.countDown();
            long done = 0;
            for (Future<Integer> f : fs) {
                done += f.get(10, TimeUnit.MINUTES);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("MhaStressTest [%s, %s]: %d threads × %d calls = %d calls on %d problems, all bitwise equal "
                    + "to the single-threaded results, %.1f s%n", m.kernels().name(), label, THREADS, CALLS, done, ps.size(), secs);
            Cases.add("stress: MHA " + label + " threads×calls (" + THREADS + "×" + CALLS + ")", done);
            return done;
        } finally {
            pool.shutdownNow();
        }
    }
}
