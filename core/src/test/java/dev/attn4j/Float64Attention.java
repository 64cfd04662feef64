package dev.attn4j;

/**
 * An independent float64 evaluation of (multi-head) attention with a first-order bound on the error of
 * any float32 evaluation of the same formula, element by element. Used as the tolerance of the golden
 * tests (the expected values themselves come from PyTorch in float64).
 *
 * <p>With ε = 2^-24 and γ_n = n·ε/(1 − n·ε) (the classical bound of an n-term dot product in float32,
 * |fl(Σ a_i·b_i) − Σ a_i·b_i| ≤ γ_n·Σ|a_i||b_i|, any summation order):
 * <pre>
 *   projection  y = x·Wᵀ + b :  e_y ≤ γ_{n+1}·(|x|·|W|ᵀ + |b|)                       (n = input width)
 *   score       z = s·q·k    :  e_z ≤ s·(γ_d·|q|·|k| + e_q·|k| + |q|·e_k) + ε·|z|
 *   softmax     p            :  e_p_j ≤ p_j·(2·max_j e_z_j + (S + 4)·ε)
 *   mix         o = Σ p_j·v_j:  e_o ≤ Σ_j (p_j·|v_j|·(γ_S) + e_p_j·|v_j| + p_j·e_v_j)
 *   output      out = o·W_oᵀ + b_o : e ≤ γ_{E+1}·(|o|·|W_o|ᵀ + |b_o|) + e_o·|W_o|ᵀ
 * </pre>
 * plus ε·|out| for the final rounding of the float32 expected value. The bound is first order; tests
 * compare against twice it.
 */
final class Float64Attention {
    static final double EPS = 0x1p-24;

    static double gamma(int n) {
        return n * EPS / (1 - n * EPS);
    }

    /** y [rows, out] = x [rows, in]·Wᵀ + b in float64, and its bound ey given the inputs' bounds ex. */
    static double[][] linear(double[] x, double[] ex, int rows, int in, float[] w, float[] b, int out) {
        double[] y = new double[rows * out];
        double[] ey = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                double abs = b == null ? 0 : Math.abs(b[o]);
                double prop = 0;
                for (int i = 0; i < in; i++) {
                    double xi = x[r * in + i];
                    double wi = w[o * in + i];
                    s += xi * wi;
                    abs += Math.abs(xi) * Math.abs(wi);
                    prop += (ex == null ? 0 : ex[r * in + i]) * Math.abs(wi);
                }
                y[r * out + o] = s;
                ey[r * out + o] = gamma(in + 1) * abs + prop;
            }
        }
        return new double[][]{y, ey};
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** Inputs of one attention evaluation; masked/additive are [B, H, L, S] (null = none). */
    static final class Heads {
        int batch;
        int heads;
        int kvHeads;
        int l;
        int s;
        int dk;
        int dv;
        double scale;
        double[] q;   // [B, L, heads·dk]
        double[] eq;
        double[] k;   // [B, S, kvHeads·dk]
        double[] ek;
        double[] v;   // [B, S, kvHeads·dv]
        double[] ev;
        boolean[] masked;
        double[] additive;

        // results
        double[] o;   // [B, L, heads·dv]
        double[] eo;
        double[] p;   // [B, H, L, S]
        double[] ep;

        void run() {
            int qw = heads * dk;
            int kw = kvHeads * dk;
            int vw = kvHeads * dv;
            int ow = heads * dv;
            int group = heads / kvHeads;
            o = new double[batch * l * ow];
            eo = new double[batch * l * ow];
            p = new double[batch * heads * l * s];
            ep = new double[batch * heads * l * s];
            double[] z = new double[s];
            double[] ez = new double[s];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    int g = h / group;
                    for (int i = 0; i < l; i++) {
                        int pRow = ((b * heads + h) * l + i) * s;
                        double max = Double.NEGATIVE_INFINITY;
                        double maxEz = 0;
                        for (int j = 0; j < s; j++) {
                            double dot = 0;
                            double abs = 0;
                            double prop = 0;
                            for (int c = 0; c < dk; c++) {
                                int qi = (b * l + i) * qw + h * dk + c;
                                int kj = (b * s + j) * kw + g * dk + c;
                                dot += q[qi] * k[kj];
                                abs += Math.abs(q[qi]) * Math.abs(k[kj]);
                                prop += (eq == null ? 0 : eq[qi]) * Math.abs(k[kj]) + Math.abs(q[qi]) * (ek == null ? 0 : ek[kj]);
                            }
                            boolean m = masked != null && masked[pRow + j];
                            double add = additive == null ? 0 : additive[pRow + j];
                            z[j] = m ? Double.NEGATIVE_INFINITY : scale * dot + add;
                            ez[j] = scale * (gamma(dk) * abs + prop) + EPS * Math.abs(scale * dot) + EPS * Math.abs(z[j]);
                            if (!m) {
                                max = Math.max(max, z[j]);
                                maxEz = Math.max(maxEz, ez[j]);
                            }
                        }
                        double sum = 0;
                        for (int j = 0; j < s; j++) {
                            p[pRow + j] = max == Double.NEGATIVE_INFINITY ? 0 : Math.exp(z[j] - max);
                            sum += p[pRow + j];
                        }
                        for (int j = 0; j < s; j++) {
                            if (sum > 0) {
                                p[pRow + j] /= sum;
                            }
                            ep[pRow + j] = p[pRow + j] * (2 * maxEz + (s + 4) * EPS);
                        }
                        for (int c = 0; c < dv; c++) {
                            double acc = 0;
                            double err = 0;
                            for (int j = 0; j < s; j++) {
                                int vj = (b * s + j) * vw + g * dv + c;
                                double pj = p[pRow + j];
                                acc += pj * v[vj];
                                err += pj * Math.abs(v[vj]) * gamma(Math.max(1, s)) + ep[pRow + j] * Math.abs(v[vj])
                                        + pj * (ev == null ? 0 : ev[vj]);
                            }
                            int oi = (b * l + i) * ow + h * dv + c;
                            o[oi] = acc;
                            eo[oi] = err + EPS * Math.abs(acc);
                        }
                    }
                }
            }
        }
    }
}
