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
        int b = c.batch(), h = c.heads();
        double density = rnd.nextDouble(0, 0.6);
        AttentionMask m = AttentionMask.none();
        switch (c.mask()) {
            case NONE -> {
            }
            case CAUSAL -> m = causal(c);
            case BOOL_LS -> m = blocked(c, rnd, 1, density);
            case BOOL_BLS -> m = blocked(c, rnd, b, density);
            case BOOL_BHLS -> m = blocked(c, rnd, b * h, density);
            case KEY_PADDING -> m = keyPadding(c, rnd, density);
            case ADDITIVE_LS -> m = additive(c, rnd, 1, density);
            case ADDITIVE_BHLS -> m = additive(c, rnd, b * h, density);
            case CAUSAL_PADDING -> m = causal(c).and(keyPadding(c, rnd, density));
            case COMBINED -> m = causal(c).and(blocked(c, rnd, b, density)).and(keyPadding(c, rnd, density))
                    .and(additive(c, rnd, 1, density));
            // two parts of each kind: AttentionMask.and materializes [B, L, S] ∨ [B·h, L, S] and [L, S] + [B·h, L, S]
            case TWO_OF_EACH -> m = blocked(c, rnd, b, density / 2).and(blocked(c, rnd, b * h, density / 2))
                    .and(keyPadding(c, rnd, density / 2)).and(keyPadding(c, rnd, density / 2))
                    .and(additive(c, rnd, 1, density)).and(additive(c, rnd, b * h, density));
        }
        return m;
    }

    private AttentionMask causal(MhaCase c) {
        forEach(c, (bb, hh, i, j) -> masked[at(c, bb, hh, i, j)] |= j > i);
        return AttentionMask.causal();
    }

    /** A boolean part [N, L, S] (N = 1 written as [L, S]; B shared by the heads; B·h one per head). */
    private AttentionMask blocked(MhaCase c, SplittableRandom rnd, int n, double density) {
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s();
        boolean[] t = new boolean[n * l * s];
        for (int r = 0; r < n * l; r++) {
            boolean whole = rnd.nextInt(6) == 0;
            for (int j = 0; j < s; j++) {
                t[r * s + j] = whole || rnd.nextDouble() < density;
            }
        }
        forEach(c, (bb, hh, i, j) -> {
            int slice = n == 1 ? 0 : n == b * h ? bb * h + hh : bb;
            masked[at(c, bb, hh, i, j)] |= t[(slice * l + i) * s + j];
        });
        return n == 1 ? AttentionMask.blocked(t, l, s) : AttentionMask.blocked(t, n, l, s);
    }

    /** A key-padding part [B, S]; sometimes a whole batch is padding. */
    private AttentionMask keyPadding(MhaCase c, SplittableRandom rnd, double density) {
        int b = c.batch(), s = c.s();
        boolean[] t = new boolean[b * s];
        for (int bb = 0; bb < b; bb++) {
            boolean whole = rnd.nextInt(5) == 0;
            for (int j = 0; j < s; j++) {
                t[bb * s + j] = whole || rnd.nextDouble() < density;
            }
        }
        forEach(c, (bb, hh, i, j) -> masked[at(c, bb, hh, i, j)] |= t[bb * s + j]);
        return AttentionMask.keyPadding(t, b, s);
    }

    /** An additive part [N, L, S] (N = 1 or B·h): O(1) biases that reorder the softmax, −∞ entries and rows. */
    private AttentionMask additive(MhaCase c, SplittableRandom rnd, int n, double density) {
        int h = c.heads(), l = c.l(), s = c.s();
        float[] t = new float[n * l * s];
        for (int r = 0; r < n * l; r++) {
            boolean whole = rnd.nextInt(6) == 0;
            for (int j = 0; j < s; j++) {
                t[r * s + j] = whole || rnd.nextDouble() < density / 4 ? Float.NEGATIVE_INFINITY
                        : (float) rnd.nextDouble(-8, 8);
            }
        }
        forEach(c, (bb, hh, i, j) -> {
            float v = t[((n == 1 ? 0 : bb * h + hh) * l + i) * s + j];
            if (v == Float.NEGATIVE_INFINITY) {
                masked[at(c, bb, hh, i, j)] = true;
            } else {
                bias[at(c, bb, hh, i, j)] += v;
            }
        });
        return n == 1 ? AttentionMask.additive(Tensor.wrap(t, l, s)) : AttentionMask.additive(Tensor.wrap(t, n, l, s));
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
