package dev.attn4j.props;

import dev.attn4j.Kernels;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Kernels#gemm}: SIMD and scalar against the float64 oracle (bound {@link Tolerance#gemm}), the
 * reference against the oracle (one rounding), writes confined to C's view, inputs unmodified, and the
 * determinism contract (row and column panels give bitwise-identical results).
 */
class GemmProperties {

    @Provide
    Arbitrary<GemmCase> gemmCases() {
        return Gen.gemmCases();
    }

    /** A gemm case and where to split it: a row in [1, m) and a column in [1, n) (0 when m or n is 1). */
    @Provide
    Arbitrary<Object[]> gemmSplits() {
        return Gen.gemmCases().flatMap(g -> Combinators.combine(
                Arbitraries.integers().between(0, g.m() - 1), Arbitraries.integers().between(0, g.n() - 1))
                .as((r, c) -> new Object[]{g, r, c}));
    }

    @Property
    void gemmMatchesFloat64Oracle(@ForAll("gemmCases") GemmCase g) {
        float[] a = g.a(), b = g.b(), c0 = g.c();
        Oracle.Result o = Oracle.gemm(g, a, b, c0);
        double[] tol = new double[o.exact().length];
        double[] refTol = new double[tol.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = Tolerance.gemm(g.k(), o.mag()[i]);
            refTol[i] = Tolerance.reference(o.exact()[i], tol[i]);
        }
        for (Kernels kern : Impls.fast()) {
            check(kern, g, a, b, c0, o, tol);
        }
        check(Kernels.reference(), g, a, b, c0, o, refTol);
        Cases.count("gemm: vs oracle");
        if (Math.max(g.m(), Math.max(g.n(), g.k())) > 2 * Gen.lanes() + 1) {
            Cases.count("gemm: shapes with a dim > 2·lanes+1 seen");
        }
    }

    private static void check(Kernels kern, GemmCase g, float[] a, float[] b, float[] c0, Oracle.Result o,
                              double[] tol) {
        float[] a1 = Checks.copy(a), b1 = Checks.copy(b), c = Checks.copy(c0);
        kern.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a1, g.la().off(), g.lda(),
                b1, g.lb().off(), g.ldb(), g.beta(), c, g.lc().off(), g.ldc());
        Checks.within(kern, g, c, g.lc().off(), g.ldc(), g.m(), g.n(), o.exact(), tol);
        Checks.outsideUntouched(kern, g, "c", c0, c, g.lc().off(), g.ldc(), g.m(), g.n());
        Checks.unmodified(kern, g, "a", a, a1);
        Checks.unmodified(kern, g, "b", b, b1);
    }

    /**
     * The determinism contract of {@link Kernels}: an element of C depends only on its row of op(A), its
     * column of op(B), α, β and its old value. So computing rows [0, r) and [r, m) in two calls, or columns
     * [0, c) and [c, n), must give the very bits of one call.
     */
    @Property
    void gemmPanelsAreBitwiseIdentical(@ForAll("gemmSplits") Object[] split) {
        GemmCase g = (GemmCase) split[0];
        int r = (Integer) split[1], cs = (Integer) split[2];
        float[] a = g.a(), b = g.b(), c0 = g.c();
        for (Kernels kern : Impls.fast()) {
            float[] whole = Checks.copy(c0);
            kern.gemm(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.alpha(), a, g.la().off(), g.lda(),
                    b, g.lb().off(), g.ldb(), g.beta(), whole, g.lc().off(), g.ldc());
            if (r > 0) {
                float[] rows = Checks.copy(c0);
                int aStep = g.transA() ? 1 : g.lda(); // next row of op(A)
                kern.gemm(g.transA(), g.transB(), r, g.n(), g.k(), g.alpha(), a, g.la().off(), g.lda(),
                        b, g.lb().off(), g.ldb(), g.beta(), rows, g.lc().off(), g.ldc());
                kern.gemm(g.transA(), g.transB(), g.m() - r, g.n(), g.k(), g.alpha(), a, g.la().off() + r * aStep,
                        g.lda(), b, g.lb().off(), g.ldb(), g.beta(), rows, g.lc().off() + r * g.ldc(), g.ldc());
                Checks.sameBits(kern.name() + ": rows [0," + r + ") + [" + r + "," + g.m() + ") vs one call in " + g,
                        whole, rows);
            }
            if (cs > 0) {
                float[] cols = Checks.copy(c0);
                int bStep = g.transB() ? g.ldb() : 1; // next column of op(B)
                kern.gemm(g.transA(), g.transB(), g.m(), cs, g.k(), g.alpha(), a, g.la().off(), g.lda(),
                        b, g.lb().off(), g.ldb(), g.beta(), cols, g.lc().off(), g.ldc());
                kern.gemm(g.transA(), g.transB(), g.m(), g.n() - cs, g.k(), g.alpha(), a, g.la().off(), g.lda(),
                        b, g.lb().off() + cs * bStep, g.ldb(), g.beta(), cols, g.lc().off() + cs, g.ldc());
                Checks.sameBits(kern.name() + ": columns [0," + cs + ") + [" + cs + "," + g.n() + ") vs one call in " + g,
                        whole, cols);
            }
        }
        Cases.count("gemm: panels bitwise");
    }
}
