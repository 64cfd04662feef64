package dev.attn4j.props;

import dev.attn4j.Attention;
import dev.attn4j.Kernels;
import dev.attn4j.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.SplittableRandom;

/**
 * The tensor API, {@link Attention#scaledDotProduct} and {@link Attention#selfAttention}, on
 * {@link Kernels#best()}: batched results against the float64 oracle slice by slice, and self-attention's
 * permutation equivariance (permuting the rows of X permutes the rows of the output).
 */
class AttentionProperties {

    /** A flash case (dense layouts are used) and a batch count in [1, 3]. */
    @Provide
    Arbitrary<Object[]> batched() {
        return Combinators.combine(Gen.flashCases(), Arbitraries.integers().between(1, 3))
                .as((f, b) -> new Object[]{f, b});
    }

    @Provide
    Arbitrary<FlashCase> flashCases() {
        return Gen.flashCases();
    }

    private static float[] fill(int n, Regime r, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.next(rnd);
        }
        return x;
    }

    @Property
    void scaledDotProductMatchesFloat64Oracle(@ForAll("batched") Object[] arg) {
        FlashCase f = (FlashCase) arg[0];
        int batch = (Integer) arg[1];
        int l = f.l(), s = f.s(), dk = f.dk(), dv = f.dv();
        SplittableRandom rnd = new SplittableRandom(f.seed());
        Tensor q = Tensor.wrap(fill(batch * l * dk, f.rqk(), rnd), batch, l, dk);
        Tensor k = Tensor.wrap(fill(batch * s * dk, f.rqk(), rnd), batch, s, dk);
        Tensor v = Tensor.wrap(fill(batch * s * dv, f.rv(), rnd), batch, s, dv);
        float[] q0 = Checks.copy(q.data()), k0 = Checks.copy(k.data()), v0 = Checks.copy(v.data());
        MaskSpec.Built mk = f.maskSpec().build(l, s);
        Tensor out = Attention.scaledDotProduct(q, k, v, mk.mask(), f.scale(), Kernels.best());
        // the three-argument form: no mask, scale 1/√dk, best kernels
        Tensor plain = Attention.scaledDotProduct(q, k, v);
        MaskSpec.Built none = new MaskSpec(MaskSpec.Kind.NONE, 0, 0, 0, 0, 0).build(l, s);
        float defScale = Attention.defaultScale(q);
        if (dk > 0 && defScale != (float) (1 / Math.sqrt(dk))) {
            throw new AssertionError("defaultScale(" + dk + ") = " + defScale);
        }
        for (int b = 0; b < batch; b++) {
            FlashOracle.Expected e = FlashOracle.of(l, s, dk, dv, f.scale(), q.data(), b * l * dk, dk,
                    k.data(), b * s * dk, dk, v.data(), b * s * dv, dv, mk);
            Checks.within(Kernels.best(), f + " batch " + b + " of " + batch, out.data(), b * l * dv, dv, l, dv,
                    e.o(), e.tol());
            FlashOracle.Expected e2 = FlashOracle.of(l, s, dk, dv, defScale, q.data(), b * l * dk, dk,
                    k.data(), b * s * dk, dk, v.data(), b * s * dv, dv, none);
            Checks.within(Kernels.best(), "3-arg scaledDotProduct, " + f + " batch " + b, plain.data(), b * l * dv,
                    dv, l, dv, e2.o(), e2.tol());
        }
        Checks.unmodified(Kernels.best(), f, "q", q0, q.data());
        Checks.unmodified(Kernels.best(), f, "k", k0, k.data());
        Checks.unmodified(Kernels.best(), f, "v", v0, v.data());
        Cases.count("Attention.scaledDotProduct: vs oracle");
    }

    /**
     * selfAttention(P·X) = P·selfAttention(X) for a permutation P of the rows. Only the order in which keys
     * are summed changes, so each side is within the oracle bound of its own input; the rows are compared
     * within the sum of the two bounds.
     */
    @Property
    void selfAttentionIsPermutationEquivariant(@ForAll("flashCases") FlashCase f) {
        int l = f.l(), d = Math.max(1, f.dk());
        while (2L * l * l * d > Gen.MAX_WORK) { // the case was capped for l×s, here s = l
            if (d > l) {
                d /= 2;
            } else {
                l /= 2;
            }
        }
        SplittableRandom rnd = new SplittableRandom(f.seed());
        Regime r = f.rqk() == Regime.TINY ? Regime.TINY : Regime.UNIT;
        float[] x = fill(l * d, r, rnd);
        int[] perm = new int[l];
        for (int i = 0; i < l; i++) {
            perm[i] = i;
        }
        for (int i = l - 1; i > 0; i--) { // Fisher–Yates
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] px = new float[l * d];
        for (int i = 0; i < l; i++) {
            System.arraycopy(x, perm[i] * d, px, i * d, d);
        }
        float scale = (float) (f.baseScale() / Math.sqrt(d));
        Tensor y = Attention.selfAttention(Tensor.wrap(x, l, d), scale);
        Tensor py = Attention.selfAttention(Tensor.wrap(px, l, d), scale);
        MaskSpec.Built none = new MaskSpec(MaskSpec.Kind.NONE, 0, 0, 0, 0, 0).build(l, l);
        FlashOracle.Expected e = FlashOracle.of(l, l, d, d, scale, x, 0, d, x, 0, d, x, 0, d, none);
        Checks.within(Kernels.best(), "selfAttention " + f, y.data(), 0, d, l, d, e.o(), e.tol());
        for (int i = 0; i < l; i++) {
            for (int c = 0; c < d; c++) {
                double bound = 2 * e.tol()[perm[i] * d + c];
                float a = py.data()[i * d + c], b = y.data()[perm[i] * d + c];
                if (!(Math.abs(a - b) <= bound)) {
                    throw new AssertionError(Kernels.best().name() + ": selfAttention(PX)[" + i + "][" + c + "] = " + a
                            + " but selfAttention(X)[" + perm[i] + "][" + c + "] = " + b + " (bound " + bound + ") in " + f);
                }
            }
        }
        Cases.count("Attention.selfAttention: permutation equivariant");
    }
}
