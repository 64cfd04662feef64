package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.SplittableRandom;

/**
 * {@link Kernels#flashAttention}: against the float64 oracle ({@link Tolerance#flashRel},
 * {@link Tolerance#flashOut}); query-row blocks are bitwise identical to one call; causal outputs ignore
 * the future; scaling V by a power of two scales O exactly, by any factor within the bound.
 */
class FlashAttentionProperties {

    @Provide
    Arbitrary<FlashCase> flashCases() {
        return Gen.flashCases();
    }

    /** A case and a query row in [0, l) to split at. */
    @Provide
    Arbitrary<Object[]> flashSplits() {
        return Gen.flashCases().flatMap(f -> Arbitraries.integers().between(0, f.l() - 1)
                .map(r -> new Object[]{f, r}));
    }

    /** A causal case (offset in [-4, 4]) and the first key row t to rewrite. */
    @Provide
    Arbitrary<Object[]> causalCuts() {
        return Combinators.combine(Gen.flashCases(), Arbitraries.integers().between(-4, 4))
                .as((f, off) -> new FlashCase(f.l(), f.s(), f.dk(), f.dv(), f.baseScale(), f.lq(), f.lk(), f.lv(),
                        f.lo(), f.rqk(), f.rv(), new MaskSpec(MaskSpec.Kind.CAUSAL, off, 0, 0, 0, 0), f.seed()))
                .flatMap(f -> Arbitraries.integers().between(0, Math.max(0, f.s() - 1)).map(t -> new Object[]{f, t}));
    }

    /** A case and a power of two 2^e, e in [-8, 8]. */
    @Provide
    Arbitrary<Object[]> vScalings() {
        return Combinators.combine(Gen.flashCases(), Arbitraries.integers().between(-8, 8))
                .as((f, e) -> new Object[]{f, e});
    }

    static float[] run(Kernels kern, FlashCase f, float[] q, float[] k, float[] v, ScoreMask mask) {
        float[] out0 = f.out();
        float[] out = Checks.copy(out0);
        kern.flashAttention(f.l(), f.s(), f.dk(), f.dv(), f.scale(), q, f.lq().off(), f.ldq(), k, f.lk().off(),
                f.ldk(), v, f.lv().off(), f.ldv(), mask, out, f.lo().off(), f.ldo());
        Checks.outsideUntouched(kern, f, "out", out0, out, f.lo().off(), f.ldo(), f.l(), f.dv());
        return out;
    }

    @Property
    void flashAttentionMatchesFloat64Oracle(@ForAll("flashCases") FlashCase f) {
        float[] q = f.q(), k = f.k(), v = f.v();
        MaskSpec.Built mk = f.maskSpec().build(f.l(), f.s());
        FlashOracle.Expected e = FlashOracle.of(f, q, k, v, mk);
        double[] refTol = new double[e.tol().length];
        for (int i = 0; i < refTol.length; i++) {
            refTol[i] = Tolerance.reference(e.o()[i], e.tol()[i]);
        }
        for (Kernels kern : Impls.fast()) {
            check(kern, f, q, k, v, mk, e, e.tol());
        }
        check(Kernels.reference(), f, q, k, v, mk, e, refTol);
        Cases.count("flashAttention: vs oracle");
        if (Math.max(f.l(), Math.max(f.s(), Math.max(f.dk(), f.dv()))) > 2 * Gen.lanes() + 1) {
            Cases.count("flashAttention: shapes with a dim > 2·lanes+1 seen");
        }
        for (boolean full : e.fullyMasked()) {
            if (full) {
                Cases.count("flashAttention: fully masked rows seen");
            }
        }
    }

    private static void check(Kernels kern, FlashCase f, float[] q, float[] k, float[] v, MaskSpec.Built mk,
                              FlashOracle.Expected e, double[] tol) {
        float[] q1 = Checks.copy(q), k1 = Checks.copy(k), v1 = Checks.copy(v);
        float[] out = run(kern, f, q1, k1, v1, mk.mask());
        Checks.within(kern, f, out, f.lo().off(), f.ldo(), f.l(), f.dv(), e.o(), tol);
        for (int i = 0; i < f.l(); i++) {
            for (int c = 0; e.fullyMasked()[i] && c < f.dv(); c++) {
                if (out[f.lo().off() + i * f.ldo() + c] != 0f) {
                    throw new AssertionError(kern.name() + ": fully masked row " + i + " is not zeros in " + f);
                }
            }
        }
        Checks.unmodified(kern, f, "q", q, q1);
        Checks.unmodified(kern, f, "k", k, k1);
        Checks.unmodified(kern, f, "v", v, v1);
    }

