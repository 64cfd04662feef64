package dev.attn4j.props;

import dev.attn4j.Kernels;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Kernels#weightedSum} against the float64 oracle ({@link Tolerance#weightedSum}). */
class WeightedSumProperties {

    @Provide
    Arbitrary<WeightedSumCase> weightedSumCases() {
        return Gen.weightedSumCases();
    }

    @Property
    void weightedSumMatchesFloat64Oracle(@ForAll("weightedSumCases") WeightedSumCase c) {
        float[] w = c.w(), v = c.v(), out0 = c.out();
        Oracle.Result o = Oracle.weightedSum(c, w, v);
        double[] tol = new double[c.d()], refTol = new double[c.d()];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = Tolerance.weightedSum(c.n(), o.mag()[i]);
            refTol[i] = Tolerance.reference(o.exact()[i], tol[i]);
        }
        for (Kernels kern : Impls.fast()) {
            check(kern, c, w, v, out0, o, tol);
        }
        check(Kernels.reference(), c, w, v, out0, o, refTol);
        Cases.count("weightedSum: vs oracle");
    }

    private static void check(Kernels kern, WeightedSumCase c, float[] w, float[] v, float[] out0, Oracle.Result o,
                              double[] tol) {
        float[] w1 = Checks.copy(w), v1 = Checks.copy(v), out = Checks.copy(out0);
        kern.weightedSum(c.n(), c.d(), w1, c.wOff(), v1, c.lv().off(), c.ldv(), out, c.outOff());
        Checks.within(kern, c, out, c.outOff(), c.d(), 1, c.d(), o.exact(), tol);
        Checks.outsideUntouched(kern, c, "out", out0, out, c.outOff(), c.d(), 1, c.d());
        Checks.unmodified(kern, c, "weights", w, w1);
        Checks.unmodified(kern, c, "values", v, v1);
    }
}
