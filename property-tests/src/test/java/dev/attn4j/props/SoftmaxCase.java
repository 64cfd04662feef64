package dev.attn4j.props;

import java.util.SplittableRandom;

/** One generated in-place {@code scaledSoftmax(rows, cols, scale, x, xOff, ldx, mask)} call. */
record SoftmaxCase(int rows, int cols, float scale, Layout lx, Regime regime, MaskSpec maskSpec, long seed) {

    int ldx() { return lx.ld(cols); }

    float[] x() {
        return Mat.random(rows, cols, lx.off(), ldx(), regime, new SplittableRandom(seed));
    }

    @Override
    public String toString() {
        return "softmax[rows=" + rows + " cols=" + cols + " scale=" + scale + " x:" + lx + " " + regime
                + " mask=" + maskSpec + " seed=" + seed + "]";
    }
}
