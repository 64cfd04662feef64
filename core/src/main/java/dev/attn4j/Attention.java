package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Attention as functions of tensors, computed on {@link Kernels#best()} unless kernels are passed.
 *
 * <p>Shapes: a query tensor is [..., L, d_k], keys [..., S, d_k], values [..., S, d_v] with the same
 * leading (batch, head) dimensions; the output is [..., L, d_v].
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
        Objects.requireNonNull(q, "q");
        return scaledDotProduct(q, k, v, ScoreMask.none(), defaultScale(q), Kernels.best());
    }

    /** 1/√d_k for queries of shape [..., d_k]. */
    public static float defaultScale(Tensor q) {
        int dk = q.dim(-1);
        return dk == 0 ? 1f : (float) (1.0 / Math.sqrt(dk));
    }

    /**
     * {@code softmax(scale·Q·Kᵀ + mask)·V} over the leading (batch/head) dimensions, on the given
     * kernels. The same mask applies to every batch/head slice.
     *
     * @throws IllegalArgumentException if the shapes do not agree (the message names them)
     */
    public static Tensor scaledDotProduct(Tensor q, Tensor k, Tensor v, ScoreMask mask, float scale, Kernels kernels) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(kernels, "kernels");
        int rank = q.rank();
        if (rank < 2) {
            throw new IllegalArgumentException("q: expected [..., L, d_k] but was " + Arrays.toString(q.shape()));
        }
        int[] qs = q.shape();
        int[] lead = Arrays.copyOf(qs, rank - 2);
        int l = qs[rank - 2];
        int dk = qs[rank - 1];
        if (k.rank() != rank || !Arrays.equals(lead, Arrays.copyOf(k.shape(), rank - 2)) || k.dim(-1) != dk) {
            throw new IllegalArgumentException("k: expected " + shapeWith(lead, "S", dk) + " but was "
                    + Arrays.toString(k.shape()) + " (q is " + Arrays.toString(qs) + ")");
        }
        int s = k.dim(-2);
        if (v.rank() != rank || !Arrays.equals(lead, Arrays.copyOf(v.shape(), rank - 2)) || v.dim(-2) != s) {
            throw new IllegalArgumentException("v: expected " + shapeWith(lead, String.valueOf(s), -1) + " but was "
                    + Arrays.toString(v.shape()) + " (k is " + Arrays.toString(k.shape()) + ")");
        }
        int dv = v.dim(-1);
        int batch = 1;
        for (int d : lead) {
            batch *= d;
        }
        mask.checkCovers("mask", l, s);
        int[] outShape = Arrays.copyOf(qs, rank);
        outShape[rank - 1] = dv;
        Tensor out = Tensor.zeros(outShape);
        for (int b = 0; b < batch; b++) {
            kernels.flashAttention(l, s, dk, dv, scale,
                    q.data(), b * l * dk, dk, k.data(), b * s * dk, dk, v.data(), b * s * dv, dv,
                    mask, out.data(), b * l * dv, dv);
        }
        return out;
    }

    private static String shapeWith(int[] lead, String rows, int cols) {
        StringBuilder sb = new StringBuilder("[");
        for (int d : lead) {
            sb.append(d).append(", ");
        }
        return sb.append(rows).append(", ").append(cols < 0 ? "*" : String.valueOf(cols)).append(']').toString();
    }
}
