package dev.attn4j.props;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;

import java.util.SplittableRandom;

/**
 * One generated multi-head attention problem: E = heads·headDim, kvHeads dividing heads, key/value input
 * widths (0 = E), batch B, L queries, S keys, a mask kind, bias on/off, whether the weights come stacked as
 * {@code in_proj_weight}, the input amplitude, and the seed every array is drawn from.
 *
 * <p>{@link #MAX_WORK} caps the multiply-adds of one case (projections plus attention) so a thousand
 * tries per property stay within the suite's budget; {@link #capped} shrinks the widths first, then the
 * batch, then the heads, then the longer sequence, so the query-tile edges L = 63, 64, 65 survive with small heads.
 */
record MhaCase(int heads, int headDim, int kvHeads, int kdimSel, int vdimSel, int batch, int l, int s,
               Kind mask, boolean bias, boolean inProj, float amp, long seed) {

    /** Multiply-adds allowed in one case; {@code -Dattn4j.props.mhaMaxWork}. */
    static final long MAX_WORK = Long.getLong("attn4j.props.mhaMaxWork", 1L << 19);

    /** Mask kinds: each boolean/additive kind can contain fully masked rows. */
    enum Kind {
        NONE, CAUSAL, BOOL_LS, BOOL_BLS, BOOL_BHLS, KEY_PADDING, ADDITIVE_LS, ADDITIVE_BHLS, CAUSAL_PADDING, COMBINED, TWO_OF_EACH
    }

    int e() {
        return heads * headDim;
    }

    int ekv() {
        return kvHeads * headDim;
    }

    int kdim() {
        return kdimSel == 0 ? e() : kdimSel;
    }

    int vdim() {
        return vdimSel == 0 ? e() : vdimSel;
    }

    long work() {
        long e = e();
        return (long) batch * ((long) l * e * e * 2 + (long) s * ekv() * (kdim() + vdim()) + 2L * heads * l * s * headDim);
    }

    /** This case with its sizes reduced until {@link #work} ≤ {@link #MAX_WORK}. */
    MhaCase capped() {
        MhaCase c = this;
        while (c.work() > MAX_WORK) {
            if (c.headDim > 4) {
                c = c.with(c.heads, c.headDim / 2, c.kvHeads, c.kdimSel, c.vdimSel, c.batch, c.l, c.s);
            } else if (c.kdimSel > 8 || c.vdimSel > 8) {
                c = c.with(c.heads, c.headDim, c.kvHeads, Math.min(c.kdimSel, 8), Math.min(c.vdimSel, 8), c.batch, c.l, c.s);
            } else if (c.batch > 1) {
                c = c.with(c.heads, c.headDim, c.kvHeads, c.kdimSel, c.vdimSel, c.batch - 1, c.l, c.s);
            } else if (c.heads > 2) {
                // halve heads and kvHeads together (kvHeads | heads stays true when both are halved or kv stays 1)
                int h = c.heads / 2;
                int kv = c.kvHeads % 2 == 0 ? c.kvHeads / 2 : 1;
                if (h % kv != 0) {
                    kv = 1;
                }
                c = c.with(h, c.headDim, kv, c.kdimSel, c.vdimSel, c.batch, c.l, c.s);
            } else if (c.headDim > 1) {
                c = c.with(c.heads, c.headDim / 2, c.kvHeads, c.kdimSel, c.vdimSel, c.batch, c.l, c.s);
            } else if (c.s >= c.l && c.s > 1) {
                c = c.with(c.heads, c.headDim, c.kvHeads, c.kdimSel, c.vdimSel, c.batch, c.l, c.s / 2);
            } else if (c.l > 1) {
                c = c.with(c.heads, c.headDim, c.kvHeads, c.kdimSel, c.vdimSel, c.batch, c.l / 2, c.s);
            } else {
                break;
            }
        }
        return c;
    }

    MhaCase with(int h, int d, int kv, int kd, int vd, int b, int ll, int ss) {
        return new MhaCase(h, d, kv, kd, vd, b, ll, ss, mask, bias, inProj, amp, seed);
    }

    /** The same case with another mask kind, or other sequence lengths. */
    MhaCase withMask(Kind k) {
        return new MhaCase(heads, headDim, kvHeads, kdimSel, vdimSel, batch, l, s, k, bias, inProj, amp, seed);
    }

    MhaCase withBias(boolean b) {
        return new MhaCase(heads, headDim, kvHeads, kdimSel, vdimSel, batch, l, s, mask, b, inProj, amp, seed);
    }

    /** Weights, inputs and mask of this case, drawn from its seed. */
    MhaData data() {
        return new MhaData(this);
    }

    /** A builder with this case's shapes and the given weights, on the given kernels. */
    MultiHeadAttention.Builder builder(MhaData d, Kernels kernels) {
        int e = e();
        MultiHeadAttention.Builder b = MultiHeadAttention.builder(e, heads).kvHeads(kvHeads).kdim(kdim()).vdim(vdim())
                .bias(bias).kernels(kernels).outProjWeight(Tensor.wrap(d.wo.clone(), e, e));
        if (inProj && kdim() == e && vdim() == e) {
            float[] stacked = new float[(e + 2 * ekv()) * e];
            System.arraycopy(d.wq, 0, stacked, 0, e * e);
            System.arraycopy(d.wk, 0, stacked, e * e, ekv() * e);
            System.arraycopy(d.wv, 0, stacked, e * e + ekv() * e, ekv() * e);
            b.inProjWeight(Tensor.wrap(stacked, e + 2 * ekv(), e));
        } else {
            b.qProjWeight(Tensor.wrap(d.wq.clone(), e, e)).kProjWeight(Tensor.wrap(d.wk.clone(), ekv(), kdim()))
                    .vProjWeight(Tensor.wrap(d.wv.clone(), ekv(), vdim()));
        }
        if (bias) {
            float[] ib = new float[e + 2 * ekv()];
            System.arraycopy(d.bq, 0, ib, 0, e);
            System.arraycopy(d.bk, 0, ib, e, ekv());
            System.arraycopy(d.bv, 0, ib, e + ekv(), ekv());
            b.inProjBias(Tensor.wrap(ib, ib.length)).outProjBias(Tensor.wrap(d.bo.clone(), e));
        }
        return b;
    }

    MultiHeadAttention build(MhaData d, Kernels kernels) {
        return builder(d, kernels).build();
    }

    static float[] uniform(SplittableRandom rnd, double r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-r, r);
        }
        return x;
    }

    @Override
    public String toString() {
        return "MHA[E=" + e() + " (" + heads + "×" + headDim + "), kvHeads=" + kvHeads + ", kdim=" + kdim() + ", vdim="
                + vdim() + ", B=" + batch + ", L=" + l + ", S=" + s + ", mask=" + mask + ", bias=" + bias
                + (inProj ? ", in_proj" : "") + ", amp=" + amp + ", seed=" + seed + "]";
    }

    /** Shorthand for an AttentionMask of every boolean/additive table entry, [B·h, L, S]. */
    static AttentionMask explicit(MhaCase c, boolean[] masked, float[] bias) {
        int n = c.batch * c.heads;
        return AttentionMask.blocked(masked, n, c.l, c.s).and(AttentionMask.additive(Tensor.wrap(bias, n, c.l, c.s)));
    }
}
