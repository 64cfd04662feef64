package dev.attn4j.props;

import java.util.SplittableRandom;

/**
 * Magnitude regimes for generated data. Each regime exercises a different part of the float range:
 * values near 1, values near 1e3 (products near 1e6, sums near 1e8: large absolute rounding steps),
 * tiny values near 1e-20 (products near 1e-40 are subnormal), and a mix of exponents from 1e-20 to
 * 1e3 in one array (cancellation between terms of very different size).
 */
enum Regime {
    UNIT(1.0),
    LARGE(1e3),
    TINY(1e-20),
    MIXED(1e3);

    /** The largest magnitude a value of this regime can have. */
    final double maxAbs;

    Regime(double maxAbs) {
        this.maxAbs = maxAbs;
    }

    /** One value of this regime. */
    float next(SplittableRandom rnd) {
        double u = rnd.nextDouble() * 2 - 1; // uniform in [-1, 1)
        if (this == MIXED) {
            // sign · 10^e with e uniform in [-20, 3]
            return (float) (Math.signum(u) * Math.pow(10, rnd.nextDouble(-20, 3)));
        }
        return (float) (u * maxAbs);
    }
}
