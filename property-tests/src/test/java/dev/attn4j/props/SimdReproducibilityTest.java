package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The same call must give the same bits every time — before and after the JIT compiles the kernel.
 *
 * <p>Found by the stress test: the SIMD softmax (and so the SIMD attention) changes the last bit of its
 * results once C2 compiles it, because {@code VectorOperators.EXP} runs a Java fallback in the
 * interpreter and an intrinsic (SVML on x86) in C2, and the two round differently (1 ulp at index 7 of
 * this 64-wide row, after about 5,900 calls on JDK 17 / AVX2). The SIMD case is tagged
 * {@code known-issue}, excluded from the default run and run with {@code -Pknown-issues}; it passes once
 * the SIMD exp is one code path in every tier (e.g. a polynomial on FMA). The scalar kernels must pass.
 */
class SimdReproducibilityTest {
    private static final int CALLS = 20_000;

    private static void assertReproducible(Kernels kern) {
        SplittableRandom r = new SplittableRandom(1);
        float[] x0 = new float[64];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) r.nextDouble(-3, 3);
        }
        float[] first = null;
        for (int call = 0; call < CALLS; call++) {
            float[] x = x0.clone();
            kern.scaledSoftmax(1, 64, 1f, x, 0, 64, ScoreMask.none());
            if (first == null) {
                first = x;
            } else {
                Checks.sameBits(kern.name() + ": softmax of the same row, call " + call + " vs call 0", first, x);
            }
        }
    }

    @Test
    void scalarSoftmaxIsBitwiseReproducibleAcrossJitTiers() {
        assertReproducible(Kernels.scalar());
    }

    @Test
    @Tag("known-issue")
    void simdSoftmaxIsBitwiseReproducibleAcrossJitTiers() {
        Assumptions.assumeTrue(Widths.simdActive(), "SIMD kernels not active in this run");
        assertReproducible(Kernels.best());
    }
}
