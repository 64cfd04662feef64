package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The same call must give the same bits every time — before and after the JIT compiles the kernel.
 *
 * <p>Found by the stress test on the first SIMD softmax: its results changed in the last bit once C2
 * compiled it, because {@code VectorOperators.EXP} runs a Java fallback in the interpreter and an
 * intrinsic (SVML on x86) in C2, which round differently (1 ulp at index 7 of this 64-wide row, after
 * about 5,900 calls on JDK 17 / AVX2); {@code reduceLanes(ADD)} has the same hazard. The SIMD exp is now
 * a polynomial on lanewise FMA and the lane sums have a fixed order, so both kernels must pass.
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
    void simdSoftmaxIsBitwiseReproducibleAcrossJitTiers() {
        Assumptions.assumeTrue(Widths.simdActive(), "SIMD kernels not active in this run");
        assertReproducible(Kernels.best());
    }
}
