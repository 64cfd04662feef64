package dev.attn4j.props;

/**
 * Multi-head attention in float64, written from the formula, with an element-wise bound on the error of
 * any float32 evaluation of it (the fused path, the weights path, the KV-cache decode path, on any
 * kernels that meet the per-operation bounds of {@link Tolerance}).
 *
 * <p>Notation as in {@link Tolerance}: ε = 2^-24, γ_n = n·ε/(1 − n·ε), SUB = 2^-149, UNDER = 2^-126,
 * EXP_ERR = 8ε. Hats are float32 computed values, e_x a bound on |x̂ − x|. Each stage takes float inputs
 * that already carry the previous stage's error, so a bound is its own rounding error on the computed
 * inputs plus the first-order propagation of the input errors:
 * <pre>
 *   projection  y = x·Wᵀ + b       e_y = γ_{n+3}·(Σ|x̂||W| + |b|) + (1+γ_{n+3})·Σ e_x|W| + (n+3)·SUB
 *               (x the float input: e_x = 0 for Q, K, V; the head outputs for the output projection)
 *   score       z_j = s·q·k_j + a_j  D_j = s·(γ_{d+3}·Σ|q̂||k̂_j| + Σ(e_q|k_j| + |q|e_k + e_q·e_k))
 *                                         + ε·(|s·q·k_j| + |z_j|) + (d+3)·SUB·max(1, s)
 *   weights     p_j                 |p̂_j − p_j| ≤ rel·p_j + 2·UNDER,
 *               rel = expm1(2·max_j D_j + 1.01·(S+2)·(EXP_ERR + ε·R + 3ε)),  R = max_j (max z − z_j)
 *   head        o = Σ_j p_j·v_j      e_o = (rel + γ_{S+3}·(1+rel))·Σ p_j|v̂_j| + (1+rel)·Σ p_j·e_v
 *                                         + 2·UNDER·Σ|v̂_j| + (S+3)·SUB
 * </pre>
 * The weights bound is {@link Tolerance#flashRel}'s (the online softmax's rescalings dominate the plain
 * softmax's terms, so one bound serves the fused and the materialized paths); 2·D_j because a shift of every
 * score by at most D moves numerator and denominator of the softmax by e^{±D} each. The head bound is
 * {@link Tolerance#flashOut} with γ_{S+3} (which also covers the weights path's gemm P·V and the decode
 * path's weighted sum) plus the propagated error of V. |x̂| ≤ |x| + e_x is used wherever a computed value's
 * magnitude enters. A fully masked row is exactly zero in every path (the documented convention) and has no
 * error. The first-order terms dropped (products of two γ's) are below 2^-20 of the bound at these sizes.
 */
final class MhaOracle {
    /**
     * @param out   exact output [B, L, E];  tol its bound
     * @param attn  exact concatenated head outputs [B, L, E] (before the output projection); attnTol its bound
     * @param p     exact weights [B, h, L, S]; rel the relative bound of each row [B, h, L]
     */
    record Expected(double[] out, double[] tol, double[] attn, double[] attnTol, double[] p, double[] rel) {
        /** Bound on |p̂ − p| for weight index {@code idx} of [B, h, L, S]. */
        double pTol(int idx, int s) {
            return rel[idx / s] * p[idx] + 2 * Tolerance.UNDER;
        }
    }

    private MhaOracle() {
    }

    static Expected of(MhaCase c, MhaData d) {
        return of(c, d, d.query, d.key, d.value, d.masked, d.bias);
    }

