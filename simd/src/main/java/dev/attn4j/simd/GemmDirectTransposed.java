package dev.attn4j.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The accumulation step of {@link SimdGemm}'s direct path when op(B) = Bᵀ: one row of A times Bᵀ, as in a
 * decode step's {@code x·Wᵀ} (weights stored [out, in], PyTorch's layout) or {@code q·Kᵀ} against a KV cache.
 *
 * <p>Column j of op(B) is row j of B, contiguous in p. Vector FMAs need eight (or L) consecutive j for one p,
 * so {@value #COLS_VECTORS}·L rows of B are transposed, {@value #DEPTH} depths at a time, into a small
 * per-thread buffer that stays in L1, and then consumed with broadcast-A × load FMAs into
 * {@value #COLS_VECTORS} accumulators held in registers (enough independent chains to cover the FMA latency).
 * B is read once, row by row, so the product stays memory-bound rather than paying a full pack of B.
 *
 * <p>Arithmetic order: each acc[j] is the float chain {@code fma(a_p, B[j][p], acc)} over p in increasing order
 * from 0 — the same chain as the packed path, so results are bitwise the same (the determinism contract).
 * Columns past the last full group are done by the scalar tail with the same chain.
 */
final class GemmDirectTransposed {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = VectorWidth.LANES;
    /** Accumulator vectors per group of columns: 8 independent FMA chains hide a 4-cycle latency on two pipes. */
    static final int COLS_VECTORS = 8;
    /** Columns per group. */
    private static final int COLS = COLS_VECTORS * L;
    /** Depths transposed per block: COLS·DEPTH floats = 16 KiB at 256 bits, 32 KiB at 512. */
    static final int DEPTH = 64;
    /** Size of the per-thread transpose buffer, in floats. */
    static final int PACK_FLOATS = COLS * DEPTH;

    private GemmDirectTransposed() {
    }

    /**
     * acc[j] = Σ_{p in [pc, pc+kc)} a_p·B[j][p] for j &lt; w, where a_p = a[aBase + p·aCol] and
     * B[j][p] = b[bBase + j·ldb + p].
     *
     * @param pack per-thread scratch of {@link #PACK_FLOATS} floats
     */
    static void accumulate(float[] a, int aBase, int aCol, float[] b, int bBase, int ldb, int w, int pc, int kc,
                           float[] acc, float[] pack) {
        int j0 = 0;
        for (; j0 + COLS <= w; j0 += COLS) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S),
                    c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S),
                    c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
            for (int p0 = 0; p0 < kc; p0 += DEPTH) {
                int pb = Math.min(DEPTH, kc - p0);
                // transpose B[j0 .. j0+COLS)[pc+p0 .. +pb) into pack[pp·COLS + jj]: each row of B read in order
                for (int jj = 0; jj < COLS; jj++) {
                    int row = bBase + (j0 + jj) * ldb + pc + p0;
                    for (int pp = 0; pp < pb; pp++) {
                        pack[pp * COLS + jj] = b[row + pp];
                    }
                }
                for (int pp = 0; pp < pb; pp++) {
                    FloatVector av = FloatVector.broadcast(S, a[aBase + (pc + p0 + pp) * aCol]);
                    int o = pp * COLS;
                    c0 = av.fma(FloatVector.fromArray(S, pack, o), c0);
                    c1 = av.fma(FloatVector.fromArray(S, pack, o + L), c1);
                    c2 = av.fma(FloatVector.fromArray(S, pack, o + 2 * L), c2);
                    c3 = av.fma(FloatVector.fromArray(S, pack, o + 3 * L), c3);
                    c4 = av.fma(FloatVector.fromArray(S, pack, o + 4 * L), c4);
                    c5 = av.fma(FloatVector.fromArray(S, pack, o + 5 * L), c5);
                    c6 = av.fma(FloatVector.fromArray(S, pack, o + 6 * L), c6);
                    c7 = av.fma(FloatVector.fromArray(S, pack, o + 7 * L), c7);
                }
            }
            c0.intoArray(acc, j0);
            c1.intoArray(acc, j0 + L);
            c2.intoArray(acc, j0 + 2 * L);
            c3.intoArray(acc, j0 + 3 * L);
            c4.intoArray(acc, j0 + 4 * L);
            c5.intoArray(acc, j0 + 5 * L);
            c6.intoArray(acc, j0 + 6 * L);
            c7.intoArray(acc, j0 + 7 * L);
        }
        // scalar tail: the remaining columns, one FMA chain each, in the same order
        for (int j = j0; j < w; j++) {
            int row = bBase + j * ldb + pc;
            float s = 0f;
            for (int p = 0; p < kc; p++) {
                s = Math.fma(a[aBase + (pc + p) * aCol], b[row + p], s);
            }
            acc[j] = s;
        }
    }
}
