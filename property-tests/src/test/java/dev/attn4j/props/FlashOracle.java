package dev.attn4j.props;

/** The float64 oracle and the per-element bound for {@code O = softmax(scale·Q·Kᵀ + mask)·V}. */
final class FlashOracle {
    private FlashOracle() {
    }

    /** Exact O (l×dv, row-major), its bound, and which query rows are fully masked. */
    record Expected(double[] o, double[] tol, boolean[] fullyMasked) {
    }

    static Expected of(int l, int s, int dk, int dv, float scale,
                       float[] q, int qOff, int ldq, float[] k, int kOff, int ldk, float[] v, int vOff, int ldv,
                       MaskSpec.Built mk) {
        double[] o = new double[l * dv];
        double[] tol = new double[l * dv];
        boolean[] full = new boolean[l];
        double[] absV = new double[dv];
        for (int j = 0; j < s; j++) {
            for (int c = 0; c < dv; c++) {
                absV[c] += Math.abs(v[vOff + j * ldv + c]);
            }
        }
        double[] scaled = new double[s];
        double[] err = new double[s];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < s; j++) {
                double dot = 0, abs = 0;
                for (int c = 0; c < dk; c++) {
                    double t = (double) q[qOff + i * ldq + c] * k[kOff + j * ldk + c];
                    dot += t;
                    abs += Math.abs(t);
                }
                scaled[j] = scale * dot;
                err[j] = Tolerance.score(scale, dk, abs);
            }
            double[] z = Oracle.scores(scaled, mk.masked()[i], mk.bias()[i]);
            // a kernel in base 2 multiplies the additive term by a rounded log2 e: one more rounding of it
            for (int j = 0; j < s; j++) {
                err[j] += Tolerance.EPS * Math.abs(mk.bias()[i][j]);
            }
            double[] p = Oracle.softmax(z);
            double rel = Tolerance.flashRel(z, err, s);
            full[i] = true;
            for (double zj : z) {
                full[i] &= zj == Double.NEGATIVE_INFINITY;
            }
            for (int c = 0; c < dv; c++) {
                double sum = 0, w = 0;
                for (int j = 0; j < s; j++) {
                    double vj = v[vOff + j * ldv + c];
                    sum += p[j] * vj;
                    w += p[j] * Math.abs(vj);
                }
                o[i * dv + c] = sum;
                tol[i * dv + c] = full[i] ? 0 : Tolerance.flashOut(rel, s, w, absV[c]);
            }
        }
        return new Expected(o, tol, full);
    }

    static Expected of(FlashCase f, float[] q, float[] k, float[] v, MaskSpec.Built mk) {
        return of(f.l(), f.s(), f.dk(), f.dv(), f.scale(), q, f.lq().off(), f.ldq(), k, f.lk().off(), f.ldk(),
                v, f.lv().off(), f.ldv(), mk);
    }
}
