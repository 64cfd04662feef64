package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Attention as functions of tensors, computed on {@link Kernels#best()} unless kernels are passed.
 *
 * <p>Shapes: queries are [L, d_k], [B, L, d_k] or [B, H, L, d_k]; keys [..., S, d_k] and values
 * [..., S, d_v] with the same leading (batch, head) dimensions; the output is [..., L, d_v]. Masks follow
 * {@link AttentionMask} (PyTorch's conventions; a fully masked query row gives a zero output row).
 *
 * <p>Every method checks its arguments before computing: a null is a {@link NullPointerException}
 * naming it, a shape mismatch an {@link IllegalArgumentException} naming the argument and both shapes.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Parameter-free self-attention {@code softmax(X·Xᵀ)·X} (no scaling): each row of the output is
     * the softmax-weighted mix of all rows of X, weighted by their dot products with that row.
     *
     * @param x [L, d] or batched [..., L, d]; not modified
     * @return a new tensor of the same shape
     */
    public static Tensor selfAttention(Tensor x) {
        return selfAttention(x, 1f);
    }

    /** {@code softmax(scale·X·Xᵀ)·X}. */
    public static Tensor selfAttention(Tensor x, float scale) {
        Objects.requireNonNull(x, "x");
        return scaledDotProduct(x, x, x, ScoreMask.none(), scale, Kernels.best());
    }

    /** {@code softmax(Q·Kᵀ/√d_k)·V}. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v) {
        return scaledDotProduct(q, k, v, AttentionMask.none());
    }

    /** {@code softmax(Q·Kᵀ/√d_k + mask)·V}, the default scale 1/√d_k. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionMask mask) {
        Objects.requireNonNull(q, "q");
        return scaledDotProduct(q, k, v, mask, defaultScale(q), Kernels.best());
    }

    /** {@code softmax(scale·Q·Kᵀ + mask)·V}. */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale) {
        return scaledDotProduct(q, k, v, mask, scale, Kernels.best());
    }

    /**
     * {@code O = softmax(scale·Q·Kᵀ + mask)·V} for every batch (and head) slice, on the given kernels,
     * with the fused kernel (no L×S matrix is built unless the mask itself holds one).
     *
     * @param q       [L, d_k], [B, L, d_k] or [B, H, L, d_k]; not modified
     * @param k       [..., S, d_k]; not modified
     * @param v       [..., S, d_v]; not modified
     * @param mask    see {@link AttentionMask}; its N may be B·H or B for [B, H, …] inputs
     * @param scale   finite, usually 1/√d_k
     * @return a new tensor [..., L, d_v]
     * @throws IllegalArgumentException if the shapes disagree, the mask does not fit or the scale is not finite
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, AttentionMask mask, float scale,
                                          Kernels kernels) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(kernels, "kernels");
        Dims d = dims(q, k, v);
        checkScale(scale);
        mask.check("mask", d.batch, d.heads, d.l, d.s);
        return run(q, k, v, d, (b, h) -> mask.slice(b, h, d.batch, d.heads, d.l, d.s), scale, kernels);
    }

    /**
     * {@code softmax(scale·Q·Kᵀ + mask)·V} with one kernel-level mask applied to every batch/head slice.
     *
     * @throws IllegalArgumentException if the shapes do not agree (the message names them)
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, ScoreMask mask, float scale, Kernels kernels) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(kernels, "kernels");
        Dims d = dims(q, k, v);
        checkScale(scale);
        mask.checkCovers("mask", d.l, d.s);
        return run(q, k, v, d, (b, h) -> mask, scale, kernels);
    }

    /**
     * The attention weights {@code P = softmax(scale·Q·Kᵀ + mask)} for every slice: [..., L, S]
     * (rows sum to 1; a fully masked row is zeros).
     *
     * @param q [L, d_k], [B, L, d_k] or [B, H, L, d_k]; not modified
     * @param k [..., S, d_k]; not modified
     * @throws IllegalArgumentException if the shapes disagree, the mask does not fit, the scale is not finite
     *                                  or [..., L, S] is too large for one array
     */
    public static Tensor attentionWeights(Tensor q, Tensor k, AttentionMask mask, float scale, Kernels kernels) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(kernels, "kernels");
        Dims d = dims(q, k, k);
        checkScale(scale);
        mask.check("mask", d.batch, d.heads, d.l, d.s);
        int[] shape = q.shape();
        shape[shape.length - 1] = d.s;
        checkSize("weights", shape);
        Tensor p = Tensor.zeros(shape);
        int slices = d.batch * d.heads;
        for (int i = 0; i < slices; i++) {
            int pOff = i * d.l * d.s;
            kernels.gemm(false, true, d.l, d.s, d.dk, 1f, q.data(), i * d.l * d.dk, d.dk, k.data(), i * d.s * d.dk, d.dk,
                    0f, p.data(), pOff, d.s);
            kernels.scaledSoftmax(d.l, d.s, scale, p.data(), pOff, d.s,
                    mask.slice(i / d.heads, i % d.heads, d.batch, d.heads, d.l, d.s));
        }
        return p;
    }

    /** 1/√d_k for queries of shape [..., d_k] (1 when d_k = 0). */
    public static float defaultScale(Tensor q) {
        Objects.requireNonNull(q, "q");
        int dk = q.dim(-1);
        return dk == 0 ? 1f : (float) (1.0 / Math.sqrt(dk));
    }

    // ---- shared ----

    private interface MaskOf {
        ScoreMask of(int b, int h);
    }

    /** Leading dims as (batch, heads), rows and widths of a checked q/k/v triple. */
    private static final class Dims {
        int batch = 1;
        int heads = 1;
        int l;
        int s;
        int dk;
        int dv;
        int[] lead;
    }

    private static Dims dims(Tensor q, Tensor k, Tensor v) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        int rank = q.rank();
        int[] qs = q.shape();
        if (rank < 2) {
            throw new IllegalArgumentException("q: expected [L, d_k], [B, L, d_k] or [B, H, L, d_k] but was "
                    + Arrays.toString(qs));
        }
        Dims d = new Dims();
        d.lead = Arrays.copyOf(qs, rank - 2);
        if (rank >= 3) {
            d.batch = qs[0];
        }
        if (rank == 4) {
            d.heads = qs[1];
        }
        d.l = qs[rank - 2];
        d.dk = qs[rank - 1];
        int[] ks = k.shape();
        if (ks.length != rank || !Arrays.equals(d.lead, Arrays.copyOf(ks, rank - 2)) || ks[rank - 1] != d.dk) {
            throw new IllegalArgumentException("k: expected " + shapeWith(d.lead, "S", d.dk) + " but was "
                    + Arrays.toString(ks) + " (q is " + Arrays.toString(qs) + ")");
        }
        d.s = ks[rank - 2];
        int[] vs = v.shape();
        if (vs.length != rank || !Arrays.equals(d.lead, Arrays.copyOf(vs, rank - 2)) || vs[rank - 2] != d.s) {
            throw new IllegalArgumentException("v: expected " + shapeWith(d.lead, String.valueOf(d.s), -1) + " but was "
                    + Arrays.toString(vs) + " (k is " + Arrays.toString(ks) + ")");
        }
        d.dv = vs[rank - 1];
        return d;
    }

    private static Tensor run(Tensor q, Tensor k, Tensor v, Dims d, MaskOf masks, float scale, Kernels kernels) {
        int[] outShape = q.shape();
        outShape[outShape.length - 1] = d.dv;
        Tensor out = Tensor.zeros(outShape);
        int slices = d.batch * d.heads;
        for (int i = 0; i < slices; i++) {
            kernels.flashAttention(d.l, d.s, d.dk, d.dv, scale,
                    q.data(), i * d.l * d.dk, d.dk, k.data(), i * d.s * d.dk, d.dk, v.data(), i * d.s * d.dv, d.dv,
                    masks.of(i / d.heads, i % d.heads), out.data(), i * d.l * d.dv, d.dv);
        }
        return out;
    }

    static void checkScale(float scale) {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale: must be finite but was " + scale);
        }
    }

    static void checkSize(String what, int... shape) {
        long n = 1;
        for (int x : shape) {
            n *= x;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(what + ": " + Arrays.toString(shape)
                        + " has more elements than one Java array can hold");
            }
        }
    }

    private static String shapeWith(int[] lead, String rows, int cols) {
        StringBuilder sb = new StringBuilder("[");
        for (int x : lead) {
            sb.append(x).append(", ");
        }
        return sb.append(rows).append(", ").append(cols < 0 ? "*" : String.valueOf(cols)).append(']').toString();
    }
}
