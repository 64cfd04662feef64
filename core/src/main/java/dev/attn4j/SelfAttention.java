package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Single-head self-attention with learnable projections, as in "Attention Is All You Need":
 * <pre>
 *   Q = X·W_Q,  K = X·W_K,  V = X·W_V,   out = softmax(Q·Kᵀ/√d_k + mask)·V
 * </pre>
 * with X [L, E] (or [B, L, E]), W_Q and W_K [E, d_k], W_V [E, d_v]. Note the paper's orientation
 * (X·W, W is [in, out]); PyTorch's {@code nn.Linear} stores the transpose — for PyTorch weights use
 * {@link MultiHeadAttention} with one head. Without projections this is {@link Attention#selfAttention}.
 *
 * <p>Immutable and thread-safe; the weights are copied.
 */
public final class SelfAttention {
    private final Tensor wq;
    private final Tensor wk;
    private final Tensor wv;
    private final Kernels kernels;

    private SelfAttention(Tensor wq, Tensor wk, Tensor wv, Kernels kernels) {
        this.wq = wq;
        this.wk = wk;
        this.wv = wv;
        this.kernels = kernels;
    }

    /** On {@link Kernels#best()}. */
    public static SelfAttention of(Tensor wQ, Tensor wK, Tensor wV) {
        return of(wQ, wK, wV, Kernels.best());
    }

    /**
     * @param wQ [E, d_k]; copied
     * @param wK [E, d_k]; copied
     * @param wV [E, d_v]; copied
     * @throws IllegalArgumentException if the shapes disagree
     */
    public static SelfAttention of(Tensor wQ, Tensor wK, Tensor wV, Kernels kernels) {
        Objects.requireNonNull(wQ, "wQ");
        Objects.requireNonNull(wK, "wK");
        Objects.requireNonNull(wV, "wV");
        Objects.requireNonNull(kernels, "kernels");
        if (wQ.rank() != 2) {
            throw new IllegalArgumentException("wQ: expected [E, d_k] but was " + Arrays.toString(wQ.shape()));
        }
        if (!wK.sameShape(wQ)) {
            throw new IllegalArgumentException("wK: expected " + Arrays.toString(wQ.shape()) + " but was "
                    + Arrays.toString(wK.shape()));
        }
        if (wV.rank() != 2 || wV.dim(0) != wQ.dim(0)) {
            throw new IllegalArgumentException("wV: expected [" + wQ.dim(0) + ", d_v] but was " + Arrays.toString(wV.shape()));
        }
        return new SelfAttention(copy(wQ), copy(wK), copy(wV), kernels);
    }

    private static Tensor copy(Tensor t) {
        return Tensor.wrap(t.toArray(), t.shape());
    }

    /** E, the input width. */
    public int inputDim() {
        return wq.dim(0);
    }

    /**
     * @param x    [L, E] or [B, L, E]; not modified
     * @param mask see {@link AttentionMask}
     * @return a new tensor [L, d_v] or [B, L, d_v]
     * @throws IllegalArgumentException if x's last dimension is not E or the mask does not fit
     */
    public Tensor forward(Tensor x, AttentionMask mask) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(mask, "mask");
        int e = wq.dim(0);
        if ((x.rank() != 2 && x.rank() != 3) || x.dim(-1) != e) {
            throw new IllegalArgumentException("x: expected [L, " + e + "] or [B, L, " + e + "] but was " + Arrays.toString(x.shape()));
        }
        int l = x.dim(-2);
        int batch = x.rank() == 3 ? x.dim(0) : 1;
        mask.check("mask", batch, 1, l, l);
        Tensor q = project(x, wq);
        Tensor k = project(x, wk);
        Tensor v = project(x, wv);
        return Attention.scaledDotProduct(q, k, v, mask, Attention.defaultScale(q), kernels);
    }

    /** X·W for x [..., E] and W [E, n]: [..., n]. */
    private Tensor project(Tensor x, Tensor w) {
        int e = w.dim(0);
        int n = w.dim(1);
        int rows = x.size() / Math.max(1, e);
        int[] shape = x.shape();
        shape[shape.length - 1] = n;
        Attention.checkSize("projection", shape);
        Tensor y = Tensor.zeros(shape);
        kernels.gemm(false, false, rows, n, e, 1f, x.data(), 0, e, w.data(), 0, n, 0f, y.data(), 0, n);
        return y;
    }
}
