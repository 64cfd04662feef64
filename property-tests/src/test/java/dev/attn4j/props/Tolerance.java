package dev.attn4j.props;

/**
 * Error bounds, derived per operation (standard floating-point error analysis, Higham, "Accuracy and
 * Stability of Numerical Algorithms", ch. 2–3). Notation: u = ε = 2^-24 is float32's unit roundoff, and
 * γ_n = n·u/(1 − n·u) bounds the relative error of n successive roundings. Every bound holds for any
 * summation order (sequential, blocked, pairwise, several accumulators, FMA or not), so it does not
 * tie the SIMD kernels to one algorithm.
 *
 * <p>Absolute terms cover the subnormal range, where relative bounds fail: one operation with a
 * subnormal result errs by at most half of {@link Float#MIN_VALUE}; a kernel may flush an exp result
 * below {@link Float#MIN_NORMAL} to zero.
 */
final class Tolerance {
    /** ε: unit roundoff of float32. */
    static final double EPS = 0x1p-24;
    /**
     * Relative error allowed for one float exp: 4 ulps (1 ulp ≤ 2ε relative). Math.exp is within 1 ulp;
     * the Vector API's EXP (SVML on x86, its own polynomials elsewhere) and hand-written polynomial exps
     * are within a few ulps. Stated once here and used by every softmax bound.
     */
    static final double EXP_ERR = 4 * 2 * EPS;
    /** Absolute error of one operation whose result is subnormal (2^-150), rounded up to 2^-149. */
    static final double SUB = Float.MIN_VALUE;
    /** Absolute error when an exp result below the normal range is flushed to zero. */
    static final double UNDER = Float.MIN_NORMAL;

    private Tolerance() {
    }

    /** γ_n = n·ε/(1 − n·ε): the relative error of n roundings. */
    static double gamma(int n) {
        return n * EPS / (1 - n * EPS);
    }

    /**
     * GEMM: {@code |ĉ − c| ≤ γ_{k+3}·(|α|·Σ_p|a_ip||b_pj| + |β·c_ij|) + (k+3)·SUB}.
     *
     * <p>Each product α·a·b passes through at most k+1 roundings on its way into the sum (α·a, the product
     * or FMA, and at most k−1 additions after it, in any order); β·c and the final add are two more.
     * So γ = 1 (no safety factor) in the form |err| ≤ γ·(k+3)·ε·Σ|a||b| of the brief.
     */
    static double gemm(int k, double mag) {
        return gamma(k + 3) * mag + (k + 3) * SUB;
    }

    /**
     * Weighted sum: {@code |ô_c − o_c| ≤ γ_{n+1}·Σ_j|w_j||V_jc| + (n+1)·SUB} — a dot product of length n
     * (n roundings in any order, plus one for a product formed separately from its add).
     */
    static double weightedSum(int n, double mag) {
        return gamma(n + 1) * mag + (n + 1) * SUB;
    }

