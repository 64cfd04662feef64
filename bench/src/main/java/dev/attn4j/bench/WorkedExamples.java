package dev.attn4j.bench;

import dev.attn4j.Attention;
import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import dev.attn4j.Tensor;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The seeds' worked examples of parameter-free self-attention, {@code softmax(E·Eᵀ)·E}, step by step on the
 * active kernels: scores S = E·Eᵀ (gemm with Bᵀ), weights = softmax(S) row-wise (scaledSoftmax, scale 1),
 * context = weights·E (gemm), and the fused {@link Attention#selfAttention} for comparison.
 */
public final class WorkedExamples {
    /** Six words, embeddings of size 3 ("How self attention works in Transformer"), as printed by PyTorch. */
    static final float[][] SIX_WORDS = {
            {-0.3178f, -0.8048f, 0.7659f},
            {0.6087f, 0.6313f, 0.4881f},
            {-0.5776f, 0.5329f, 1.2401f},
            {-0.7568f, 1.0494f, -0.4434f},
            {1.8883f, -1.5365f, -0.5007f},
            {-1.2233f, -0.2219f, -1.2253f},
    };
    /** The context matrix PyTorch printed for SIX_WORDS (from unrounded embeddings, shown to 4 decimals). */
    static final float[][] SIX_WORDS_CONTEXT = {
            {-0.0723f, -0.3647f, 0.4611f},
            {0.1540f, 0.2231f, 0.3968f},
            {-0.4170f, 0.3823f, 0.8222f},
            {-0.7299f, 0.5489f, -0.3410f},
            {1.8775f, -1.5290f, -0.4955f},
            {-1.0813f, -0.0636f, -1.0100f},
    };
    /** "Money Bank Grows" / "River Bank Flows": five words, embeddings of size 3. */
    static final float[][] FIVE_WORDS = {
            {0.1f, 0.2f, 0.3f},
            {0.4f, 0.5f, 0.6f},
            {0.7f, 0.8f, 0.9f},
            {0.2f, 0.1f, 0.4f},
            {0.5f, 0.3f, 0.2f},
    };
    static final String[] FIVE_NAMES = {"Money", "Bank", "Grows", "River", "Flows"};

    /**
     * The printed embeddings carry 4 decimals, so each input is off by up to 5e-5 from what PyTorch used;
     * through S (3 products, |e| ≤ 1.9) and the softmax-weighted mix that moves outputs by well under 2e-3,
     * and the printed outputs round by another 5e-5.
     */
    static final float SEED_TOLERANCE = 2e-3f;

    private WorkedExamples() {
    }

    /** The steps of softmax(E·Eᵀ)·E for one embedding matrix. */
    record Steps(Tensor scores, Tensor weights, Tensor context, Tensor fused) {
    }

    static Steps compute(float[][] embeddings, Kernels kernels) {
        Tensor e = Tensor.of(embeddings);
        int n = e.dim(0);
        int d = e.dim(1);
        float[] s = new float[n * n];
        kernels.gemm(false, true, n, n, d, 1f, e.data(), 0, d, e.data(), 0, d, 0f, s, 0, n);
        Tensor scores = Tensor.wrap(s.clone(), n, n);
        kernels.scaledSoftmax(n, n, 1f, s, 0, n, ScoreMask.none());
        Tensor weights = Tensor.wrap(s, n, n);
        float[] c = new float[n * d];
        kernels.gemm(false, false, n, d, n, 1f, s, 0, n, e.data(), 0, d, 0f, c, 0, d);
        Tensor fused = Attention.scaledDotProduct(e, e, e, ScoreMask.none(), 1f, kernels);
        return new Steps(scores, weights, Tensor.wrap(c, n, d), fused);
    }

    /** Max |a − b| over two equally shaped matrices. */
    static float maxDiff(float[] a, float[][] b) {
        float m = 0;
        int d = b[0].length;
        for (int i = 0; i < b.length; i++) {
            for (int j = 0; j < d; j++) {
                m = Math.max(m, Math.abs(a[i * d + j] - b[i][j]));
            }
        }
        return m;
    }

    /** Prints both examples; returns true when the 6×3 context matches the seed's printed values. */
    static boolean print(PrintStream out, Kernels kernels) {
        out.println("Six words, E [6, 3] (seed 004: \"How self attention works in Transformer\"):");
        Steps six = compute(SIX_WORDS, kernels);
        out.println("  S = E·Eᵀ:");
        out.println(indent(six.scores().format(4)));
        out.println("  weights = softmax(S) (row-wise):");
        out.println(indent(six.weights().format(4)));
        out.println("  contextual embeddings = weights·E:");
        out.println(indent(six.context().format(4)));
        float seedDiff = maxDiff(six.context().data(), SIX_WORDS_CONTEXT);
        float fusedDiff = maxDiff(six.fused().data(), toRows(six.context()));
        boolean ok = seedDiff <= SEED_TOLERANCE;
        out.printf(Locale.ROOT, "  vs the seed's printed context: max |diff| = %.1e (tolerance %.0e from 4-decimal inputs) %s%n",
                seedDiff, SEED_TOLERANCE, ok ? "OK" : "MISMATCH");
        out.printf(Locale.ROOT, "  fused flashAttention vs the three steps: max |diff| = %.1e%n", fusedDiff);

        out.println();
        out.println("Five words, E [5, 3] (seed 000: \"Money Bank Grows\" / \"River Bank Flows\"; S computed, not copied):");
        Steps five = compute(FIVE_WORDS, kernels);
        out.println("  S = E·Eᵀ:");
        out.println(indent(five.scores().format(4)));
        out.println("  contextual embeddings = softmax(S)·E:");
        float[] c = five.context().data();
        for (int i = 0; i < FIVE_NAMES.length; i++) {
            out.printf(Locale.ROOT, "    %-6s [%7.4f, %7.4f, %7.4f]%n", FIVE_NAMES[i], c[3 * i], c[3 * i + 1], c[3 * i + 2]);
        }
        return ok;
    }

    private static float[][] toRows(Tensor t) {
        int n = t.dim(0), d = t.dim(1);
        float[][] r = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(t.data(), i * d, r[i], 0, d);
        }
        return r;
    }

    private static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }
}
