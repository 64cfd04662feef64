package dev.attn4j.props;

import java.util.SplittableRandom;

/** One generated {@code out = Σ_j w_j·V_j} call. */
record WeightedSumCase(int n, int d, int wOff, Layout lv, int outOff, Regime rw, Regime rv, long seed) {

    int ldv() { return lv.ld(d); }

    float[] w() {
        return Mat.random(1, n, wOff, n, rw, new SplittableRandom(seed));
    }

    float[] v() {
        return Mat.random(n, d, lv.off(), ldv(), rv, new SplittableRandom(seed + 1));
    }

    /** The output array: its view holds garbage (NaN) that must be overwritten, not accumulated into. */
    float[] out() {
        return Mat.filled(1, d, outOff, d, Float.NaN);
    }

    @Override
    public String toString() {
        return "weightedSum[n=" + n + " d=" + d + " wOff=" + wOff + " V:" + lv + " outOff=" + outOff + " "
                + rw + "×" + rv + " seed=" + seed + "]";
    }
}
