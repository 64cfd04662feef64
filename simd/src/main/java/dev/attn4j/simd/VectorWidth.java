package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    /**
     * The concrete class of {@link #SPECIES}'s vectors (e.g. {@code Float256Vector}), for {@code VECTOR.cast(v)}.
     *
     * <p>Why: every Vector API operation is a virtual call on its receiver ({@code lanewise} is abstract in
     * {@code FloatVector}). C2 turns it into the intrinsic only if it knows the receiver's concrete class; for a
     * value coming from {@code fromArray}/{@code broadcast}, a loop variable or a parameter it does not, and falls
     * back on the call site's type profile inside the JDK's shared {@code FloatVector} code. That profile is
     * polluted as soon as any other code in the JVM uses another vector class ({@code SPECIES_MAX}, 128-bit
     * vectors, another library such as netlib's VectorBLAS): the call goes megamorphic, is not inlined, and every
     * vector is boxed (measured: GEMM 512³ from 75 to 5–18 GFLOPS). {@code Class.cast} with this constant is a C2
     * intrinsic that gives the value its exact class, so the operations on it are bound statically, whatever the
     * profiles say. Kernels cast every vector that is the receiver of an operation and does not come straight
     * from another operation.
     */
    @SuppressWarnings("unchecked")
    static final Class<FloatVector> VECTOR = (Class<FloatVector>) (Class<?>) SPECIES.vectorType();

    /** The concrete class of the int vectors of the same shape (for the exponent bits of exp). */
    @SuppressWarnings("unchecked")
    static final Class<IntVector> INT_VECTOR =
            (Class<IntVector>) (Class<?>) IntVector.SPECIES_PREFERRED.withShape(SPECIES.vectorShape()).vectorType();

    /** Lanes per vector of {@link #SPECIES}. */
    static final int LANES = SPECIES.length();

    /**
     * The species of the memory-bound kernels that stream a matrix once (GEMV, the weighted sum, GEMM's direct
     * path): {@link #SPECIES}, but at most 256 bits. A 512-bit load whose address is not a multiple of 64 bytes
     * spans two cache lines, and a Java array's floats start 16 bytes past a 64-byte boundary at best (a large
     * array in G1 starts a region, its header is 16 bytes), so a stream read from its first float splits every
     * load. Read bandwidth of one core, four streams side by side over 128 MiB (Zen 5, JDK 17 and 25): 512-bit
     * loads 25-27 GB/s from a misaligned start and 39-46 from an aligned one, 256-bit loads 43-48 from any start,
     * 128-bit 40. Kernels cannot choose their data's alignment, so they stream on 256-bit vectors.
     */
    static final VectorSpecies<Float> STREAM_SPECIES = SPECIES.vectorBitSize() > 256
            ? SPECIES.withShape(VectorShape.S_256_BIT) : SPECIES;

    /** The concrete class of {@link #STREAM_SPECIES}'s vectors (see {@link #VECTOR}). */
    @SuppressWarnings("unchecked")
    static final Class<FloatVector> STREAM_VECTOR = (Class<FloatVector>) (Class<?>) STREAM_SPECIES.vectorType();

    /**
     * Σ of the {@link #LANES} floats at {@code lanes[off]}, added left to right: a vector's lane sum once the
     * vector is stored there. Unlike {@code reduceLanes(ADD)}, whose order may differ between the intrinsic and
     * the Java fallback (so between JIT tiers), this gives the same bits every time; and it takes an array, not
     * a vector, so it never boxes one when C2 does not inline it.
     */
    static float sumLanes(float[] lanes, int off) {
        return sumLanes(lanes, off, LANES);
    }

    /** {@link #sumLanes(float[], int)} for a vector of {@code count} lanes (another species' vector stored there). */
    static float sumLanes(float[] lanes, int off, int count) {
        float s = 0f;
        for (int i = 0; i < count; i++) {
            s += lanes[off + i];
        }
        return s;
    }

    /** buf, or a new array when buf holds fewer than n floats (for per-thread buffers grown on demand). */
    static float[] atLeast(float[] buf, int n) {
        return buf.length >= n ? buf : new float[n];
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
