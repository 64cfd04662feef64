package dev.attn4j.props;

import dev.attn4j.AttentionMask;
import dev.attn4j.Tensor;

import java.util.SplittableRandom;

/**
 * The arrays of one {@link MhaCase}: weights in PyTorch's layout, inputs, and the mask in two independent
 * forms — the {@link AttentionMask} under test, and plain tables {@code masked} / {@code bias} indexed
 * [b, h, i, j] (row-major [B, heads, L, S]) that the oracle reads. The tables are written here from the
 * mask's definition (PyTorch's conventions), never read back from AttentionMask.
 *
 * <p>Weights are U(−1/√in, 1/√in) (PyTorch's default initialisation scale), biases U(−0.5, 0.5), inputs
 * U(−amp, amp). Boolean and additive masks contain whole masked rows (about one in six), key padding
 * sometimes pads a whole batch, so fully masked query rows occur in every kind but NONE and CAUSAL.
 */
final class MhaData {
    final float[] wq, wk, wv, wo, bq, bk, bv, bo;
    final float[] query, key, value;
    final boolean[] masked;
    final float[] bias;
    final AttentionMask mask;

    MhaData(MhaCase c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        int e = c.e(), ekv = c.ekv(), kd = c.kdim(), vd = c.vdim();
        wq = MhaCase.uniform(rnd, 1 / Math.sqrt(e), e * e);
        wk = MhaCase.uniform(rnd, 1 / Math.sqrt(kd), ekv * kd);
        wv = MhaCase.uniform(rnd, 1 / Math.sqrt(vd), ekv * vd);
        wo = MhaCase.uniform(rnd, 1 / Math.sqrt(e), e * e);
        bq = c.bias() ? MhaCase.uniform(rnd, 0.5, e) : null;
        bk = c.bias() ? MhaCase.uniform(rnd, 0.5, ekv) : null;
        bv = c.bias() ? MhaCase.uniform(rnd, 0.5, ekv) : null;
        bo = c.bias() ? MhaCase.uniform(rnd, 0.5, e) : null;
        query = MhaCase.uniform(rnd, c.amp(), c.batch() * c.l() * e);
        key = MhaCase.uniform(rnd, c.amp(), c.batch() * c.s() * kd);
        value = MhaCase.uniform(rnd, c.amp(), c.batch() * c.s() * vd);
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s();
        masked = new boolean[b * h * l * s];
        bias = new float[b * h * l * s];
        mask = buildMask(c, new SplittableRandom(c.seed() ^ 0x5DEECE66DL));
    }

    Tensor queryT(MhaCase c) {
        return Tensor.wrap(query, c.batch(), c.l(), c.e());
    }

    Tensor keyT(MhaCase c) {
        return Tensor.wrap(key, c.batch(), c.s(), c.kdim());
    }

    Tensor valueT(MhaCase c) {
        return Tensor.wrap(value, c.batch(), c.s(), c.vdim());
    }

    private int at(MhaCase c, int b, int h, int i, int j) {
        return ((b * c.heads() + h) * c.l() + i) * c.s() + j;
    }

    private AttentionMask buildMask(MhaCase c, SplittableRandom rnd) {
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s();
        double density = rnd.nextDouble(0, 0.6);
        AttentionMask m = AttentionMask.none();
        MhaCase.Kind k = c.mask();
        if (k == MhaCase.Kind.CAUSAL || k == MhaCase.Kind.CAUSAL_PADDING || k == MhaCase.Kind.COMBINED) {
            m = m.and(AttentionMask.causal());
            forEach(c, (bb, hh, i, j) -> masked[at(c, bb, hh, i, j)] |= j > i);
        }
        if (k == MhaCase.Kind.BOOL_LS || k == MhaCase.Kind.BOOL_BLS || k == MhaCase.Kind.BOOL_BHLS
                || k == MhaCase.Kind.COMBINED) {
            // N = 1 ([L, S]), B (shared by the heads of a batch) or B·h (one slice per head)
            int n = k == MhaCase.Kind.BOOL_LS ? 1 : k == MhaCase.Kind.BOOL_BHLS ? b * h : b;
            boolean[] t = new boolean[n * l * s];
            for (int r = 0; r < n * l; r++) {
                boolean whole = rnd.nextInt(6) == 0;
                for (int j = 0; j < s; j++) {
                    t[r * s + j] = whole || rnd.nextDouble() < density;
                }
            }
            m = m.and(n == 1 ? AttentionMask.blocked(t, l, s) : AttentionMask.blocked(t, n, l, s));
            forEach(c, (bb, hh, i, j) -> {
                int slice = n == 1 ? 0 : n == b * h ? bb * h + hh : bb;
                masked[at(c, bb, hh, i, j)] |= t[(slice * l + i) * s + j];
            });
        }
        if (k == MhaCase.Kind.KEY_PADDING || k == MhaCase.Kind.CAUSAL_PADDING || k == MhaCase.Kind.COMBINED) {
            boolean[] t = new boolean[b * s];
            for (int bb = 0; bb < b; bb++) {
                boolean whole = rnd.nextInt(5) == 0;
                for (int j = 0; j < s; j++) {
                    t[bb * s + j] = whole || rnd.nextDouble() < density;
                }
            }
            m = m.and(AttentionMask.keyPadding(t, b, s));
            forEach(c, (bb, hh, i, j) -> masked[at(c, bb, hh, i, j)] |= t[bb * s + j]);
        }
        if (k == MhaCase.Kind.ADDITIVE_LS || k == MhaCase.Kind.ADDITIVE_BHLS || k == MhaCase.Kind.COMBINED) {
            int n = k == MhaCase.Kind.ADDITIVE_BHLS ? b * h : 1;
            float[] t = new float[n * l * s];
            for (int r = 0; r < n * l; r++) {
                boolean whole = rnd.nextInt(6) == 0;
                for (int j = 0; j < s; j++) {
                    // O(1) biases that reorder the softmax, and −∞ (the additive way to mask)
                    t[r * s + j] = whole || rnd.nextDouble() < density / 4 ? Float.NEGATIVE_INFINITY
                            : (float) rnd.nextDouble(-8, 8);
                }
            }
            m = m.and(n == 1 ? AttentionMask.additive(Tensor.wrap(t, l, s)) : AttentionMask.additive(Tensor.wrap(t, n, l, s)));
            forEach(c, (bb, hh, i, j) -> {
                float v = t[((n == 1 ? 0 : bb * h + hh) * l + i) * s + j];
                if (v == Float.NEGATIVE_INFINITY) {
                    masked[at(c, bb, hh, i, j)] = true;
                } else {
                    bias[at(c, bb, hh, i, j)] += v;
                }
            });
        }
        return m;
    }

    private interface Entry {
        void at(int b, int h, int i, int j);
    }

    private static void forEach(MhaCase c, Entry f) {
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.heads(); h++) {
                for (int i = 0; i < c.l(); i++) {
                    for (int j = 0; j < c.s(); j++) {
                        f.at(b, h, i, j);
                    }
                }
            }
        }
    }

    /** The tables with −∞ for masked entries zeroed in {@code bias}: the explicit [B·h, L, S] form. */
    float[] explicitBias() {
        float[] t = bias.clone();
        for (int i = 0; i < t.length; i++) {
            if (masked[i]) {
                t[i] = 0f;
            }
        }
        return t;
    }

    /** True when query row i of batch b, head h has no key left. */
    boolean fullyMasked(MhaCase c, int b, int h, int i) {
        for (int j = 0; j < c.s(); j++) {
            if (!masked[at(c, b, h, i, j)]) {
                return false;
            }
        }
        return true;
    }
}