    /**
     * Softmax of one row, as a relative bound on each p_j (absolute floor {@code 2·UNDER} for results
     * that underflow).
     *
     * <p>Derivation. The float score ẑ_j = fl(fl(scale·x_j) + bias_j) errs by at most
     * D = max_j ε·(|scale·x_j| + |z_j|) (two roundings); the row max inherits that error, and the
     * subtraction ẑ_j − m̂ adds ε·R with R = max_j |z_j − m|. So each exponent argument is off by at most
     * 2D + ε·R, i.e. each exp by a factor e^{±(2D+εR)}, and by EXP_ERR more. Normalizing divides by a sum
     * of cols positive terms (γ_{cols} relative, any order) and multiplies (or divides) once more; the
     * same argument error can push the numerator and the denominator in opposite directions, hence
     * 2·EXP_ERR. Products (1+a)(1+b)… ≤ e^{a+b+…}, and 1/(1−x) ≤ e^{1.02x} for x ≤ 0.01:
     * <pre>  rel = expm1(2D + ε·R + 2.02·EXP_ERR + 1.02·(cols+2)·ε)</pre>
     */
    static double softmaxRel(double[] scaledAbs, double[] z, int cols) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double d = 0, r = 0;
        for (int j = 0; j < z.length; j++) {
            if (z[j] != Double.NEGATIVE_INFINITY) {
                d = Math.max(d, EPS * (scaledAbs[j] + Math.abs(z[j])));
                r = Math.max(r, m - z[j]);
            }
        }
        return Math.expm1(2 * d + EPS * r + 2.02 * EXP_ERR + 1.02 * (cols + 2) * EPS);
    }

    /**
     * Sum of one softmax row: {@code |Σ_j p̂_j − 1| ≤ 1.02·(cols+2)·ε + cols·UNDER}. The exp errors cancel
     * (each stored p̂_j is its ê_j divided by the float sum of the same ê_j), leaving the float sum's γ_{cols}
     * and the one or two roundings of the normalization.
     */
    static double softmaxRowSum(int cols) {
        return 1.02 * (cols + 2) * EPS + cols * UNDER;
    }

    /**
     * Flash attention, the relative error of the softmax weights of query row i.
     *
     * <p>Derivation. Score s_ij = scale·q_i·k_j is a dot product of length dk scaled once: it errs by
     * δ_ij = |scale|·γ_{dk+2}·Σ_c|q_ic||k_jc| (+ subnormal terms), and adding the bias costs ε·|z_ij|;
     * D_i is the largest of these over the row. As for {@link #softmaxRel}, the exponent arguments are off
     * by 2·D_i plus ε·R_i per subtraction. An online (streaming) softmax rescales its running sum and
     * accumulator whenever the running max grows — at most s times — each time by an exp of a difference
     * of maxima (EXP_ERR + ε·R_i) applied with a few multiplications (3ε); the normalizing sum is s more
     * roundings, included there:
     * <pre>  rel_i = expm1(2·D_i + 1.01·(s+2)·(EXP_ERR + ε·R_i + 3ε))</pre>
     */
    static double flashRel(double[] z, double[] scoreErr, int s) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            m = Math.max(m, v);
        }
        double d = 0, r = 0;
        for (int j = 0; j < z.length; j++) {
            if (z[j] != Double.NEGATIVE_INFINITY) {
                d = Math.max(d, scoreErr[j] + EPS * Math.abs(z[j]));
                r = Math.max(r, m - z[j]);
            }
        }
        return Math.expm1(2 * d + 1.01 * (s + 2) * (EXP_ERR + EPS * r + 3 * EPS));
    }

    /**
     * Error of one score s_ij = scale·Σ_c q_ic·k_jc: |scale|·γ_{dk+3}·Σ|q||k| + subnormal terms (dk fused
     * multiply-adds, and up to three roundings of the factor: the fused kernels fold scale·log2 e into q, which
     * rounds the constant and the product).
     */
    static double score(float scale, int dk, double absDot) {
        return Math.abs(scale) * gamma(dk + 3) * absDot + (dk + 3) * SUB * Math.max(1, Math.abs(scale));
    }

    /**
     * Flash attention output o_ic = Σ_j p_ij·V_jc: the weights' relative error rel_i, then a dot product
     * of length s (γ_{s+2}, one more for the final division), with W_ic = Σ_j p_ij|V_jc|:
     * <pre>  |ô_ic − o_ic| ≤ (rel_i + γ_{s+2}·(1 + rel_i))·W_ic + 2·UNDER·Σ_j|V_jc| + (s+2)·SUB</pre>
     */
    static double flashOut(double rel, int s, double w, double absV) {
        return (rel + gamma(s + 2) * (1 + rel)) * w + 2 * UNDER * absV + (s + 2) * SUB;
    }

    /**
     * The float64 reference rounds its result to float once (ε·|x|) after float64 arithmetic whose own
     * error is the float32 bound with 2^-53 in place of 2^-24 (2^-29 of it; 2^-28 allows the ratio of
     * the γ denominators), plus one subnormal rounding.
     */
    static double reference(double exact, double fastTol) {
        return EPS * Math.abs(exact) + 0x1p-28 * fastTol + SUB;
    }
}
