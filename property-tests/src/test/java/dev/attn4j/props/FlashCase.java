package dev.attn4j.props;

import java.util.SplittableRandom;

/**
 * One generated {@code O = softmax(scale·Q·Kᵀ + mask)·V} call. The scale is the generated base scale
 * divided by the square of the Q/K regime's magnitude, so scores stay O(1)–O(100) in every regime
 * (larger scores make softmax an arg-max whose winner legitimately flips under rounding).
 */
record FlashCase(int l, int s, int dk, int dv, float baseScale, Layout lq, Layout lk, Layout lv, Layout lo,
                 Regime rqk, Regime rv, MaskSpec maskSpec, long seed) {

    float scale() {
        double r = rqk == Regime.TINY ? 1 : rqk.maxAbs;
        return (float) (baseScale / (r * r));
    }

    int ldq() { return lq.ld(dk); }
    int ldk() { return lk.ld(dk); }
    int ldv() { return lv.ld(dv); }
    int ldo() { return lo.ld(dv); }

    float[] q() { return Mat.random(l, dk, lq.off(), ldq(), rqk, new SplittableRandom(seed)); }
    float[] k() { return Mat.random(s, dk, lk.off(), ldk(), rqk, new SplittableRandom(seed + 1)); }
    float[] v() { return Mat.random(s, dv, lv.off(), ldv(), rv, new SplittableRandom(seed + 2)); }

    /** The output array: garbage (NaN) in the view, which must be overwritten. */
    float[] out() { return Mat.filled(l, dv, lo.off(), ldo(), Float.NaN); }

    @Override
    public String toString() {
        return "flash[l=" + l + " s=" + s + " dk=" + dk + " dv=" + dv + " scale=" + scale() + " Q:" + lq + " K:" + lk
                + " V:" + lv + " O:" + lo + " " + rqk + "/" + rv + " mask=" + maskSpec + " seed=" + seed + "]";
    }
}
