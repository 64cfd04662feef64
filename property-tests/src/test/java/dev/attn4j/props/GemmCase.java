package dev.attn4j.props;

import java.util.SplittableRandom;

/**
 * One generated {@code C = α·op(A)·op(B) + β·C} call. Arrays are made on demand from the seed, so a
 * case prints (and shrinks) as its shape and parameters, never as thousands of floats.
 */
record GemmCase(int m, int n, int k, boolean transA, boolean transB, float alpha, float beta,
                Layout la, Layout lb, Layout lc, Regime ra, Regime rb, long seed) {

    int aRows() { return transA ? k : m; }
    int aCols() { return transA ? m : k; }
    int bRows() { return transB ? n : k; }
    int bCols() { return transB ? k : n; }
    int lda() { return la.ld(aCols()); }
    int ldb() { return lb.ld(bCols()); }
    int ldc() { return lc.ld(n); }

    float[] a() {
        return Mat.random(aRows(), aCols(), la.off(), lda(), ra, new SplittableRandom(seed));
    }

    float[] b() {
        return Mat.random(bRows(), bCols(), lb.off(), ldb(), rb, new SplittableRandom(seed + 1));
    }

    /** The initial C: NaN in the view when β = 0 (the contract says C is then not read). */
    float[] c() {
        if (beta == 0f) {
            return Mat.filled(m, n, lc.off(), ldc(), Float.NaN);
        }
        return Mat.random(m, n, lc.off(), ldc(), Regime.UNIT, new SplittableRandom(seed + 2));
    }

    @Override
    public String toString() {
        return "gemm[m=" + m + " n=" + n + " k=" + k + (transA ? " Aᵀ" : "") + (transB ? " Bᵀ" : "")
                + " α=" + alpha + " β=" + beta + " A:" + la + " B:" + lb + " C:" + lc + " " + ra + "×" + rb
                + " seed=" + seed + "]";
    }
}
