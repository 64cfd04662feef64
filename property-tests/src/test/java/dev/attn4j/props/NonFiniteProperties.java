package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.SplittableRandom;

/**
 * NaN and ±∞ inputs behave as documented and the same in every implementation: NaN propagates, −∞
 * scores are masked, +∞ follows IEEE arithmetic (+∞ − +∞ = NaN). Which outputs are NaN, ±∞ or exact
 * zero must be identical in the SIMD, scalar and reference kernels; the float64 reference is the
 * statement of the semantics. (Issue 9's "numerical hazards".)
 */
class NonFiniteProperties {
    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    /** A case, how many special values to plant (1–3), and a seed for where and which. */
    @Provide
    Arbitrary<Object[]> softmaxWithSpecials() {
        return Combinators.combine(Gen.softmaxCases(), Arbitraries.integers().between(1, 3), Gen.seed())
                .as((c, n, s) -> new Object[]{c, n, s});
    }

    @Provide
    Arbitrary<Object[]> gemmWithSpecials() {
        return Combinators.combine(Gen.gemmCases(), Arbitraries.integers().between(1, 3), Gen.seed())
                .as((c, n, s) -> new Object[]{c, n, s});
    }

    @Provide
    Arbitrary<Object[]> flashWithSpecials() {
        return Combinators.combine(Gen.flashCases(), Arbitraries.integers().between(1, 3), Gen.seed())
                .as((c, n, s) -> new Object[]{c, n, s});
    }

    /** Plants n special values at random elements of a rows×cols view. */
    private static void plant(float[] x, int off, int ld, int rows, int cols, int n, SplittableRandom rnd) {
        if (rows == 0 || cols == 0) {
            return;
        }
        for (int t = 0; t < n; t++) {
            x[off + rnd.nextInt(rows) * ld + rnd.nextInt(cols)] = SPECIALS[rnd.nextInt(SPECIALS.length)];
        }
    }

    /** The class of a float for this comparison: NaN, +∞, −∞, zero, or finite non-zero. */
    private static int kind(float v) {
        return Float.isNaN(v) ? 0 : v == Float.POSITIVE_INFINITY ? 1 : v == Float.NEGATIVE_INFINITY ? 2 : v == 0 ? 3 : 4;
    }

    /** Every element of the view has the same kind in {@code got} as in the reference's {@code ref}. */
    private static void sameKinds(Kernels kern, Object what, float[] ref, float[] got, int off, int ld, int rows,
                                  int cols, boolean zerosToo) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float a = ref[off + r * ld + c], b = got[off + r * ld + c];
                int ka = kind(a), kb = kind(b);
                if (!zerosToo && ka >= 3 && kb >= 3) {
                    continue; // a finite value may round to zero in one and not the other
                }
                if (ka != kb) {
                    throw new AssertionError(kern.name() + ": element (" + r + ", " + c + ") is " + b
                            + " but the reference gives " + a + " in " + what);
                }
            }
        }
    }

    @Property
    void softmaxTreatsNaNAndInfinityLikeTheReference(@ForAll("softmaxWithSpecials") Object[] arg) {
        SoftmaxCase sc = (SoftmaxCase) arg[0];
        float[] x = sc.x();
        plant(x, sc.lx().off(), sc.ldx(), sc.rows(), sc.cols(), (Integer) arg[1], new SplittableRandom((Long) arg[2]));
        ScoreMask mask = sc.maskSpec().build(sc.rows(), sc.cols()).mask();
        float[] ref = Checks.copy(x);
        Kernels.reference().scaledSoftmax(sc.rows(), sc.cols(), sc.scale(), ref, sc.lx().off(), sc.ldx(), mask);
        for (Kernels kern : Impls.fast()) {
            float[] y = Checks.copy(x);
            kern.scaledSoftmax(sc.rows(), sc.cols(), sc.scale(), y, sc.lx().off(), sc.ldx(), mask);
            // exp of a finite gap may underflow to 0 in float, so only NaN/∞ are compared strictly
            sameKinds(kern, sc, ref, y, sc.lx().off(), sc.ldx(), sc.rows(), sc.cols(), false);
        }
        Cases.count("non-finite: softmax");
    }

    @Property
    void gemmTreatsNaNAndInfinityLikeTheReference(@ForAll("gemmWithSpecials") Object[] arg) {
        GemmCase g = (GemmCase) arg[0];
        SplittableRandom rnd = new SplittableRandom((Long) arg[2]);
        float[] a = g.a(), b = g.b(), c0 = g.c();
        plant(a, g.la().off(), g.lda(), g.aRows(), g.aCols(), (Integer) arg[1], rnd);
        plant(b, g.lb().off(), g.ldb(), g.bRows(), g.bCols(), rnd.nextInt(2), rnd);
        float[] ref = Checks.copy(c0);
        Kernels.reference().gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a, g.la().off(), g.lda(),
                b, g.lb().off(), g.ldb(), g.beta(), ref, g.lc().off(), g.ldc());
        for (Kernels kern : Impls.fast()) {
            float[] c = Checks.copy(c0);
            kern.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a, g.la().off(), g.lda(),
                    b, g.lb().off(), g.ldb(), g.beta(), c, g.lc().off(), g.ldc());
            sameKinds(kern, g, ref, c, g.lc().off(), g.ldc(), g.m(), g.n(), false);
        }
        Cases.count("non-finite: gemm");
    }

    @Property
    void flashAttentionTreatsNaNAndInfinityLikeTheReference(@ForAll("flashWithSpecials") Object[] arg) {
        FlashCase f = (FlashCase) arg[0];
        SplittableRandom rnd = new SplittableRandom((Long) arg[2]);
        float[] q = f.q(), k = f.k(), v = f.v();
        int n = (Integer) arg[1];
        // Specials go into the scores (Q or K). Not into V: a weight that is 0 in float but tiny in float64
        // (or a masked key a kernel may skip) meets ∞ in V as 0·∞ = NaN in one and not the other.
        List<Runnable> where = List.of(
                () -> plant(q, f.lq().off(), f.ldq(), f.l(), f.dk(), n, rnd),
                () -> plant(k, f.lk().off(), f.ldk(), f.s(), f.dk(), n, rnd));
        where.get(rnd.nextInt(2)).run();
        ScoreMask mask = f.maskSpec().build(f.l(), f.s()).mask();
        float[] ref = FlashAttentionProperties.run(Kernels.reference(), f, q, k, v, mask);
        for (Kernels kern : Impls.fast()) {
            float[] out = FlashAttentionProperties.run(kern, f, q, k, v, mask);
            sameKinds(kern, f, ref, out, f.lo().off(), f.ldo(), f.l(), f.dv(), false);
        }
        Cases.count("non-finite: flashAttention");
    }
}
