package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many threads share one {@link Kernels} instance ({@link Kernels#best()} and the scalar kernels), each
 * running a random sequence of precomputed problems; every result must equal, bit for bit, the result of
 * the same call made alone on one thread — which is first checked against the float64 oracle, so the
 * expectation is not merely "whatever the kernels say". Ops that evaluate exp (softmax, attention) may
 * differ in the last bit after a recompilation; such results must still meet the oracle bound and are
 * counted in the summary ("exp results not bitwise"). Catches shared scratch buffers, races on lazily
 * grown caches and thread-unsafe state. Size: {@code -Dattn4j.props.stressThreads} (default 8) ×
 * {@code -Dattn4j.props.stressCalls} (default 400) calls per kernels instance.
 */
class ConcurrencyStressTest {
    private static final int THREADS = Integer.getInteger("attn4j.props.stressThreads", 8);
    private static final int CALLS = Integer.getInteger("attn4j.props.stressCalls", 400);
    private static final int PROBLEMS = 24;
    private static final int WARMUP = Integer.getInteger("attn4j.props.stressWarmup", 100);

    /**
     * A problem: runs one call on the given kernels and returns the output array; {@code exp} when the op
     * evaluates exp (softmax, attention), {@code bound} checks an output against the float64 oracle.
     */
    record Problem(String what, boolean exp, Function<Kernels, float[]> run, OutCheck bound) {
    }

    private static List<Problem> problems(SplittableRandom rnd) {
        List<Problem> ps = new ArrayList<>();
        int lanes = Widths.lanes();
        for (int p = 0; p < PROBLEMS; p++) {
            // sizes straddle vector and tile boundaries: up to ~3 tiles of 32 and odd tails
            int a = 1 + rnd.nextInt(96), b = 1 + rnd.nextInt(96), c = rnd.nextInt(96) + lanes;
            Layout dense = Layout.DENSE;
            Layout odd = new Layout(rnd.nextInt(5), rnd.nextInt(4));
            long seed = rnd.nextLong();
            switch (p % 4) {
                case 0 -> {
                    GemmCase g = new GemmCase(a, b, c, rnd.nextBoolean(), rnd.nextBoolean(), 1f, p % 8 == 0 ? 0f : 0.5f,
                            odd, dense, odd, Regime.UNIT, Regime.UNIT, seed);
                    float[] ga = g.a(), gb = g.b(), gc = g.c();
                    Oracle.Result o = Oracle.gemm(g, ga, gb, gc);
                    double[] tol = new double[o.exact().length];
                    for (int i = 0; i < tol.length; i++) {
                        tol[i] = Tolerance.gemm(g.k(), o.mag()[i]);
                    }
                    ps.add(new Problem(g.toString(), false, kern -> {
                        float[] out = Checks.copy(gc);
                        kern.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), ga, g.la().off(), g.lda(),
                                gb, g.lb().off(), g.ldb(), g.beta(), out, g.lc().off(), g.ldc());
                        return out;
                    }, out -> Checks.within(Kernels.best(), g, out, g.lc().off(), g.ldc(), g.m(), g.n(), o.exact(), tol)));
                }
                case 1 -> {
                    MaskSpec spec = new MaskSpec(MaskSpec.Kind.COMBINED, rnd.nextInt(5) - 2, 0.3, 1, 2, seed);
                    SoftmaxCase sc = new SoftmaxCase(a, b + lanes, 0.25f, odd, Regime.UNIT, spec, seed);
                    float[] x = sc.x();
                    MaskSpec.Built mk = spec.build(sc.rows(), sc.cols());
                    SoftmaxProperties.Expected e = SoftmaxProperties.expected(sc, x, mk);
                    ps.add(new Problem(sc.toString(), true, kern -> {
                        float[] y = Checks.copy(x);
                        kern.scaledSoftmax(sc.rows(), sc.cols(), sc.scale(), y, sc.lx().off(), sc.ldx(), mk.mask());
                        return y;
                    }, y -> Checks.within(Kernels.best(), sc, y, sc.lx().off(), sc.ldx(), sc.rows(), sc.cols(), e.p(),
                            e.tol())));
                }
                case 2 -> {
                    WeightedSumCase w = new WeightedSumCase(a * 3, b + lanes, 0, odd, 3, Regime.UNIT, Regime.LARGE, seed);
                    float[] ww = w.w(), wv = w.v();
                    Oracle.Result o = Oracle.weightedSum(w, ww, wv);
                    double[] tol = new double[w.d()];
                    for (int i = 0; i < tol.length; i++) {
                        tol[i] = Tolerance.weightedSum(w.n(), o.mag()[i]);
                    }
                    ps.add(new Problem(w.toString(), false, kern -> {
                        float[] out = w.out();
                        kern.weightedSum(w.n(), w.d(), ww, w.wOff(), wv, w.lv().off(), w.ldv(), out, w.outOff());
                        return out;
                    }, out -> Checks.within(Kernels.best(), w, out, w.outOff(), w.d(), 1, w.d(), o.exact(), tol)));
                }
                default -> {
                    MaskSpec spec = new MaskSpec(p % 8 == 3 ? MaskSpec.Kind.CAUSAL : MaskSpec.Kind.KEY_PADDING, 0, 0.2,
                            0, 0, seed);
                    FlashCase f = new FlashCase(a, b * 2, 16 + rnd.nextInt(64), 16 + rnd.nextInt(64), 1f, odd, dense,
                            dense, odd, Regime.UNIT, Regime.UNIT, spec, seed);
                    float[] q = f.q(), k = f.k(), v = f.v();
                    MaskSpec.Built mk = spec.build(f.l(), f.s());
                    ScoreMask mask = mk.mask();
                    FlashOracle.Expected e = FlashOracle.of(f, q, k, v, mk);
                    ps.add(new Problem(f.toString(), true, kern -> FlashAttentionProperties.run(kern, f, q, k, v, mask),
                            out -> Checks.within(Kernels.best(), f, out, f.lo().off(), f.ldo(), f.l(), f.dv(), e.o(),
                                    e.tol())));
                }
            }
        }
        return ps;
    }

    interface OutCheck {
        void check(float[] out);
    }

    @Test
    void sharedKernelsGiveTheSameBitsUnderLoad() throws Exception {
        List<Problem> ps = problems(new SplittableRandom(20261122));
        for (Kernels kern : Impls.fast()) {
            // Warm up first, so the expected bits come from the JIT-compiled kernels: the Vector API's exp
            // differs by an ulp between the interpreter and C2 (see SimdReproducibilityTest).
            for (int round = 0; round < WARMUP; round++) {
                for (Problem p : ps) {
                    p.run().apply(kern);
                }
            }
            List<float[]> expected = new ArrayList<>();
            for (Problem p : ps) {
                float[] out = p.run().apply(kern);
                p.bound().check(out); // the expectation itself is held to the oracle
                expected.add(out);
            }
            AtomicLong expDrift = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = t * 7919L;
                    fs.add(pool.submit(() -> {
                        SplittableRandom rnd = new SplittableRandom(seed);
                        for (int call = 0; call < CALLS; call++) {
                            int i = rnd.nextInt(ps.size());
                            Problem p = ps.get(i);
                            float[] out = p.run().apply(kern);
                            if (p.exp() && !Checks.bitsEqual(expected.get(i), out)) {
                                // a late recompilation can change exp's last bit; a race would break the bound
                                p.bound().check(out);
                                expDrift.incrementAndGet();
                                continue;
                            }
                            Checks.sameBits(kern.name() + " under " + THREADS + " threads, call " + call + ": "
                                    + p.what(), expected.get(i), out);
                        }
                        return CALLS;
                    }));
                }
                long done = 0;
                for (Future<Integer> f : fs) {
                    done += f.get(10, TimeUnit.MINUTES);
                }
                assertTrue(done == (long) THREADS * CALLS);
                Cases.add("stress: " + kern.name() + " threads×calls (" + THREADS + "×" + CALLS + ")", done);
                Cases.add("stress: " + kern.name() + " exp results not bitwise (within bound)", expDrift.get());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
