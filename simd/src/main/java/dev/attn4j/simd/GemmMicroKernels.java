package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled micro-kernels of {@link SimdGemm}: {@code C_tile ⊕= α·Ap·Bp} for one MR×NR tile, where
 * Ap is an MR-row micro-panel packed {@code ap[apOff + p·MR + r]} and Bp an NR-column micro-panel packed
 * {@code bp[bpOff + p·NR + j]}, both of depth kc.
 *
 * <p>Each kernel keeps its MR·NV accumulators in locals (so C2 holds them in vector registers), and per step p
 * loads NV vectors of Bp and broadcasts MR scalars of Ap: MR·NV independent FMA chains, which is what hides
 * the FMA latency (4 cycles × 2 pipes on Zen 3 needs ≥ 8 chains). One kernel per shape because accumulators
 * cannot be arrays without leaving registers.
 *
 * <p>Every accumulator lane is the float FMA chain {@code acc = fma(a_ip, b_pj, acc)} over p = 0..kc-1
 * from 0, then the C update (whose scalar twin is {@link #update}) folds it into C — the same arithmetic as every other path of
 * {@link SimdGemm}, which is what makes the result independent of the tile an element falls in. The update is
 * inline in most kernels; the 6×2 split form and the 512-bit tiles (8×2, 12×2) leave the raw accumulators in a
 * scratch tile for {@link #updateTile} instead (see {@link #kernel6x2Split} and {@link #kernel8x2} for why).
 */
final class GemmMicroKernels {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = VectorWidth.LANES;
    private static final Class<FloatVector> V = VectorWidth.VECTOR;

    /** First depth block, β = 0: {@code c = α·acc} (C is not read). */
    static final int FIRST_BETA0 = 0;
    /** First depth block, β ≠ 0: {@code c = fma(α, acc, β·c)}. */
    static final int FIRST_BETA = 1;
    /** Later depth blocks: {@code c = fma(α, acc, c)}. */
    static final int ACCUMULATE = 2;

    /** The update mode of the depth block starting at {@code pc}. */
    static int mode(int pc, float beta) {
        return pc > 0 ? ACCUMULATE : beta == 0f ? FIRST_BETA0 : FIRST_BETA;
    }

    /** Sink for the C-tile touch loads; written only if their sum equals {@link #TOUCH_SENTINEL}. */
    static float touched;
    /** An arbitrary value the touch sum practically never equals (a sum of C values would have to hit it exactly). */
    static final float TOUCH_SENTINEL = 0x1.234568p-100f;

    private GemmMicroKernels() {
    }

    /*
     * The C update of an accumulator vector is written out inline at every use in the micro-kernels (mode
     * branch and all) instead of calling a helper: C2 may leave a call out of line when a kernel exhausts its
     * inlining budget, and a vector passed to an out-of-line call is boxed on every tile. Inline form, with the
     * broadcast α as the receiver (see VectorWidth.VECTOR): FIRST_BETA0 stores α·acc; otherwise
     * fma(α, acc, c·b) with b = β (FIRST_BETA) or 1 (ACCUMULATE; c·1 = c exactly). The product of an FMA is
     * exact, so α·acc and acc·α give the same bits: this is bitwise the scalar update below.
     */

    /** The C update of one element: bitwise one lane of the inline vector update (FloatVector.fma is Math.fma). */
    static float update(float acc, float old, float alpha, float beta, int mode) {
        if (mode == FIRST_BETA0) {
            return acc * alpha;
        } else if (mode == FIRST_BETA) {
            return Math.fma(acc, alpha, old * beta);
        }
        return Math.fma(acc, alpha, old);
    }

    /**
     * Floats per depth step of a packed 6-row A micro-panel: 6 rows padded to 8, so that the 6×2 loop can step
     * over A's offset and derive B's from it as {@code ao·(2L/8)} (2L/6 is not an integer), as the 4×2, 4×3 and
     * 3×3 kernels do. The two padding floats are never read. (The 512-bit kernels count depth steps instead: 2L/12
     * is not an integer either, and for 8×2 stepping over A's offset measured the same, 0.99–1.02× on JDK 17.)
     */
    static final int STEP6 = 8;

    /** Floats between the rows of a row-packed A micro-panel: {@link SimdGemm#ROW_STRIDE}, a constant. */
    static final int ROW = SimdGemm.ROW_STRIDE;

    /** The 4×2·L register tile: 8 accumulators, 2 B loads and one broadcast live per step. */
    static void kernel4x2(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int aEnd = apOff + kc * 4;
        int bBase = bpOff - apOff * (2 * L / 4);
        for (int ao = apOff; ao < aEnd; ao += 4) {
            int bo = bBase + ao * (2 * L / 4);
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
    }

    /**
     * {@link #kernel4x2} with A read in place: element (r, p) at {@code ap[apOff + r·rs + p]}, i.e. rows of a
     * row-major op(A). The depth stride is 1, not a parameter: with a constant stride C2 removes the range
     * checks of the A loads from the loop, which with a variable one it cannot (11% faster on (512, 64, 512)
     * NN on JDK 17).
     */
    static void kernel4x2s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
    }

    /** The 5×2·L register tile: 10 accumulators, 2 B loads and one broadcast live per step. */
    static void kernel5x2(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
            touch += c[cOff + 4 * ldc] + c[cOff + 4 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p * 5;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        int r4 = cOff + 4 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c40)).intoArray(c, r4);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c40, V.cast(FloatVector.fromArray(S, c, r4)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c41)).intoArray(c, r4 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c41, V.cast(FloatVector.fromArray(S, c, r4 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4 + L);
        }
    }

    /** {@link #kernel5x2} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel5x2s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
            touch += c[cOff + 4 * ldc] + c[cOff + 4 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * rs]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        int r4 = cOff + 4 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c40)).intoArray(c, r4);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c40, V.cast(FloatVector.fromArray(S, c, r4)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c41)).intoArray(c, r4 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c41, V.cast(FloatVector.fromArray(S, c, r4 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4 + L);
        }
    }

    /** The 6×2·L register tile: 12 accumulators, 2 B loads and one broadcast live per step. */
    static void kernel6x2(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
            touch += c[cOff + 4 * ldc] + c[cOff + 4 * ldc + 2 * L - 1];
            touch += c[cOff + 5 * ldc] + c[cOff + 5 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int aEnd = apOff + kc * STEP6;
        int bBase = bpOff - apOff * (2 * L / STEP6);
        for (int ao = apOff; ao < aEnd; ao += STEP6) {
            int bo = bBase + ao * (2 * L / STEP6);
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5]));
            c50 = V.cast(a5).fma(b0, c50);
            c51 = V.cast(a5).fma(b1, c51);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        int r4 = cOff + 4 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c40)).intoArray(c, r4);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c40, V.cast(FloatVector.fromArray(S, c, r4)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c41)).intoArray(c, r4 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c41, V.cast(FloatVector.fromArray(S, c, r4 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4 + L);
        }
        int r5 = cOff + 5 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c50)).intoArray(c, r5);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c50, V.cast(FloatVector.fromArray(S, c, r5)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r5);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c51)).intoArray(c, r5 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c51, V.cast(FloatVector.fromArray(S, c, r5 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r5 + L);
        }
    }

    /** {@link #kernel6x2} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel6x2s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 2 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 2 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 2 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 2 * L - 1];
            touch += c[cOff + 4 * ldc] + c[cOff + 4 * ldc + 2 * L - 1];
            touch += c[cOff + 5 * ldc] + c[cOff + 5 * ldc + 2 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * rs]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * rs]));
            c50 = V.cast(a5).fma(b0, c50);
            c51 = V.cast(a5).fma(b1, c51);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        int r4 = cOff + 4 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c40)).intoArray(c, r4);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c40, V.cast(FloatVector.fromArray(S, c, r4)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c41)).intoArray(c, r4 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c41, V.cast(FloatVector.fromArray(S, c, r4 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r4 + L);
        }
        int r5 = cOff + 5 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c50)).intoArray(c, r5);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c50, V.cast(FloatVector.fromArray(S, c, r5)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r5);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c51)).intoArray(c, r5 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c51, V.cast(FloatVector.fromArray(S, c, r5 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r5 + L);
        }
    }

    /**
     * Touches both ends of rows 0 … rows−1 of a 2L-wide C tile, unless C is not read (β = 0 on the first depth
     * block), so a cache miss on it overlaps the kernel's loop instead of stalling the update. The caller keeps
     * the loads alive by comparing the sum with {@link #TOUCH_SENTINEL} after its loop.
     */
    static float touchRows(float[] c, int cOff, int ldc, int rows, int mode) {
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            for (int r = 0; r < rows; r++) {
                touch += c[cOff + r * ldc] + c[cOff + r * ldc + 2 * L - 1];
            }
        }
        return touch;
    }

    /** Never equal to an A offset (they are ≥ 0): the split points of the 6×2 split kernels compare with it. */
    static int splitSentinel = -1;
    /** Written only if a split comparison were true, which it never is. */
    static int splitSink;

    /**
     * The 6×2·L tile on packed A (and on JDK 17–24 in place, see {@link #kernel6x2sSplit}); made for JDK 17–24,
     * whose C2 cannot keep {@link #kernel6x2}'s 15 live vectors in registers: it
     * schedules the six broadcasts and two B loads of a step at its top (20 live vectors) and spills four
     * accumulators. Two comparisons that are never true, after rows 1 and 3, cut the step into three basic
     * blocks; C2 schedules within a block, so at most two broadcasts are live at once (12 + 2 + 2 = 16
     * vectors) and nothing spills (one fused compare-and-branch each, 32 instructions per 12 FMAs).
     *
     * <p>The accumulators go raw to {@code acc[accOff …]}, row r at r·ars, and {@link #updateTile} folds them
     * into C with the same arithmetic as the inline update of the other kernels (or, where the update would
     * be the identity, the caller passes C itself as {@code acc}, with ars = ldc). Leaving the update out keeps
     * the method small: JDK 17's C1 gives up on {@link #kernel6x2} ("out of virtual registers"), which can
     * leave it running in the interpreter-grade tier-2 code, about 100 times slower, until C2 compiles it.
     */
    static void kernel6x2Split(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                               float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 6, mode);
        int split = splitSentinel;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int aEnd = apOff + kc * STEP6;
        int bBase = bpOff - apOff * (2 * L / STEP6);
        for (int ao = apOff; ao < aEnd; ao += STEP6) {
            int bo = bBase + ao * (2 * L / STEP6);
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5]));
            c50 = V.cast(a5).fma(b0, c50);
            c51 = V.cast(a5).fma(b1, c51);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c00).intoArray(acc, accOff);
        V.cast(c01).intoArray(acc, accOff + L);
        V.cast(c10).intoArray(acc, accOff + 1 * ars);
        V.cast(c11).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c20).intoArray(acc, accOff + 2 * ars);
        V.cast(c21).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c30).intoArray(acc, accOff + 3 * ars);
        V.cast(c31).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c40).intoArray(acc, accOff + 4 * ars);
        V.cast(c41).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c50).intoArray(acc, accOff + 5 * ars);
        V.cast(c51).intoArray(acc, accOff + 5 * ars + L);
    }

    /** {@link #kernel6x2Split} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel6x2sSplit(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                                float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 6, mode);
        int split = splitSentinel;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * rs]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * rs]));
            c50 = V.cast(a5).fma(b0, c50);
            c51 = V.cast(a5).fma(b1, c51);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c00).intoArray(acc, accOff);
        V.cast(c01).intoArray(acc, accOff + L);
        V.cast(c10).intoArray(acc, accOff + 1 * ars);
        V.cast(c11).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c20).intoArray(acc, accOff + 2 * ars);
        V.cast(c21).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c30).intoArray(acc, accOff + 3 * ars);
        V.cast(c31).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c40).intoArray(acc, accOff + 4 * ars);
        V.cast(c41).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c50).intoArray(acc, accOff + 5 * ars);
        V.cast(c51).intoArray(acc, accOff + 5 * ars + L);
    }

    /**
     * {@link #kernel6x2sSplit} on six rows copied {@link #ROW} floats apart (element (r, p) at {@code ap[apOff +
     * r·ROW + p]}): the stride is a constant, so each broadcast addresses its row as a fixed displacement from one
     * index, where the run-time stride of the in-place form costs two integer operations per row and step.
     */
    static void kernel6x2rSplit(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                                float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 6, mode);
        int split = splitSentinel;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + ROW]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            if (ao == split) {
                splitSink = ao; // never: ao ≥ 0 > split
            }
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW]));
            c40 = V.cast(a4).fma(b0, c40);
            c41 = V.cast(a4).fma(b1, c41);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW]));
            c50 = V.cast(a5).fma(b0, c50);
            c51 = V.cast(a5).fma(b1, c51);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c00).intoArray(acc, accOff);
        V.cast(c01).intoArray(acc, accOff + L);
        V.cast(c10).intoArray(acc, accOff + 1 * ars);
        V.cast(c11).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c20).intoArray(acc, accOff + 2 * ars);
        V.cast(c21).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c30).intoArray(acc, accOff + 3 * ars);
        V.cast(c31).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c40).intoArray(acc, accOff + 4 * ars);
        V.cast(c41).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c50).intoArray(acc, accOff + 5 * ars);
        V.cast(c51).intoArray(acc, accOff + 5 * ars + L);
    }

    /**
     * Folds raw accumulators {@code acc[accOff + r·nr + j]} (rows 0 … mr−1, nr = a whole number of vectors)
     * into the C tile at cOff: the inline update of the micro-kernels, the same operations in the same order.
     */
    static void updateTile(float[] acc, int accOff, int mr, int nr, float[] c, int cOff, int ldc,
                           float alpha, float beta, int mode) {
        FloatVector al = V.cast(FloatVector.broadcast(S, alpha));
        float b = mode == FIRST_BETA ? beta : 1f;
        for (int r = 0; r < mr; r++) {
            int ci = cOff + r * ldc;
            int ai = accOff + r * nr;
            for (int j = 0; j < nr; j += L) {
                FloatVector x = V.cast(FloatVector.fromArray(S, acc, ai + j));
                if (mode == FIRST_BETA0) {
                    V.cast(V.cast(al).mul(x)).intoArray(c, ci + j);
                } else {
                    V.cast(V.cast(al).fma(x, V.cast(FloatVector.fromArray(S, c, ci + j)).mul(b))).intoArray(c, ci + j);
                }
            }
        }
    }

    /**
     * {@link #updateTile} of a first depth block whose C rows stand set to a bias: {@code c = fma(α, acc, bias_j)}
     * with column j's bias at {@code bias[biasAt + j]}, C only written. The floats of {@code updateTile} in mode
     * FIRST_BETA with β = 1 on rows set to the bias (1·bias_j is bias_j exactly).
     */
    static void updateTileBias(float[] acc, int accOff, int mr, int nr, float[] bias, int biasAt, float[] c, int cOff,
                               int ldc, float alpha) {
        FloatVector al = V.cast(FloatVector.broadcast(S, alpha));
        for (int r = 0; r < mr; r++) {
            int ci = cOff + r * ldc;
            int ai = accOff + r * nr;
            for (int j = 0; j < nr; j += L) {
                FloatVector x = V.cast(FloatVector.fromArray(S, acc, ai + j));
                V.cast(V.cast(al).fma(x, V.cast(FloatVector.fromArray(S, bias, biasAt + j)))).intoArray(c, ci + j);
            }
        }
    }

    /** The 4×3·L register tile: 12 accumulators, 3 B loads and one broadcast live per step. */
    static void kernel4x3(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 3 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 3 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 3 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 3 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        int aEnd = apOff + kc * 4;
        int bBase = bpOff - apOff * (3 * L / 4);
        for (int ao = apOff; ao < aEnd; ao += 4) {
            int bo = bBase + ao * (3 * L / 4);
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector b2 = V.cast(FloatVector.fromArray(S, bp, bo + 2 * L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            c02 = V.cast(a0).fma(b2, c02);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            c12 = V.cast(a1).fma(b2, c12);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            c22 = V.cast(a2).fma(b2, c22);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            c32 = V.cast(a3).fma(b2, c32);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c02)).intoArray(c, r0 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c02, V.cast(FloatVector.fromArray(S, c, r0 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + 2 * L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c12)).intoArray(c, r1 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c12, V.cast(FloatVector.fromArray(S, c, r1 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + 2 * L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c22)).intoArray(c, r2 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c22, V.cast(FloatVector.fromArray(S, c, r2 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + 2 * L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c32)).intoArray(c, r3 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c32, V.cast(FloatVector.fromArray(S, c, r3 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + 2 * L);
        }
    }

    /** {@link #kernel4x3} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel4x3s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 3 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 3 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 3 * L - 1];
            touch += c[cOff + 3 * ldc] + c[cOff + 3 * ldc + 3 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (3 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector b2 = V.cast(FloatVector.fromArray(S, bp, bo + 2 * L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            c02 = V.cast(a0).fma(b2, c02);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            c12 = V.cast(a1).fma(b2, c12);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            c22 = V.cast(a2).fma(b2, c22);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c30 = V.cast(a3).fma(b0, c30);
            c31 = V.cast(a3).fma(b1, c31);
            c32 = V.cast(a3).fma(b2, c32);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c02)).intoArray(c, r0 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c02, V.cast(FloatVector.fromArray(S, c, r0 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + 2 * L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c12)).intoArray(c, r1 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c12, V.cast(FloatVector.fromArray(S, c, r1 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + 2 * L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c22)).intoArray(c, r2 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c22, V.cast(FloatVector.fromArray(S, c, r2 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + 2 * L);
        }
        int r3 = cOff + 3 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c30)).intoArray(c, r3);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c30, V.cast(FloatVector.fromArray(S, c, r3)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c31)).intoArray(c, r3 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c31, V.cast(FloatVector.fromArray(S, c, r3 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c32)).intoArray(c, r3 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c32, V.cast(FloatVector.fromArray(S, c, r3 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r3 + 2 * L);
        }
    }

    /** The 3×3·L register tile: 9 accumulators, 3 B loads and one broadcast live per step. */
    static void kernel3x3(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 3 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 3 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 3 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        int aEnd = apOff + kc * 3;
        int bBase = bpOff - apOff * (3 * L / 3);
        for (int ao = apOff; ao < aEnd; ao += 3) {
            int bo = bBase + ao * (3 * L / 3);
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector b2 = V.cast(FloatVector.fromArray(S, bp, bo + 2 * L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            c02 = V.cast(a0).fma(b2, c02);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            c12 = V.cast(a1).fma(b2, c12);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            c22 = V.cast(a2).fma(b2, c22);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c02)).intoArray(c, r0 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c02, V.cast(FloatVector.fromArray(S, c, r0 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + 2 * L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c12)).intoArray(c, r1 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c12, V.cast(FloatVector.fromArray(S, c, r1 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + 2 * L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c22)).intoArray(c, r2 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c22, V.cast(FloatVector.fromArray(S, c, r2 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + 2 * L);
        }
    }

    /** {@link #kernel3x3} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel3x3s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                        float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        // touch the C tile first, so a cache miss on it overlaps the loop instead of stalling the update
        float touch = 0f;
        if (mode != FIRST_BETA0) {
            touch += c[cOff] + c[cOff + 3 * L - 1];
            touch += c[cOff + ldc] + c[cOff + ldc + 3 * L - 1];
            touch += c[cOff + 2 * ldc] + c[cOff + 2 * ldc + 3 * L - 1];
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (3 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector b2 = V.cast(FloatVector.fromArray(S, bp, bo + 2 * L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c00 = V.cast(a0).fma(b0, c00);
            c01 = V.cast(a0).fma(b1, c01);
            c02 = V.cast(a0).fma(b2, c02);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c10 = V.cast(a1).fma(b0, c10);
            c11 = V.cast(a1).fma(b1, c11);
            c12 = V.cast(a1).fma(b2, c12);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c20 = V.cast(a2).fma(b0, c20);
            c21 = V.cast(a2).fma(b1, c21);
            c22 = V.cast(a2).fma(b2, c22);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        int r0 = cOff;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c00)).intoArray(c, r0);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c00, V.cast(FloatVector.fromArray(S, c, r0)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c01)).intoArray(c, r0 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c01, V.cast(FloatVector.fromArray(S, c, r0 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c02)).intoArray(c, r0 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c02, V.cast(FloatVector.fromArray(S, c, r0 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r0 + 2 * L);
        }
        int r1 = cOff + ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c10)).intoArray(c, r1);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c10, V.cast(FloatVector.fromArray(S, c, r1)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c11)).intoArray(c, r1 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c11, V.cast(FloatVector.fromArray(S, c, r1 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c12)).intoArray(c, r1 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c12, V.cast(FloatVector.fromArray(S, c, r1 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r1 + 2 * L);
        }
        int r2 = cOff + 2 * ldc;
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c20)).intoArray(c, r2);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c20, V.cast(FloatVector.fromArray(S, c, r2)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c21)).intoArray(c, r2 + L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c21, V.cast(FloatVector.fromArray(S, c, r2 + L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + L);
        }
        if (mode == FIRST_BETA0) {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).mul(c22)).intoArray(c, r2 + 2 * L);
        } else {
            V.cast(V.cast(FloatVector.broadcast(S, alpha)).fma(c22, V.cast(FloatVector.fromArray(S, c, r2 + 2 * L)).mul(mode == FIRST_BETA ? beta : 1f)))
                    .intoArray(c, r2 + 2 * L);
        }
    }

    /**
     * The 8×2·L register tile for 512 bits (AVX-512's 32 vector registers): 16 accumulators, 2 B loads and one
     * broadcast live per step. Like {@link #kernel6x2Split} it leaves the raw accumulators in
     * {@code acc[accOff …]} (row r at r·ars) for {@link #updateTile}, which keeps the method small enough for
     * C2 to expand every Vector API call: with the update inline (16 more vector updates, each a mode branch,
     * a broadcast, a load and an FMA), C2 on AVX-512 could pass its live-node budget for incremental inlining
     * ({@code LiveNodeCountInliningCutoff}, 40,000) while still expanding the intrinsics, leave the rest as
     * calls, and box every vector: GEMM 512×512×64 NT ran 75 times slower in such a JVM, and went back to
     * normal with the budget raised to 200,000.
     */
    static void kernel8x2(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 8, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p * 8;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
    }

    /** {@link #kernel8x2} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel8x2s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 8, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * rs]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * rs]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6 * rs]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7 * rs]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
    }

    /**
     * The 12×2·L register tile for 512 bits: 24 accumulators, 2 B loads and one broadcast live per step (27 of
     * AVX-512's 32 vector registers); raw accumulators out, as {@link #kernel8x2}.
     */
    static void kernel12x2(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 12, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p * 12;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + 1]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
            FloatVector a8 = V.cast(FloatVector.broadcast(S, ap[ao + 8]));
            c8_0 = V.cast(a8).fma(b0, c8_0);
            c8_1 = V.cast(a8).fma(b1, c8_1);
            FloatVector a9 = V.cast(FloatVector.broadcast(S, ap[ao + 9]));
            c9_0 = V.cast(a9).fma(b0, c9_0);
            c9_1 = V.cast(a9).fma(b1, c9_1);
            FloatVector a10 = V.cast(FloatVector.broadcast(S, ap[ao + 10]));
            c10_0 = V.cast(a10).fma(b0, c10_0);
            c10_1 = V.cast(a10).fma(b1, c10_1);
            FloatVector a11 = V.cast(FloatVector.broadcast(S, ap[ao + 11]));
            c11_0 = V.cast(a11).fma(b0, c11_0);
            c11_1 = V.cast(a11).fma(b1, c11_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
        V.cast(c8_0).intoArray(acc, accOff + 8 * ars);
        V.cast(c8_1).intoArray(acc, accOff + 8 * ars + L);
        V.cast(c9_0).intoArray(acc, accOff + 9 * ars);
        V.cast(c9_1).intoArray(acc, accOff + 9 * ars + L);
        V.cast(c10_0).intoArray(acc, accOff + 10 * ars);
        V.cast(c10_1).intoArray(acc, accOff + 10 * ars + L);
        V.cast(c11_0).intoArray(acc, accOff + 11 * ars);
        V.cast(c11_1).intoArray(acc, accOff + 11 * ars + L);
    }

    /** {@link #kernel12x2} with A read in place, as in {@link #kernel4x2s}. */
    static void kernel12x2s(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 12, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + rs]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * rs]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * rs]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * rs]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * rs]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6 * rs]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7 * rs]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
            FloatVector a8 = V.cast(FloatVector.broadcast(S, ap[ao + 8 * rs]));
            c8_0 = V.cast(a8).fma(b0, c8_0);
            c8_1 = V.cast(a8).fma(b1, c8_1);
            FloatVector a9 = V.cast(FloatVector.broadcast(S, ap[ao + 9 * rs]));
            c9_0 = V.cast(a9).fma(b0, c9_0);
            c9_1 = V.cast(a9).fma(b1, c9_1);
            FloatVector a10 = V.cast(FloatVector.broadcast(S, ap[ao + 10 * rs]));
            c10_0 = V.cast(a10).fma(b0, c10_0);
            c10_1 = V.cast(a10).fma(b1, c10_1);
            FloatVector a11 = V.cast(FloatVector.broadcast(S, ap[ao + 11 * rs]));
            c11_0 = V.cast(a11).fma(b0, c11_0);
            c11_1 = V.cast(a11).fma(b1, c11_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
        V.cast(c8_0).intoArray(acc, accOff + 8 * ars);
        V.cast(c8_1).intoArray(acc, accOff + 8 * ars + L);
        V.cast(c9_0).intoArray(acc, accOff + 9 * ars);
        V.cast(c9_1).intoArray(acc, accOff + 9 * ars + L);
        V.cast(c10_0).intoArray(acc, accOff + 10 * ars);
        V.cast(c10_1).intoArray(acc, accOff + 10 * ars + L);
        V.cast(c11_0).intoArray(acc, accOff + 11 * ars);
        V.cast(c11_1).intoArray(acc, accOff + 11 * ars + L);
    }

    /**
     * The first four rows of {@link #kernel8x2r}'s tile: the same chain per element (fma(a_rp, b_pj, acc) over p
     * from zero) and the same raw accumulators, for row fringes of at most four rows, where the 8×2 kernel spends
     * half or more of its FMAs on padding rows. Eight chains, as many as the FMA latency times the pipes.
     */
    static void kernel4x2r(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 4, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + ROW]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
    }

    /**
     * {@link #kernel8x2} on an A micro-panel packed as rows ({@link SimdGemm#ROW_PANELS}): element (r, p) at
     * {@code ap[apOff + r·ROW + p]}. The row stride is a constant, so each broadcast addresses its row as a
     * fixed displacement from one index register; the in-place form's run-time stride costs an address
     * computation per row and step, and spills row offsets (8 x 2: 0.82 of this kernel's speed at depth 64).
     */
    static void kernel8x2r(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 8, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + ROW]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6 * ROW]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7 * ROW]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
    }

    /**
     * {@link #kernel12x2} on an A micro-panel packed as rows ({@link SimdGemm#ROW_PANELS}): element (r, p) at
     * {@code ap[apOff + r·ROW + p]}. The row stride is a constant, so each broadcast addresses its row as a
     * fixed displacement from one index register; the in-place form's run-time stride costs an address
     * computation per row and step, and spills row offsets (8 x 2: 0.82 of this kernel's speed at depth 64).
     */
    static void kernel12x2r(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                    float[] c, int cOff, int ldc, int mode, float[] acc, int accOff, int ars) {
        float touch = touchRows(c, cOff, ldc, 12, mode);
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
        FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
        FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
        FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
        FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
        FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bo = bpOff + p * (2 * L);
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bo));
            FloatVector b1 = V.cast(FloatVector.fromArray(S, bp, bo + L));
            FloatVector a0 = V.cast(FloatVector.broadcast(S, ap[ao]));
            c0_0 = V.cast(a0).fma(b0, c0_0);
            c0_1 = V.cast(a0).fma(b1, c0_1);
            FloatVector a1 = V.cast(FloatVector.broadcast(S, ap[ao + ROW]));
            c1_0 = V.cast(a1).fma(b0, c1_0);
            c1_1 = V.cast(a1).fma(b1, c1_1);
            FloatVector a2 = V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW]));
            c2_0 = V.cast(a2).fma(b0, c2_0);
            c2_1 = V.cast(a2).fma(b1, c2_1);
            FloatVector a3 = V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW]));
            c3_0 = V.cast(a3).fma(b0, c3_0);
            c3_1 = V.cast(a3).fma(b1, c3_1);
            FloatVector a4 = V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW]));
            c4_0 = V.cast(a4).fma(b0, c4_0);
            c4_1 = V.cast(a4).fma(b1, c4_1);
            FloatVector a5 = V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW]));
            c5_0 = V.cast(a5).fma(b0, c5_0);
            c5_1 = V.cast(a5).fma(b1, c5_1);
            FloatVector a6 = V.cast(FloatVector.broadcast(S, ap[ao + 6 * ROW]));
            c6_0 = V.cast(a6).fma(b0, c6_0);
            c6_1 = V.cast(a6).fma(b1, c6_1);
            FloatVector a7 = V.cast(FloatVector.broadcast(S, ap[ao + 7 * ROW]));
            c7_0 = V.cast(a7).fma(b0, c7_0);
            c7_1 = V.cast(a7).fma(b1, c7_1);
            FloatVector a8 = V.cast(FloatVector.broadcast(S, ap[ao + 8 * ROW]));
            c8_0 = V.cast(a8).fma(b0, c8_0);
            c8_1 = V.cast(a8).fma(b1, c8_1);
            FloatVector a9 = V.cast(FloatVector.broadcast(S, ap[ao + 9 * ROW]));
            c9_0 = V.cast(a9).fma(b0, c9_0);
            c9_1 = V.cast(a9).fma(b1, c9_1);
            FloatVector a10 = V.cast(FloatVector.broadcast(S, ap[ao + 10 * ROW]));
            c10_0 = V.cast(a10).fma(b0, c10_0);
            c10_1 = V.cast(a10).fma(b1, c10_1);
            FloatVector a11 = V.cast(FloatVector.broadcast(S, ap[ao + 11 * ROW]));
            c11_0 = V.cast(a11).fma(b0, c11_0);
            c11_1 = V.cast(a11).fma(b1, c11_1);
        }
        if (touch == TOUCH_SENTINEL) {
            touched = touch; // practically never; it keeps the touch loads alive
        }
        V.cast(c0_0).intoArray(acc, accOff);
        V.cast(c0_1).intoArray(acc, accOff + L);
        V.cast(c1_0).intoArray(acc, accOff + 1 * ars);
        V.cast(c1_1).intoArray(acc, accOff + 1 * ars + L);
        V.cast(c2_0).intoArray(acc, accOff + 2 * ars);
        V.cast(c2_1).intoArray(acc, accOff + 2 * ars + L);
        V.cast(c3_0).intoArray(acc, accOff + 3 * ars);
        V.cast(c3_1).intoArray(acc, accOff + 3 * ars + L);
        V.cast(c4_0).intoArray(acc, accOff + 4 * ars);
        V.cast(c4_1).intoArray(acc, accOff + 4 * ars + L);
        V.cast(c5_0).intoArray(acc, accOff + 5 * ars);
        V.cast(c5_1).intoArray(acc, accOff + 5 * ars + L);
        V.cast(c6_0).intoArray(acc, accOff + 6 * ars);
        V.cast(c6_1).intoArray(acc, accOff + 6 * ars + L);
        V.cast(c7_0).intoArray(acc, accOff + 7 * ars);
        V.cast(c7_1).intoArray(acc, accOff + 7 * ars + L);
        V.cast(c8_0).intoArray(acc, accOff + 8 * ars);
        V.cast(c8_1).intoArray(acc, accOff + 8 * ars + L);
        V.cast(c9_0).intoArray(acc, accOff + 9 * ars);
        V.cast(c9_1).intoArray(acc, accOff + 9 * ars + L);
        V.cast(c10_0).intoArray(acc, accOff + 10 * ars);
        V.cast(c10_1).intoArray(acc, accOff + 10 * ars + L);
        V.cast(c11_0).intoArray(acc, accOff + 11 * ars);
        V.cast(c11_1).intoArray(acc, accOff + 11 * ars + L);
    }

    /**
     * The first vector of {@link #kernel8x2r}'s tile alone (8 rows × L columns, 8 accumulators), for column
     * fringes of at most L columns, whose second vector of the two-vector tile would be padding: B's micro-panel
     * is the same (2L floats per depth step), its second half not read. Each accumulator is the same FMA chain in
     * p order as in the two-vector kernel, so each element gets the same bits; they go raw to
     * {@code acc[accOff + r·ars …]}, one vector per row.
     */
    static void kernel8x1r(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] acc, int accOff, int ars) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bpOff + p * (2 * L)));
            c0 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao])).fma(b0, c0));
            c1 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + ROW])).fma(b0, c1));
            c2 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW])).fma(b0, c2));
            c3 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW])).fma(b0, c3));
            c4 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW])).fma(b0, c4));
            c5 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW])).fma(b0, c5));
            c6 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 6 * ROW])).fma(b0, c6));
            c7 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 7 * ROW])).fma(b0, c7));
        }
        V.cast(c0).intoArray(acc, accOff);
        V.cast(c1).intoArray(acc, accOff + ars);
        V.cast(c2).intoArray(acc, accOff + 2 * ars);
        V.cast(c3).intoArray(acc, accOff + 3 * ars);
        V.cast(c4).intoArray(acc, accOff + 4 * ars);
        V.cast(c5).intoArray(acc, accOff + 5 * ars);
        V.cast(c6).intoArray(acc, accOff + 6 * ars);
        V.cast(c7).intoArray(acc, accOff + 7 * ars);
    }

    /**
     * The first vector of {@link #kernel12x2r}'s tile alone (12 rows × L columns, 12 accumulators), for column
     * fringes of at most L columns, whose second vector of the two-vector tile would be padding: B's micro-panel
     * is the same (2L floats per depth step), its second half not read. Each accumulator is the same FMA chain in
     * p order as in the two-vector kernel, so each element gets the same bits; they go raw to
     * {@code acc[accOff + r·ars …]}, one vector per row.
     */
    static void kernel12x1r(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] acc, int accOff, int ars) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bpOff + p * (2 * L)));
            c0 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao])).fma(b0, c0));
            c1 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + ROW])).fma(b0, c1));
            c2 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW])).fma(b0, c2));
            c3 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW])).fma(b0, c3));
            c4 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW])).fma(b0, c4));
            c5 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW])).fma(b0, c5));
            c6 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 6 * ROW])).fma(b0, c6));
            c7 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 7 * ROW])).fma(b0, c7));
            c8 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 8 * ROW])).fma(b0, c8));
            c9 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 9 * ROW])).fma(b0, c9));
            c10 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 10 * ROW])).fma(b0, c10));
            c11 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 11 * ROW])).fma(b0, c11));
        }
        V.cast(c0).intoArray(acc, accOff);
        V.cast(c1).intoArray(acc, accOff + ars);
        V.cast(c2).intoArray(acc, accOff + 2 * ars);
        V.cast(c3).intoArray(acc, accOff + 3 * ars);
        V.cast(c4).intoArray(acc, accOff + 4 * ars);
        V.cast(c5).intoArray(acc, accOff + 5 * ars);
        V.cast(c6).intoArray(acc, accOff + 6 * ars);
        V.cast(c7).intoArray(acc, accOff + 7 * ars);
        V.cast(c8).intoArray(acc, accOff + 8 * ars);
        V.cast(c9).intoArray(acc, accOff + 9 * ars);
        V.cast(c10).intoArray(acc, accOff + 10 * ars);
        V.cast(c11).intoArray(acc, accOff + 11 * ars);
    }

    /**
     * Two row panels of {@link #kernel8x1r} at once (16 rows × L columns, 16 accumulators): the row panels are one
     * row every {@link #ROW} floats, so rows 8-15 are the next 8-row panel. Eight chains are just the FMA
     * latency times the pipes, and the 8-row form ran a column fringe at about half the rate of the full tile;
     * sixteen hide it. Each accumulator is the same FMA chain in p order as in {@link #kernel8x2r}, so the same
     * bits; they go raw to {@code acc[accOff + r·ars …]}.
     */
    static void kernel16x1r(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] acc, int accOff, int ars) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c15 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ao = apOff + p;
            FloatVector b0 = V.cast(FloatVector.fromArray(S, bp, bpOff + p * (2 * L)));
            c0 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao])).fma(b0, c0));
            c1 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + ROW])).fma(b0, c1));
            c2 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 2 * ROW])).fma(b0, c2));
            c3 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 3 * ROW])).fma(b0, c3));
            c4 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 4 * ROW])).fma(b0, c4));
            c5 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 5 * ROW])).fma(b0, c5));
            c6 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 6 * ROW])).fma(b0, c6));
            c7 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 7 * ROW])).fma(b0, c7));
            c8 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 8 * ROW])).fma(b0, c8));
            c9 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 9 * ROW])).fma(b0, c9));
            c10 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 10 * ROW])).fma(b0, c10));
            c11 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 11 * ROW])).fma(b0, c11));
            c12 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 12 * ROW])).fma(b0, c12));
            c13 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 13 * ROW])).fma(b0, c13));
            c14 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 14 * ROW])).fma(b0, c14));
            c15 = V.cast(V.cast(FloatVector.broadcast(S, ap[ao + 15 * ROW])).fma(b0, c15));
        }
        V.cast(c0).intoArray(acc, accOff);
        V.cast(c1).intoArray(acc, accOff + ars);
        V.cast(c2).intoArray(acc, accOff + 2 * ars);
        V.cast(c3).intoArray(acc, accOff + 3 * ars);
        V.cast(c4).intoArray(acc, accOff + 4 * ars);
        V.cast(c5).intoArray(acc, accOff + 5 * ars);
        V.cast(c6).intoArray(acc, accOff + 6 * ars);
        V.cast(c7).intoArray(acc, accOff + 7 * ars);
        V.cast(c8).intoArray(acc, accOff + 8 * ars);
        V.cast(c9).intoArray(acc, accOff + 9 * ars);
        V.cast(c10).intoArray(acc, accOff + 10 * ars);
        V.cast(c11).intoArray(acc, accOff + 11 * ars);
        V.cast(c12).intoArray(acc, accOff + 12 * ars);
        V.cast(c13).intoArray(acc, accOff + 13 * ars);
        V.cast(c14).intoArray(acc, accOff + 14 * ars);
        V.cast(c15).intoArray(acc, accOff + 15 * ars);
    }
}