    /** As {@link #of(MhaCase, MhaData)} with other inputs and mask tables (the weights of {@code w}). */
    static Expected of(MhaCase c, MhaData w, float[] query, float[] key, float[] value, boolean[] masked, float[] bias) {
        int b = c.batch(), l = c.l(), s = c.s(), e = c.e(), ekv = c.ekv(), hd = c.headDim(), h = c.heads();
        double[][] q = linear(query, null, b * l, e, w.wq, w.bq, e);
        double[][] k = linear(key, null, b * s, c.kdim(), w.wk, w.bk, ekv);
        double[][] v = linear(value, null, b * s, c.vdim(), w.wv, w.bv, ekv);
        double scale = (float) (1.0 / Math.sqrt(hd)); // the float the module uses
        int group = h / c.kvHeads();
        double[] attn = new double[b * l * e];
        double[] attnTol = new double[b * l * e];
        double[] p = new double[b * h * l * s];
        double[] rel = new double[b * h * l];
        double[] z = new double[s];
        double[] dz = new double[s];
        for (int bb = 0; bb < b; bb++) {
            for (int hh = 0; hh < h; hh++) {
                int g = hh / group;
                for (int i = 0; i < l; i++) {
                    int row = (bb * h + hh) * l + i;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        double dot = 0, abs = 0, prop = 0;
                        for (int t = 0; t < hd; t++) {
                            int qi = (bb * l + i) * e + hh * hd + t;
                            int kj = (bb * s + j) * ekv + g * hd + t;
                            double qv = q[0][qi], kv = k[0][kj], eq = q[1][qi], ek = k[1][kj];
                            dot += qv * kv;
                            abs += (Math.abs(qv) + eq) * (Math.abs(kv) + ek);
                            prop += eq * Math.abs(kv) + Math.abs(qv) * ek + eq * ek;
                        }
                        int idx = row * s + j;
                        z[j] = masked[idx] ? Double.NEGATIVE_INFINITY : scale * dot + bias[idx];
                        dz[j] = scale * (Tolerance.gamma(hd + 3) * abs + prop)
                                + Tolerance.EPS * (Math.abs(scale * dot) + Math.abs(z[j]))
                                + (hd + 3) * Tolerance.SUB * Math.max(1, scale);
                        max = Math.max(max, z[j]);
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        continue; // fully masked: p, o and their bounds are 0
                    }
                    double dMax = 0, r = 0, sum = 0;
                    for (int j = 0; j < s; j++) {
                        if (z[j] != Double.NEGATIVE_INFINITY) {
                            dMax = Math.max(dMax, dz[j]);
                            r = Math.max(r, max - z[j]);
                            sum += Math.exp(z[j] - max);
                        }
                    }
                    for (int j = 0; j < s; j++) {
                        p[row * s + j] = z[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(z[j] - max) / sum;
                    }
                    double rl = Math.expm1(2 * dMax + 1.01 * (s + 2) * (Tolerance.EXP_ERR + Tolerance.EPS * r + 3 * Tolerance.EPS));
                    rel[row] = rl;
                    for (int t = 0; t < hd; t++) {
                        double acc = 0, wAbs = 0, vAbs = 0, vErr = 0;
                        for (int j = 0; j < s; j++) {
                            int vj = (bb * s + j) * ekv + g * hd + t;
                            double pj = p[row * s + j];
                            double av = Math.abs(v[0][vj]) + v[1][vj];
                            acc += pj * v[0][vj];
                            wAbs += pj * av;
                            vAbs += av;
                            vErr += pj * v[1][vj];
                        }
                        int oi = (bb * l + i) * e + hh * hd + t;
                        attn[oi] = acc;
                        attnTol[oi] = (rl + Tolerance.gamma(s + 3) * (1 + rl)) * wAbs + (1 + rl) * vErr
                                + 2 * Tolerance.UNDER * vAbs + (s + 3) * Tolerance.SUB;
                    }
                }
            }
        }
        double[][] out = linear(attn, attnTol, b * l, e, w.wo, w.bo, e);
        return new Expected(out[0], out[1], attn, attnTol, p, rel);
    }

    /** y [rows, out] = x·Wᵀ + b exactly (float inputs, or exact values with their errors ex), and its bound. */
    static double[][] linear(Object x, double[] ex, int rows, int in, float[] w, float[] bias, int out) {
        double[] y = new double[rows * out];
        double[] ey = new double[rows * out];
        double g = Tolerance.gamma(in + 3);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                double mag = bias == null ? 0 : Math.abs(bias[o]);
                double prop = 0;
                for (int i = 0; i < in; i++) {
                    double xi = x instanceof float[] f ? f[r * in + i] : ((double[]) x)[r * in + i];
                    double exi = ex == null ? 0 : ex[r * in + i];
                    double wi = w[o * in + i];
                    sum += xi * wi;
                    mag += (Math.abs(xi) + exi) * Math.abs(wi);
                    prop += exi * Math.abs(wi);
                }
                y[r * out + o] = sum;
                ey[r * out + o] = g * mag + (1 + g) * prop + (in + 3) * Tolerance.SUB;
            }
        }
        return new double[][]{y, ey};
    }
}
