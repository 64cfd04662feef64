package dev.attn4j.bench;

/**
 * Flop counts of multi-head self-attention, for the GFLOPS columns (multiply and add counted apart).
 * Projections (Q, K, V and output) {@code 8·B·L·E²}; attention {@code 4·B·L·S·E} (Q·Kᵀ and P·V), of which a
 * causal mask keeps the (L+1)/(2L) share below and on the diagonal. Softmax is not counted.
 */
public final class MhaFlops {
    private MhaFlops() {
    }

    /** Flops of one forward pass over [B, L, E] (self-attention, S = L). */
    public static double forwardFlops(int batch, int len, int embedDim, boolean causal) {
        double proj = 8.0 * batch * len * (double) embedDim * embedDim;
        double attn = 4.0 * batch * (double) len * len * embedDim;
        return proj + (causal ? attn * (len + 1) / (2.0 * len) : attn);
    }

    /**
     * Flops of one decode step of one token against a cache holding {@code cached} earlier tokens: the four
     * projections of one row, {@code 8·E²}, and attention over cached + 1 keys, {@code 4·(cached + 1)·E}.
     */
    public static double decodeFlops(int cached, int embedDim) {
        return 8.0 * embedDim * embedDim + 4.0 * (cached + 1) * embedDim;
    }
}
