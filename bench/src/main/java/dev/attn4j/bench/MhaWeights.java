package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;

import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * The weights of one {@code nn.MultiheadAttention} in PyTorch's layout, shared by the library's
 * {@link MultiHeadAttention} and the ONNX Runtime peer so that both compute the same function:
 * {@code in_proj_weight} [3E, E] (rows 0..E-1 are W_q, then W_k, W_v), {@code in_proj_bias} [3E],
 * {@code out_proj.weight} [E, E], {@code out_proj.bias} [E]. The arrays are kept by reference and never
 * written.
 */
public record MhaWeights(int embedDim, int numHeads, float[] inProjWeight, float[] inProjBias,
                         float[] outProjWeight, float[] outProjBias) {

    /**
     * @throws IllegalArgumentException if numHeads does not divide embedDim or an array has the wrong length
     */
    public MhaWeights {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " must be a positive multiple of numHeads "
                    + numHeads);
        }
        checkLength("inProjWeight", inProjWeight, 3 * embedDim * embedDim);
        checkLength("inProjBias", inProjBias, 3 * embedDim);
        checkLength("outProjWeight", outProjWeight, embedDim * embedDim);
        checkLength("outProjBias", outProjBias, embedDim);
    }

    /** Weights drawn like PyTorch's initialisation scale (uniform ±1/√E), reproducible from the seed. */
    public static MhaWeights random(int embedDim, int numHeads, long seed) {
        Random r = new Random(seed);
        float bound = (float) (1.0 / Math.sqrt(embedDim));
        return new MhaWeights(embedDim, numHeads,
                uniform(r, 3 * embedDim * embedDim, bound), uniform(r, 3 * embedDim, bound),
                uniform(r, embedDim * embedDim, bound), uniform(r, embedDim, bound));
    }

    /** The same weights with W_o replaced (for tests that a wrong layout is caught). */
    public MhaWeights withOutProjWeight(float[] otherOutProjWeight) {
        return new MhaWeights(embedDim, numHeads, inProjWeight, inProjBias, otherOutProjWeight, outProjBias);
    }

    /** The library's module on these weights, running on {@code kernels} on the calling thread only. */
    public MultiHeadAttention build(Kernels kernels) {
        return builder(kernels).build();
    }

    /**
     * The library's module on these weights, splitting each call over up to {@code threads} threads: the
     * caller and tasks on {@code executor} (ignored, and may be null, when threads is 1).
     */
    public MultiHeadAttention build(Kernels kernels, Executor executor, int threads) {
        MultiHeadAttention.Builder b = builder(kernels);
        if (threads > 1) {
            b.executor(Objects.requireNonNull(executor, "executor"), threads);
        }
        return b.build();
    }

    private MultiHeadAttention.Builder builder(Kernels kernels) {
        int e = embedDim;
        return MultiHeadAttention.builder(e, numHeads)
                .inProjWeight(Tensor.wrap(inProjWeight, 3 * e, e))
                .inProjBias(Tensor.wrap(inProjBias, 3 * e))
                .outProjWeight(Tensor.wrap(outProjWeight, e, e))
                .outProjBias(Tensor.wrap(outProjBias, e))
                .kernels(Objects.requireNonNull(kernels, "kernels"));
    }

    private static float[] uniform(Random r, int n, float bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2f * r.nextFloat() - 1f) * bound;
        }
        return a;
    }

    private static void checkLength(String name, float[] a, int need) {
        Objects.requireNonNull(a, name);
        if (a.length != need) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements but must have " + need);
        }
    }
}