    /**
     * Row i of O depends only on row i of Q (and all of K, V, and row i of the mask): computing query rows
     * [0, r) and [r, l) in two calls, the second with {@code mask.subMask(r, 0)}, gives the very bits of
     * one call. Parallel attention over query blocks relies on this.
     */
    @Property
    void flashAttentionQueryBlocksAreBitwiseIdentical(@ForAll("flashSplits") Object[] split) {
        FlashCase f = (FlashCase) split[0];
        int r = (Integer) split[1];
        float[] q = f.q(), k = f.k(), v = f.v();
        ScoreMask mask = f.maskSpec().build(f.l(), f.s()).mask();
        for (Kernels kern : Impls.fast()) {
            float[] whole = run(kern, f, q, k, v, mask);
            float[] parts = f.out();
            kern.flashAttention(r, f.s(), f.dk(), f.dv(), f.scale(), q, f.lq().off(), f.ldq(), k, f.lk().off(),
                    f.ldk(), v, f.lv().off(), f.ldv(), mask, parts, f.lo().off(), f.ldo());
            kern.flashAttention(f.l() - r, f.s(), f.dk(), f.dv(), f.scale(), q, f.lq().off() + r * f.ldq(), f.ldq(),
                    k, f.lk().off(), f.ldk(), v, f.lv().off(), f.ldv(), mask.subMask(r, 0),
                    parts, f.lo().off() + r * f.ldo(), f.ldo());
            Checks.sameBits(kern.name() + ": query rows [0," + r + ") + [" + r + "," + f.l() + ") vs one call in " + f,
                    whole, parts);
        }
        Cases.count("flashAttention: query blocks bitwise");
    }

    /**
     * With a causal mask (row i sees keys j ≤ i + offset), rewriting K and V from key row t on leaves every
     * query row i with i + offset < t bitwise unchanged: masked keys contribute exact zeros.
     */
    @Property
    void causalOutputsIgnoreTheFuture(@ForAll("causalCuts") Object[] cut) {
        FlashCase f = (FlashCase) cut[0];
        int t = (Integer) cut[1];
        int off = f.maskSpec().causalOffset();
        float[] q = f.q(), k = f.k(), v = f.v();
        float[] k2 = Checks.copy(k), v2 = Checks.copy(v);
        SplittableRandom rnd = new SplittableRandom(f.seed() ^ 0x9E3779B97F4A7C15L);
        for (int j = t; j < f.s(); j++) {
            for (int c = 0; c < f.dk(); c++) {
                k2[f.lk().off() + j * f.ldk() + c] = f.rqk().next(rnd) * 4;
            }
            for (int c = 0; c < f.dv(); c++) {
                v2[f.lv().off() + j * f.ldv() + c] = f.rv().next(rnd) * 4;
            }
        }
        ScoreMask mask = ScoreMask.causal(off);
        int past = (int) Math.max(0, Math.min(f.l(), (long) t - off)); // rows i < t − off see only keys < t
        for (Kernels kern : Impls.fast()) {
            float[] o1 = run(kern, f, q, k, v, mask);
            float[] o2 = run(kern, f, q, k2, v2, mask);
            for (int i = 0; i < past; i++) {
                for (int c = 0; c < f.dv(); c++) {
                    int at = f.lo().off() + i * f.ldo() + c;
                    if (Float.floatToRawIntBits(o1[at]) != Float.floatToRawIntBits(o2[at])) {
                        throw new AssertionError(kern.name() + ": row " + i + " (sees keys ≤ " + (i + off)
                                + ") changed when keys ≥ " + t + " changed: " + o1[at] + " → " + o2[at] + " in " + f);
                    }
                }
            }
        }
        Cases.count("flashAttention: causal ignores future");
    }

    /**
     * O is linear in V. Multiplying V by 2^e (no overflow or underflow in these regimes) is exact and commutes
     * with every rounding, so O must scale bitwise; that holds for any summation order.
     */
    @Property
    void scalingVScalesTheOutput(@ForAll("vScalings") Object[] arg) {
        FlashCase f = (FlashCase) arg[0];
        int e = (Integer) arg[1];
        if (f.rv() == Regime.TINY || f.rv() == Regime.MIXED) {
            // 2^-8·1e-20 values make subnormal products, where scaling is not exact: use the unit regime
            f = new FlashCase(f.l(), f.s(), f.dk(), f.dv(), f.baseScale(), f.lq(), f.lk(), f.lv(), f.lo(), f.rqk(),
                    Regime.UNIT, f.maskSpec(), f.seed());
        }
        float factor = Math.scalb(1f, e);
        float[] q = f.q(), k = f.k(), v = f.v();
        float[] vs = Checks.copy(v);
        for (int j = 0; j < f.s(); j++) {
            for (int c = 0; c < f.dv(); c++) {
                vs[f.lv().off() + j * f.ldv() + c] *= factor;
            }
        }
        ScoreMask mask = f.maskSpec().build(f.l(), f.s()).mask();
        for (Kernels kern : Impls.fast()) {
            float[] o1 = run(kern, f, q, k, v, mask);
            float[] o2 = run(kern, f, q, k, vs, mask);
            for (int i = 0; i < f.l(); i++) {
                for (int c = 0; c < f.dv(); c++) {
                    int at = f.lo().off() + i * f.ldo() + c;
                    if (Float.floatToRawIntBits(o1[at] * factor) != Float.floatToRawIntBits(o2[at])) {
                        throw new AssertionError(kern.name() + ": O(2^" + e + "·V)[" + i + "][" + c + "] = " + o2[at]
                                + " but 2^" + e + "·O(V) = " + (o1[at] * factor) + " in " + f);
                    }
                }
            }
        }
        Cases.count("flashAttention: V scaling exact");
    }
}
