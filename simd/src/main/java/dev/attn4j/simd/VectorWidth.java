package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species every SIMD kernel uses: {@link FloatVector#SPECIES_PREFERRED}, or a narrower one
 * forced with {@code -Dattn4j.vectorBits=128|256|512} (for testing narrower code paths on a wide
 * machine; the JIT's {@code -XX:MaxVectorSize} narrows the preferred species itself).
 */
final class VectorWidth {
    static final String PROPERTY = "attn4j.vectorBits";

    /** The species in use; a constant so C2 folds it into the kernels. */
    static final VectorSpecies<Float> SPECIES = choose(System.getProperty(PROPERTY));

    /** Lanes per vector of {@link #SPECIES}. */
    static final int LANES = SPECIES.length();

    /**
     * Σ of the lanes, added left to right. Unlike {@code reduceLanes(ADD)}, whose order may differ between
     * the intrinsic and the Java fallback (so between JIT tiers), this gives the same bits every time.
     */
    static float sumLanes(FloatVector v) {
        // kept under C2's MaxInlineSize (35 bytecodes) so it is always inlined: a vector passed to an
        // out-of-line call would be boxed
        return sumLeftToRight(v.toArray());
    }

    private static float sumLeftToRight(float[] lanes) {
        float s = 0f;
        for (float x : lanes) {
            s += x;
        }
        return s;
    }

    private VectorWidth() {
    }

    static VectorSpecies<Float> choose(String bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) {
            return preferred;
        }
        int b;
        try {
            b = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + bits + " is not 128, 256 or 512");
        }
        if (b != 128 && b != 256 && b != 512) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + bits + " is not 128, 256 or 512");
        }
        if (b > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + b + " exceeds this machine's preferred "
                    + preferred.vectorBitSize() + "-bit vectors");
        }
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(b));
    }
}
