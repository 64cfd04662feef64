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
 * {@link Kernels#scaledSoftmax}: against the float64 oracle ({@link Tolerance#softmaxRel}), and the
 * oracle-free laws: rows sum to 1, shifting a row changes nothing, masked entries are ignored, fully
 * masked rows are zeros.
 */
class SoftmaxProperties {

    @Provide
    Arbitrary<SoftmaxCase> softmaxCases() {
        return Gen.softmaxCases();
    }

    /** A case with scale 1 and no additive mask, and a shift c = n/8 with |n| ≤ 4096 (exact in float). */
    @Provide
    Arbitrary<Object[]> shifted() {
        return Gen.softmaxCases().flatMap(sc -> Arbitraries.integers().between(-4096, 4096)
                .map(n -> new Object[]{sc, n / 8f}));
    }

    @Provide
    Arbitrary<SoftmaxCase> causalCases() {
        return Combinators.combine(Gen.softmaxCases(), Arbitraries.integers().between(-4, 4))
                .as((sc, off) -> new SoftmaxCase(sc.rows(), sc.cols(), sc.scale(), sc.lx(), sc.regime(),
                        new MaskSpec(MaskSpec.Kind.CAUSAL, off, 0, 0, 0, 0), sc.seed()));
    }

    /** The oracle's p for every row (row-major), the bound for every element, and the mask tables. */
    record Expected(double[] p, double[] tol, boolean[] fullyMasked) {
    }

    static Expected expected(SoftmaxCase sc, float[] x, MaskSpec.Built mk) {
        int rows = sc.rows(), cols = sc.cols();
        double[] p = new double[rows * cols];
        double[] tol = new double[rows * cols];
        boolean[] full = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            double[] scaled = new double[cols], scaledAbs = new double[cols];
            for (int j = 0; j < cols; j++) {
                scaled[j] = (double) sc.scale() * x[sc.lx().off() + i * sc.ldx() + j];
                scaledAbs[j] = Math.abs(scaled[j]);
            }
            double[] z = Oracle.scores(scaled, mk.masked()[i], mk.bias()[i]);
            double[] pi = Oracle.softmax(z);
            double rel = Tolerance.softmaxRel(scaledAbs, z, cols);
            full[i] = true;
            for (int j = 0; j < cols; j++) {
                full[i] &= z[j] == Double.NEGATIVE_INFINITY;
                p[i * cols + j] = pi[j];
                tol[i * cols + j] = rel * pi[j] + 2 * Tolerance.UNDER;
            }
            if (full[i]) {
                java.util.Arrays.fill(tol, i * cols, (i + 1) * cols, 0); // exactly zeros, by definition
            }
        }
        return new Expected(p, tol, full);
    }

    private static float[] run(Kernels kern, SoftmaxCase sc, float[] x, ScoreMask mask) {
        float[] y = Checks.copy(x);
        kern.scaledSoftmax(sc.rows(), sc.cols(), sc.scale(), y, sc.lx().off(), sc.ldx(), mask);
        Checks.outsideUntouched(kern, sc, "x", x, y, sc.lx().off(), sc.ldx(), sc.rows(), sc.cols());
        return y;
    }

    @Property
    void softmaxMatchesFloat64Oracle(@ForAll("softmaxCases") SoftmaxCase sc) {
        float[] x = sc.x();
        MaskSpec.Built mk = sc.maskSpec().build(sc.rows(), sc.cols());
        Expected e = expected(sc, x, mk);
        for (Kernels kern : Impls.fast()) {
            Checks.within(kern, sc, run(kern, sc, x, mk.mask()), sc.lx().off(), sc.ldx(), sc.rows(), sc.cols(),
                    e.p(), e.tol());
        }
        double[] refTol = new double[e.tol().length];
        for (int i = 0; i < refTol.length; i++) {
            refTol[i] = Tolerance.reference(e.p()[i], e.tol()[i]);
        }
        Kernels ref = Kernels.reference();
        Checks.within(ref, sc, run(ref, sc, x, mk.mask()), sc.lx().off(), sc.ldx(), sc.rows(), sc.cols(), e.p(), refTol);
        Cases.count("softmax: vs oracle");
        if (sc.cols() > 2 * Gen.lanes() + 1) {
            Cases.count("softmax: shapes with cols > 2·lanes+1 seen");
        }
        for (boolean f : e.fullyMasked()) {
            if (f) {
                Cases.count("softmax: fully masked rows seen");
            }
        }
    }

    /** Each row sums to 1 within {@link Tolerance#softmaxRowSum}; a fully masked row sums to exactly 0. */
    @Property
    void softmaxRowsSumToOne(@ForAll("softmaxCases") SoftmaxCase sc) {
        float[] x = sc.x();
        MaskSpec.Built mk = sc.maskSpec().build(sc.rows(), sc.cols());
        for (Kernels kern : Impls.fast()) {
            float[] y = run(kern, sc, x, mk.mask());
            for (int i = 0; i < sc.rows(); i++) {
                boolean full = true;
                double sum = 0;
                for (int j = 0; j < sc.cols(); j++) {
                    full &= mk.masked()[i][j];
                    float v = y[sc.lx().off() + i * sc.ldx() + j];
                    if (!(v >= 0f)) {
                        throw new AssertionError(kern.name() + ": p[" + i + "][" + j + "] = " + v + " in " + sc);
                    }
                    sum += v;
                }
                double bound = full ? 0 : Tolerance.softmaxRowSum(sc.cols());
                double target = full ? 0 : 1;
                if (!(Math.abs(sum - target) <= bound)) {
                    throw new AssertionError(kern.name() + ": row " + i + " sums to " + sum + ", not " + target
                            + " ± " + bound + " in " + sc);
                }
            }
        }
        Cases.count("softmax: rows sum to 1");
    }

    /**
     * softmax(z + c) = softmax(z). With scale 1 and a shift c = n/8 the shifted values are rounded once
     * (adding ε·|x + c| to each score's error), so both results lie within the oracle bound of the
     * shifted input; they are compared with each other within the sum of the two bounds.
     */
    @Property
    void softmaxIsShiftInvariant(@ForAll("shifted") Object[] arg) {
        SoftmaxCase base = (SoftmaxCase) arg[0];
        float shift = (Float) arg[1];
        SoftmaxCase sc = new SoftmaxCase(base.rows(), base.cols(), 1f, base.lx(),
                base.regime() == Regime.LARGE ? Regime.LARGE : Regime.UNIT, base.maskSpec(), base.seed());
        float[] x = sc.x();
        float[] xs = Checks.copy(x);
        for (int i = 0; i < sc.rows(); i++) {
            for (int j = 0; j < sc.cols(); j++) {
                xs[sc.lx().off() + i * sc.ldx() + j] += shift;
            }
        }
        MaskSpec.Built mk = sc.maskSpec().build(sc.rows(), sc.cols());
        Expected e0 = expected(sc, x, mk);
        Expected e1 = expected(sc, xs, mk);
        for (Kernels kern : Impls.fast()) {
            float[] y0 = run(kern, sc, x, mk.mask());
            float[] y1 = run(kern, sc, xs, mk.mask());
            for (int i = 0; i < sc.rows(); i++) {
                for (int j = 0; j < sc.cols(); j++) {
                    int at = sc.lx().off() + i * sc.ldx() + j;
                    int k = i * sc.cols() + j;
                    // |y1 − y0| ≤ |y1 − p1| + |p1 − p0| + |p0 − y0|; p1 − p0 is the shift's rounding, inside tol1
                    double bound = e0.tol()[k] + e1.tol()[k] + Math.abs(e1.p()[k] - e0.p()[k]);
                    if (!(Math.abs(y1[at] - y0[at]) <= bound)) {
                        throw new AssertionError(kern.name() + ": shift by " + shift + " moved p[" + i + "][" + j
                                + "] from " + y0[at] + " to " + y1[at] + " (bound " + bound + ") in " + sc);
                    }
                }
            }
        }
        Cases.count("softmax: shift invariance");
    }

    /**
     * Masked entries are ignored: rewriting every entry that the causal mask hides (j > i + offset) with
     * other values leaves the output bitwise unchanged (masked entries are −∞ before the max, their exp is
     * an exact 0, and they come out as exact zeros).
     */
    @Property
    void softmaxIgnoresMaskedEntries(@ForAll("causalCases") SoftmaxCase sc) {
        float[] x = sc.x();
        float[] x2 = Checks.copy(x);
        SplittableRandom rnd = new SplittableRandom(sc.seed() ^ 0x5DEECE66DL);
        int off = sc.maskSpec().causalOffset();
        for (int i = 0; i < sc.rows(); i++) {
            for (int j = 0; j < sc.cols(); j++) {
                if ((long) j > (long) i + off) {
                    x2[sc.lx().off() + i * sc.ldx() + j] = Regime.LARGE.next(rnd);
                }
            }
        }
        ScoreMask mask = ScoreMask.causal(off);
        for (Kernels kern : Impls.fast()) {
            Checks.sameBits(kern.name() + ": future entries changed the output in " + sc,
                    run(kern, sc, x, mask), run(kern, sc, x2, mask));
        }
        Cases.count("softmax: masked entries ignored");
    }
}
