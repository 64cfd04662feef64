package dev.attn4j.simd;

import dev.attn4j.ScoreMask;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused attention for one head, {@code O = softmax(scale·Q·Kᵀ + mask)·V}, without the l×s score matrix.
 *
 * <p><b>Tiling.</b> Queries go in tiles of {@link #BR} = 2 vectors' worth of rows; keys in tiles of
 * {@link #BC} rows, always aligned to multiples of BC from key 0. For a query tile Q is packed once,
 * transposed and pre-multiplied by {@code scale} ({@code qt[c·BR + r] = scale·q_rc}), so that a
 * score tile is computed <em>transposed</em>, with query rows in the vector lanes:
 * {@code Sᵀ[j][r..r+L) += broadcast(k_jc) · qt[c][r..r+L)}, 2 vectors × 5 keys = 10 accumulators (6 keys
 * where {@link #WIDE}); with K's rows {@link #FIXED_D} floats apart, the keys of a pass sit at constant
 * displacements from one index ({@link #scoresFixed}: 4 keys, {@link #scoresFixed6}: 6 where WIDE).
 * With rows in lanes, the online softmax needs no horizontal reductions: the running max m, the running
 * sum ℓ and the rescale factor α are vectors over rows. Then {@code O_tile = α·O_tile + P·V_tile},
 * 5 rows × 2 vectors of columns per micro-kernel (4 rows × 2 vectors for d = {@link #FIXED_D}, 4 × 4 where
 * {@link #WIDE_PV}), P broadcast from the transposed tile, V loaded in its natural row-major layout.
 *
 * <p><b>Online softmax</b> (Milakov &amp; Gimelshein 2018; Dao et al. 2022), per row and key tile:
 * {@code m' = max(m, max_j s_j)}, {@code α = exp(m − m')}, {@code p_j = exp(s_j − m')},
 * {@code ℓ' = α·ℓ + Σ_j p_j}, {@code O' = α·O + Σ_j p_j·V_j}; at the end {@code O/ℓ}, or zeros when
 * ℓ = 0 (every key masked).
 *
 * <p><b>Base 2.</b> The scores are taken in base 2: q is pre-multiplied by {@code scale·log2 e} (and an additive
 * mask term by log2 e), so that every exp above is a {@code 2^y} ({@link SimdExp#exp2ShiftSum}), whose range
 * reduction is exact and costs adds instead of fused multiply-adds: 8 operations of the FMA pipes per vector
 * against 11. The softmax is the same function; the score gets one more rounding (the constant). A/B against the
 * base-e exp on Zen 5, N = 2048: one head 1.036x the speed, 8 heads 1.027x (JDK 17), one head 1.06x (JDK 25).
 * Scores or additive terms beyond ±2.3e38 overflow to ±∞ in base 2, where scale·q·k + mask would still be finite.
 *
 * <p><b>Memory.</b> {@link #QB} query tiles share each pass over the key tiles (so a K/V tile is read
 * from memory once per QB·BR query rows, then from cache). Per-thread scratch of
 * {@code QB·(BR·(2·dk + dv) + BC·BR)} floats, reused across calls; never anything of size l·s.
 * K and V whose rows are not contiguous (heads side by side, ld = heads·d) are copied into contiguous
 * per-thread buffers first: the whole head when it has at most {@link #HEAD_COPY_FLOATS} floats (so at most
 * 2 MiB each for K and V), else each tile once per pass (BC·d floats each). Rows 2 KiB apart (8 heads of 64)
 * fall into an eighth of L2's sets and 2 of L1's, and the prefetchers see one short run per page: in place,
 * 8 heads ran at 0.75 of one contiguous head's speed per head; copied, the same (A/B: 1.33x at N = 2048).
 * Spread rows of Q are copied too, QB·BR rows (one block of query tiles) at a time, before their transpose: on
 * Zen 4, 8 heads of 64 at N = 512 lost ~24 µs per head (3%) to packQ's scalar reads of rows 2 KiB apart, and the
 * copy gave back 2-3% (A/B, both orders; N = 2048 1.01-1.02x, MHA N = 512 1.01-1.05x, N = 128 0.98-0.99x).
 * Causal masks skip key tiles above the diagonal of each query tile, and the last tile is cut at the
 * last key the tile's last row may see.
 *
 * <p><b>Determinism.</b> The floats of output row i depend only on q_i, K, V, mask row i and scale,
 * never on l or on which rows share its tile: every per-row quantity is computed in lanes or in
 * row-by-row loops whose operation order does not depend on the row's neighbours, key tiles are
 * aligned to key 0, and a key tile in which row i sees no key is skipped for that row (its m, ℓ and
 * O are not touched). One caveat: when a causal query tile is cut short at its last row's limit, and
 * where P·V on a tile the diagonal crosses stops each group of rows at its last row's last visible key, a
 * row may skip or include keys masked for it (p = 0), which changes nothing unless V holds ±∞/NaN
 * there (0·∞) — the reference kernel propagates those NaNs in the same way.
 */
final class SimdFlashAttention {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final Class<FloatVector> V = VectorWidth.VECTOR;
    private static final int L = S.length();
    /** Query rows per tile: two vectors of lanes. */
    static final int BR = 2 * L;
    /**
     * Keys per tile: a multiple of the 4-, 5- and 6-key score passes; P·V reuses each O block over BC keys, and each
     * tile costs one rescale of O (a load, a multiply and a store per O vector). 60, or 180 at 512 bits, where a
     * tile's FMAs take half as long against the same per-tile work: A/B 120 against 60 on Zen 5, JDK 17: one
     * head N = 2048 1.04x the speed, 8 heads N = 1024 1.04x, causal 1.00x; JDK 25 0.99-1.01x. Then 180 against
     * 120 on Zen 4 (A/B, both orders): N = 512, where 120 left a short last tile (4 × 120 + 32 keys against
     * 180 + 180 + 152), one head 1.013-1.027x the speed, 8 spread heads 1.016-1.025x on JDK 17 and 1.002-1.019x on
     * JDK 25, causal 1.002x (JDK 17) and 1.013-1.016x (JDK 25), 8 heads causal 1.028x; N = 2048 and 8192 and the
     * MHA forward at N = 512 0.99-1.02x.
     */
    static final int BC = L >= 16 ? 180 : 60;
    /**
     * Six keys per score pass (12 accumulators) instead of five: 4-8% faster on JDK 25 (A/B, N = 2048, AVX2), but
     * 27% slower on JDK 17 at 256 bits, whose register allocator spills at 12 accumulators + 2 Q vectors + 1
     * broadcast in 16 registers, as in the GEMM micro-kernel choice. With 32 registers (512 bits) JDK 17 takes it
     * too: 1.02-1.04x the speed of its 4-key fixed-stride pass (A/B, N = 2048, Zen 5). Twelve keys per pass (24
     * accumulators) measured 0.65-0.80x on JDK 17 and 0.99-1.04x on JDK 25 there, so not used. Same bits either
     * way: every score is one FMA chain in c order.
     */
    static final boolean WIDE = Runtime.version().feature() >= 25 || L >= 16;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    /** log2 e: scores are taken in base 2 (see {@link #softmaxLanes}). */
    private static final double LOG2E = 1.4426950408889634;
    private static final float LOG2E_F = (float) LOG2E;
    private static final float[] IOTA = new float[L];

    static {
        for (int i = 0; i < L; i++) {
            IOTA[i] = i;
        }
    }

    /** Per-thread working memory, grown on demand and reused. */
    static final class Scratch {
        float[] qt = new float[0];
        float[] o = new float[0];
        final float[] st = new float[BC * BR];
        /** Contiguous copies of the whole K and V, or of their current tiles (first scratch only). */
        float[] kCopy = new float[0];
        float[] vCopy = new float[0];
        /** Contiguous copy of the rows of Q of the current block of query tiles (first scratch only). */
        float[] qCopy = new float[0];
        final float[] m = new float[BR];
        final float[] ell = new float[BR];
        final float[] alpha = new float[BR];
        /** −m_new per row (0 for rows that have seen no key yet), and the row sums of p over the tile. */
        final float[] shift = new float[BR];
        final float[] psum = new float[BR];
        final float[] tmax = new float[BR];
        final int[] act = new int[BR];
        /** First row, row count and causal key limit of the query tile this scratch holds. */
        int i0, rows, keyEnd;
    }

    /** Query tiles processed together per pass over the keys (see {@link #attention}). */
    static final int QB = 4;

    /** The largest K or V (s·d floats) copied whole when its rows are not contiguous (see the class comment). */
    static final int HEAD_COPY_FLOATS = 512 * 1024;

    private static final ThreadLocal<Scratch[]> SCRATCH = ThreadLocal.withInitial(() -> {
        Scratch[] a = new Scratch[QB];
        for (int i = 0; i < a.length; i++) {
            a[i] = new Scratch();
        }
        return a;
    });

    private SimdFlashAttention() {
    }

    static void attention(int l, int s, int dk, int dv, float scale,
                          float[] q, int qOff, int ldq, float[] k, int kOff, int ldk,
                          float[] v, int vOff, int ldv, ScoreMask mask,
                          float[] out, int outOff, int ldo) {
        Scratch[] tiles = SCRATCH.get();
        for (Scratch sc : tiles) {
            sc.qt = VectorWidth.atLeast(sc.qt, dk * BR);
            sc.o = VectorWidth.atLeast(sc.o, dv * BR);
        }
        // Rows of K and V far apart (heads side by side: ld = heads·d) crowd into a few cache sets: copy them
        // into contiguous buffers, the whole head when it is small enough, else tile by tile (class comment)
        Scratch first = tiles[0];
        // (dk = 0: nothing to copy, and the offsets of an empty view need not lie inside k)
        boolean spreadK = ldk != dk && dk > 0;
        boolean spreadV = ldv != dv;
        boolean wholeK = spreadK && (long) s * dk <= HEAD_COPY_FLOATS;
        boolean wholeV = spreadV && (long) s * dv <= HEAD_COPY_FLOATS;
        if (spreadK) {
            first.kCopy = VectorWidth.atLeast(first.kCopy, (wholeK ? s : BC) * dk);
        }
        if (spreadV) {
            first.vCopy = VectorWidth.atLeast(first.vCopy, (wholeV ? s : BC) * dv);
        }
        if (wholeK) {
            copyRows(k, kOff, ldk, s, dk, first.kCopy);
            k = first.kCopy;
            kOff = 0;
            ldk = dk;
        }
        if (wholeV) {
            copyRows(v, vOff, ldv, s, dv, first.vCopy);
            v = first.vCopy;
            vOff = 0;
            ldv = dv;
        }
        // Q's rows far apart: each block of query tiles is copied into contiguous rows before its transpose
        // (packQ), as System.arraycopy keeps many rows' cache misses in flight where packQ's scalar loop,
        // ~200 operations per row, keeps one or two
        boolean spreadQ = ldq != dk && dk > 0;
        if (spreadQ) {
            first.qCopy = VectorWidth.atLeast(first.qCopy, QB * BR * dk);
        }
        boolean copyK = spreadK && !wholeK;
        boolean copyV = spreadV && !wholeV;
        // scores in base 2: q pre-multiplied by scale·log2 e, so that softmaxLanes takes 2^(s − m)
        float scale2 = (float) (scale * LOG2E);
        boolean none = mask.isNone();
        boolean causalOnly = mask.isCausal() && mask.additive() == null && mask.blocked() == null
                && mask.keyPadding() == null;
        // QB query tiles share each pass over the key tiles, so a K/V tile is loaded from memory
        // once per QB·BR query rows and then reused from L1/L2
        for (int b0 = 0; b0 < l; b0 += QB * BR) {
            int nt = Math.min(QB, (l - b0 + BR - 1) / BR);
            int blockEnd = 0;
            if (spreadQ) {
                copyRows(q, qOff + b0 * ldq, ldq, Math.min(QB * BR, l - b0), dk, first.qCopy);
            }
            for (int t = 0; t < nt; t++) {
                Scratch sc = tiles[t];
                sc.i0 = b0 + t * BR;
                sc.rows = Math.min(BR, l - sc.i0);
                if (spreadQ) {
                    packQ(sc.qt, first.qCopy, t * BR * dk, dk, sc.rows, dk, scale2);
                } else {
                    packQ(sc.qt, q, qOff + sc.i0 * ldq, ldq, sc.rows, dk, scale2);
                }
                java.util.Arrays.fill(sc.m, NEG_INF);
                java.util.Arrays.fill(sc.ell, 0f);
                java.util.Arrays.fill(sc.o, 0, BR * dv, 0f);
                // causal: keys after the last row's limit are masked for the whole tile
                sc.keyEnd = mask.causalLimit(sc.i0 + sc.rows - 1, s);
                blockEnd = Math.max(blockEnd, sc.keyEnd);
            }
            for (int j0 = 0; j0 < blockEnd; j0 += BC) {
                int rowsUsed = Math.min(BC, blockEnd - j0);
                float[] kTile = k;
                int kTileOff = kOff + j0 * ldk;
                int kTileLd = ldk;
                if (copyK) {
                    copyRows(k, kTileOff, ldk, rowsUsed, dk, first.kCopy);
                    kTile = first.kCopy;
                    kTileOff = 0;
                    kTileLd = dk;
                }
                float[] vTile = v;
                int vTileOff = vOff + j0 * ldv;
                int vTileLd = ldv;
                if (copyV) {
                    copyRows(v, vTileOff, ldv, rowsUsed, dv, first.vCopy);
                    vTile = first.vCopy;
                    vTileOff = 0;
                    vTileLd = dv;
                }
                for (int t = 0; t < nt; t++) {
                    Scratch sc = tiles[t];
                    if (j0 >= sc.keyEnd) {
                        continue;
                    }
                    int jn = Math.min(BC, sc.keyEnd - j0);
                    // a tile no mask touches (no mask, or a causal one whose limit is past the tile's last key for
                    // its first row) gets its max from the six-key pass, and softmaxLanes skips its own pass over it
                    long t0 = (long) j0 - mask.causalOffset() - sc.i0;
                    boolean unmasked = none || causalOnly && t0 + jn <= 1;
                    boolean fixedD = dk == FIXED_D && kTileLd == FIXED_D;
                    // a causal tile the diagonal crosses gets its max in the mask's pass instead (causalMaskMax)
                    boolean maxInScores = WIDE && unmasked && fixedD;
                    boolean maxTaken = maxInScores || causalOnly && !unmasked;
                    if (fixedD) {
                        if (WIDE) {
                            scoresFixed6(sc.qt, sc.st, kTile, kTileOff, jn, maxInScores ? sc.tmax : null);
                        } else {
                            scoresFixed(sc.qt, sc.st, kTile, kTileOff, jn);
                        }
                    } else {
                        scores(sc.qt, sc.st, dk, kTile, kTileOff, kTileLd, jn);
                    }
                    if (causalOnly) {
                        if (!unmasked) {
                            causalMaskMax(sc.st, jn, t0, sc.tmax);
                        }
                    } else if (!none) {
                        generalMask(sc.st, jn, sc.rows, sc.i0, j0, mask);
                    }
                    int nAct = onlineSoftmax(sc, jn, sc.rows, maxTaken);
                    if (nAct > 0) {
                        pv(sc, nAct, jn, causalOnly && !unmasked, t0, vTile, vTileOff, vTileLd, dv);
                    }
                }
            }
            for (int t = 0; t < nt; t++) {
                Scratch sc = tiles[t];
                finish(sc, sc.rows, dv, out, outOff + sc.i0 * ldo, ldo);
            }
        }
    }

    /** dst[r·width + c] = src[off + r·ld + c] for r &lt; rows, c &lt; width. */
    private static void copyRows(float[] src, int off, int ld, int rows, int width, float[] dst) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, off + r * ld, dst, r * width, width);
        }
    }

    /** qt[c·BR + r] = scale·q_rc for r &lt; rows, 0 for the padding rows of a short tile. */
    private static void packQ(float[] qt, float[] q, int qOff, int ldq, int rows, int dk, float scale) {
        for (int r = 0; r < BR; r++) {
            if (r < rows) {
                int row = qOff + r * ldq;
                for (int c = 0; c < dk; c++) {
                    qt[c * BR + r] = scale * q[row + c];
                }
            } else {
                for (int c = 0; c < dk; c++) {
                    qt[c * BR + r] = 0f;
                }
            }
        }
    }

    /**
     * Sᵀ tile: st[j·BR + r] = Σ_c qt[c·BR + r]·k_(j, c) for j &lt; jn, as one fused multiply-add chain in
     * c order per entry (the same chain in the 5-key kernel and in the 1-key tail).
     */
    static void scores(float[] qt, float[] st, int dk, float[] k, int kOff, int ldk, int jn) {
        int j = 0;
        // the six-key and five-key passes are written out separately: their accumulators must be locals to stay in
        // registers (as in GemmMicroKernels); the one-key tail below computes the same chain for leftover keys
        for (; WIDE && j + 6 <= jn; j += 6) {
            int k0 = kOff + j * ldk;
            int k1 = k0 + ldk, k2 = k1 + ldk, k3 = k2 + ldk, k4 = k3 + ldk, k5 = k4 + ldk;
            FloatVector a00 = V.cast(FloatVector.zero(S)), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            for (int c = 0; c < dk; c++) {
                FloatVector q0 = V.cast(FloatVector.fromArray(S, qt, c * BR));
                FloatVector q1 = V.cast(FloatVector.fromArray(S, qt, c * BR + L));
                FloatVector b = V.cast(FloatVector.broadcast(S, k[k0 + c]));
                a00 = V.cast(q0).fma(b, a00);
                a01 = V.cast(q1).fma(b, a01);
                b = V.cast(FloatVector.broadcast(S, k[k1 + c]));
                a10 = V.cast(q0).fma(b, a10);
                a11 = V.cast(q1).fma(b, a11);
                b = V.cast(FloatVector.broadcast(S, k[k2 + c]));
                a20 = V.cast(q0).fma(b, a20);
                a21 = V.cast(q1).fma(b, a21);
                b = V.cast(FloatVector.broadcast(S, k[k3 + c]));
                a30 = V.cast(q0).fma(b, a30);
                a31 = V.cast(q1).fma(b, a31);
                b = V.cast(FloatVector.broadcast(S, k[k4 + c]));
                a40 = V.cast(q0).fma(b, a40);
                a41 = V.cast(q1).fma(b, a41);
                b = V.cast(FloatVector.broadcast(S, k[k5 + c]));
                a50 = V.cast(q0).fma(b, a50);
                a51 = V.cast(q1).fma(b, a51);
            }
            int o = j * BR;
            V.cast(a00).intoArray(st, o);
            V.cast(a01).intoArray(st, o + L);
            V.cast(a10).intoArray(st, o + BR);
            V.cast(a11).intoArray(st, o + BR + L);
            V.cast(a20).intoArray(st, o + 2 * BR);
            V.cast(a21).intoArray(st, o + 2 * BR + L);
            V.cast(a30).intoArray(st, o + 3 * BR);
            V.cast(a31).intoArray(st, o + 3 * BR + L);
            V.cast(a40).intoArray(st, o + 4 * BR);
            V.cast(a41).intoArray(st, o + 4 * BR + L);
            V.cast(a50).intoArray(st, o + 5 * BR);
            V.cast(a51).intoArray(st, o + 5 * BR + L);
        }
        for (; j + 5 <= jn; j += 5) {
            int k0 = kOff + j * ldk;
            int k1 = k0 + ldk, k2 = k1 + ldk, k3 = k2 + ldk, k4 = k3 + ldk;
            FloatVector a00 = V.cast(FloatVector.zero(S)), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00;
            for (int c = 0; c < dk; c++) {
                FloatVector q0 = V.cast(FloatVector.fromArray(S, qt, c * BR));
                FloatVector q1 = V.cast(FloatVector.fromArray(S, qt, c * BR + L));
                FloatVector b = V.cast(FloatVector.broadcast(S, k[k0 + c]));
                a00 = V.cast(q0).fma(b, a00);
                a01 = V.cast(q1).fma(b, a01);
                b = V.cast(FloatVector.broadcast(S, k[k1 + c]));
                a10 = V.cast(q0).fma(b, a10);
                a11 = V.cast(q1).fma(b, a11);
                b = V.cast(FloatVector.broadcast(S, k[k2 + c]));
                a20 = V.cast(q0).fma(b, a20);
                a21 = V.cast(q1).fma(b, a21);
                b = V.cast(FloatVector.broadcast(S, k[k3 + c]));
                a30 = V.cast(q0).fma(b, a30);
                a31 = V.cast(q1).fma(b, a31);
                b = V.cast(FloatVector.broadcast(S, k[k4 + c]));
                a40 = V.cast(q0).fma(b, a40);
                a41 = V.cast(q1).fma(b, a41);
            }
            int o = j * BR;
            V.cast(a00).intoArray(st, o);
            V.cast(a01).intoArray(st, o + L);
            V.cast(a10).intoArray(st, o + BR);
            V.cast(a11).intoArray(st, o + BR + L);
            V.cast(a20).intoArray(st, o + 2 * BR);
            V.cast(a21).intoArray(st, o + 2 * BR + L);
            V.cast(a30).intoArray(st, o + 3 * BR);
            V.cast(a31).intoArray(st, o + 3 * BR + L);
            V.cast(a40).intoArray(st, o + 4 * BR);
            V.cast(a41).intoArray(st, o + 4 * BR + L);
        }
        // key tail: one key at a time, same chain
        for (; j < jn; j++) {
            int k0 = kOff + j * ldk;
            FloatVector a0 = V.cast(FloatVector.zero(S)), a1 = a0;
            for (int c = 0; c < dk; c++) {
                FloatVector b = V.cast(FloatVector.broadcast(S, k[k0 + c]));
                a0 = V.cast(FloatVector.fromArray(S, qt, c * BR)).fma(b, a0);
                a1 = V.cast(FloatVector.fromArray(S, qt, c * BR + L)).fma(b, a1);
            }
            V.cast(a0).intoArray(st, j * BR);
            V.cast(a1).intoArray(st, j * BR + L);
        }
    }

    /** The head size with kernels of its own (see {@link #scoresFixed}, {@link #scoresFixed6} and {@link #pv4Fixed}). */
    static final int FIXED_D = 64;

    /**
     * {@link #scores} for dk = ldk = {@link #FIXED_D}, in passes of four keys: the loop runs over K's index, the
     * other three keys are constant displacements from it and Q's offset is derived from it. The general five-key
     * pass keeps one offset per key and adds the depth to each on every step (40 instructions per 10 FMAs on
     * JDK 17); a five-key pass in this form lets C2 hoist all five broadcasts and spill two accumulators, four
     * keys leave room for them. The same FMA chain per entry, so the same bits. With 32 vector registers
     * (512 bits), six keys: {@link #scoresFixed6}.
     */
    static void scoresFixed(float[] qt, float[] st, float[] k, int kOff, int jn) {
        scoresFixed(qt, st, k, kOff, jn, 0);
    }

    /** {@link #scoresFixed} writing key j's scores at {@code st[stOff + j·BR …]}. */
    static void scoresFixed(float[] qt, float[] st, float[] k, int kOff, int jn, int stOff) {
        int j = 0;
        for (; j + 4 <= jn; j += 4) {
            int k0 = kOff + j * FIXED_D;
            int qBase = -k0 * BR; // Q's offset c·BR = (kc − k0)·BR
            FloatVector a00 = V.cast(FloatVector.zero(S)), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00;
            for (int kc = k0; kc < k0 + FIXED_D; kc++) {
                int qo = qBase + kc * BR;
                FloatVector q0 = V.cast(FloatVector.fromArray(S, qt, qo));
                FloatVector q1 = V.cast(FloatVector.fromArray(S, qt, qo + L));
                FloatVector b = V.cast(FloatVector.broadcast(S, k[kc]));
                a00 = V.cast(q0).fma(b, a00);
                a01 = V.cast(q1).fma(b, a01);
                b = V.cast(FloatVector.broadcast(S, k[kc + FIXED_D]));
                a10 = V.cast(q0).fma(b, a10);
                a11 = V.cast(q1).fma(b, a11);
                b = V.cast(FloatVector.broadcast(S, k[kc + 2 * FIXED_D]));
                a20 = V.cast(q0).fma(b, a20);
                a21 = V.cast(q1).fma(b, a21);
                b = V.cast(FloatVector.broadcast(S, k[kc + 3 * FIXED_D]));
                a30 = V.cast(q0).fma(b, a30);
                a31 = V.cast(q1).fma(b, a31);
            }
            int o = stOff + j * BR;
            V.cast(a00).intoArray(st, o);
            V.cast(a01).intoArray(st, o + L);
            V.cast(a10).intoArray(st, o + BR);
            V.cast(a11).intoArray(st, o + BR + L);
            V.cast(a20).intoArray(st, o + 2 * BR);
            V.cast(a21).intoArray(st, o + 2 * BR + L);
            V.cast(a30).intoArray(st, o + 3 * BR);
            V.cast(a31).intoArray(st, o + 3 * BR + L);
        }
        // key tail: one key at a time, same chain
        for (; j < jn; j++) {
            int k0 = kOff + j * FIXED_D;
            FloatVector a0 = V.cast(FloatVector.zero(S)), a1 = a0;
            for (int c = 0; c < FIXED_D; c++) {
                FloatVector b = V.cast(FloatVector.broadcast(S, k[k0 + c]));
                a0 = V.cast(FloatVector.fromArray(S, qt, c * BR)).fma(b, a0);
                a1 = V.cast(FloatVector.fromArray(S, qt, c * BR + L)).fma(b, a1);
            }
            V.cast(a0).intoArray(st, stOff + j * BR);
            V.cast(a1).intoArray(st, stOff + j * BR + L);
        }
    }

    /**
     * {@link #scoresFixed} with six keys per pass (12 accumulators), for {@link #WIDE}: K's rows at the constant
     * stride {@link #FIXED_D}, so each broadcast addresses its key as a fixed displacement from the one loop
     * index, where {@link #scores} keeps six run-time row offsets live (and spills some). The same chain per
     * entry as the other score kernels; leftover keys (BC is a multiple of 6, so only at the end of the keys or
     * at a causal tile's cut) go through {@link #scoresFixed}. A/B against {@link #scores} on Zen 5: one head
     * N = 2048 1.02x (JDK 17), 0.99x (JDK 25); 8 heads N = 1024 1.01x, 1.04x.
     *
     * <p>With {@code tmax} non-null it also writes the tile max of each row into {@code tmax[0 … BR)}: the blends
     * of {@link #softmaxLanes}' max pass ({@code mx = blend(mx, s, mx < s)}, keys in order), on the accumulators
     * before they leave the registers, so the same floats without a second pass over the tile.
     */
    static void scoresFixed6(float[] qt, float[] st, float[] k, int kOff, int jn, float[] tmax) {
        // the max is taken whether or not it is stored (12 blends per 768 FMAs): a vector merged from a taken
        // and a skipped branch could be boxed on every call (PollutedProfilesTest caught it)
        FloatVector mx0 = V.cast(FloatVector.broadcast(S, NEG_INF)), mx1 = mx0;
        int j = 0;
        for (; j + 6 <= jn; j += 6) {
            int k0 = kOff + j * FIXED_D;
            int qBase = -k0 * BR; // Q's offset c·BR = (kc − k0)·BR
            FloatVector a00 = V.cast(FloatVector.zero(S)), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
            FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
            for (int kc = k0; kc < k0 + FIXED_D; kc++) {
                int qo = qBase + kc * BR;
                FloatVector q0 = V.cast(FloatVector.fromArray(S, qt, qo));
                FloatVector q1 = V.cast(FloatVector.fromArray(S, qt, qo + L));
                FloatVector b = V.cast(FloatVector.broadcast(S, k[kc]));
                a00 = V.cast(q0).fma(b, a00);
                a01 = V.cast(q1).fma(b, a01);
                b = V.cast(FloatVector.broadcast(S, k[kc + FIXED_D]));
                a10 = V.cast(q0).fma(b, a10);
                a11 = V.cast(q1).fma(b, a11);
                b = V.cast(FloatVector.broadcast(S, k[kc + 2 * FIXED_D]));
                a20 = V.cast(q0).fma(b, a20);
                a21 = V.cast(q1).fma(b, a21);
                b = V.cast(FloatVector.broadcast(S, k[kc + 3 * FIXED_D]));
                a30 = V.cast(q0).fma(b, a30);
                a31 = V.cast(q1).fma(b, a31);
                b = V.cast(FloatVector.broadcast(S, k[kc + 4 * FIXED_D]));
                a40 = V.cast(q0).fma(b, a40);
                a41 = V.cast(q1).fma(b, a41);
                b = V.cast(FloatVector.broadcast(S, k[kc + 5 * FIXED_D]));
                a50 = V.cast(q0).fma(b, a50);
                a51 = V.cast(q1).fma(b, a51);
            }
            int o = j * BR;
            V.cast(a00).intoArray(st, o);
            V.cast(a01).intoArray(st, o + L);
            V.cast(a10).intoArray(st, o + BR);
            V.cast(a11).intoArray(st, o + BR + L);
            V.cast(a20).intoArray(st, o + 2 * BR);
            V.cast(a21).intoArray(st, o + 2 * BR + L);
            V.cast(a30).intoArray(st, o + 3 * BR);
            V.cast(a31).intoArray(st, o + 3 * BR + L);
            V.cast(a40).intoArray(st, o + 4 * BR);
            V.cast(a41).intoArray(st, o + 4 * BR + L);
            V.cast(a50).intoArray(st, o + 5 * BR);
            V.cast(a51).intoArray(st, o + 5 * BR + L);
            mx0 = V.cast(mx0).blend(a00, V.cast(mx0).lt(a00));
            mx0 = V.cast(mx0).blend(a10, V.cast(mx0).lt(a10));
            mx0 = V.cast(mx0).blend(a20, V.cast(mx0).lt(a20));
            mx0 = V.cast(mx0).blend(a30, V.cast(mx0).lt(a30));
            mx0 = V.cast(mx0).blend(a40, V.cast(mx0).lt(a40));
            mx0 = V.cast(mx0).blend(a50, V.cast(mx0).lt(a50));
            mx1 = V.cast(mx1).blend(a01, V.cast(mx1).lt(a01));
            mx1 = V.cast(mx1).blend(a11, V.cast(mx1).lt(a11));
            mx1 = V.cast(mx1).blend(a21, V.cast(mx1).lt(a21));
            mx1 = V.cast(mx1).blend(a31, V.cast(mx1).lt(a31));
            mx1 = V.cast(mx1).blend(a41, V.cast(mx1).lt(a41));
            mx1 = V.cast(mx1).blend(a51, V.cast(mx1).lt(a51));
        }
        if (j < jn) {
            scoresFixed(qt, st, k, kOff + j * FIXED_D, jn - j, j * BR);
        }
        // the leftover keys' scores, from the tile, in the same order
        for (; j < jn; j++) {
            FloatVector x0 = V.cast(FloatVector.fromArray(S, st, j * BR));
            FloatVector x1 = V.cast(FloatVector.fromArray(S, st, j * BR + L));
            mx0 = V.cast(mx0).blend(x0, V.cast(mx0).lt(x0));
            mx1 = V.cast(mx1).blend(x1, V.cast(mx1).lt(x1));
        }
        if (tmax != null) {
            V.cast(mx0).intoArray(tmax, 0);
            V.cast(mx1).intoArray(tmax, L);
        }
    }

    /**
     * Causal mask on a transposed score tile, key j0 + j masked for row i0 + r when r &lt; j + (j0 − offset − i0) =
     * j + t0 (only keys past the first row's limit need work), and the tile max of each row in the same pass: the
     * blends of {@link #softmaxLanes}' max pass
     * ({@code mx = blend(mx, s, mx < s)}, keys in order from −∞) on the masked scores, into {@code tmax[0 … BR)}, so
     * the same floats without a second pass over the tile. (An entry set to −∞ never wins a blend.)
     */
    static void causalMaskMax(float[] st, int jn, long t0, float[] tmax) {
        FloatVector iota = V.cast(FloatVector.fromArray(S, IOTA, 0));
        FloatVector mx0 = V.cast(FloatVector.broadcast(S, NEG_INF)), mx1 = mx0;
        int j = 0;
        // keys no row of the tile has masked
        for (int open = (int) Math.max(0, Math.min(jn, 1 - t0)); j < open; j++) {
            FloatVector x0 = V.cast(FloatVector.fromArray(S, st, j * BR));
            FloatVector x1 = V.cast(FloatVector.fromArray(S, st, j * BR + L));
            mx0 = V.cast(mx0).blend(x0, V.cast(mx0).lt(x0));
            mx1 = V.cast(mx1).blend(x1, V.cast(mx1).lt(x1));
        }
        for (; j < jn; j++) {
            long t = j + t0; // rows r < t are masked
            if (t >= BR) {
                java.util.Arrays.fill(st, j * BR, j * BR + BR, NEG_INF);
                continue;
            }
            FloatVector x0 = V.cast(V.cast(FloatVector.fromArray(S, st, j * BR)).blend(NEG_INF, V.cast(iota).lt((float) t)));
            FloatVector x1 = V.cast(V.cast(FloatVector.fromArray(S, st, j * BR + L))
                    .blend(NEG_INF, V.cast(iota).lt((float) (t - L))));
            V.cast(x0).intoArray(st, j * BR);
            V.cast(x1).intoArray(st, j * BR + L);
            mx0 = V.cast(mx0).blend(x0, V.cast(mx0).lt(x0));
            mx1 = V.cast(mx1).blend(x1, V.cast(mx1).lt(x1));
        }
        V.cast(mx0).intoArray(tmax, 0);
        V.cast(mx1).intoArray(tmax, L);
    }

    /** Any other mask: per entry, -∞ where masked, else + the additive term. */
    private static void generalMask(float[] st, int jn, int rows, int i0, int j0, ScoreMask mask) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < jn; j++) {
                int idx = j * BR + r;
                st[idx] = mask.isMasked(i0 + r, j0 + j) ? NEG_INF
                        : Math.fma(mask.bias(i0 + r, j0 + j), LOG2E_F, st[idx]);
            }
        }
    }

    /**
     * The online-softmax step for one key tile, lanes = rows. Overwrites st with p, updates m, ℓ and
     * α, and lists in act the rows (&lt; rows) that see at least one key of the tile; returns their count.
     */
    private static int onlineSoftmax(Scratch sc, int jn, int rows, boolean maxTaken) {
        for (int h = 0; h < BR; h += L) {
            softmaxLanes(sc, jn, h, maxTaken);
        }
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (sc.tmax[r] > NEG_INF) {
                sc.act[n++] = r;
            }
        }
        return n;
    }

    /**
     * The online-softmax step for the rows h … h+L−1 (lanes = rows): tile max, new running max, α = exp(m_old −
     * m_new), then p = exp(s − m_new) over the tile and its row sums, both in base 2 through
     * {@link SimdExp#exp2ShiftSum}, which takes arrays only (no vector crosses a call).
     */
    private static void softmaxLanes(Scratch sc, int jn, int h, boolean maxTaken) {
        float[] st = sc.st;
        // tile max by compare-and-blend: a NaN score never becomes the max, but it still reaches
        // ℓ through exp(NaN − m) = NaN, and O/ℓ is then NaN. The score pass or the causal mask's pass may have
        // taken it already (scoresFixed6, causalMaskMax: the same blends in the same key order)
        FloatVector mx;
        if (maxTaken) {
            mx = V.cast(FloatVector.fromArray(S, sc.tmax, h));
        } else {
            mx = V.cast(FloatVector.broadcast(S, NEG_INF));
            for (int j = 0; j < jn; j++) {
                FloatVector x = V.cast(FloatVector.fromArray(S, st, j * BR + h));
                mx = V.cast(mx).blend(x, V.cast(mx).lt(x));
            }
            V.cast(mx).intoArray(sc.tmax, h);
        }
        FloatVector mOld = V.cast(FloatVector.fromArray(S, sc.m, h));
        FloatVector mNew = V.cast(mOld).blend(V.cast(mx), V.cast(mOld).lt(V.cast(mx)));
        // a row that has seen nothing yet keeps m = -∞; subtract 0 then, so exp(-∞ − 0) = 0, not NaN
        FloatVector mSub = V.cast(mNew).blend(0f, V.cast(mNew).eq(NEG_INF));
        V.cast(V.cast(mSub).neg()).intoArray(sc.shift, h);
        // α = 2^(m_old − m_sub): exactly 1 when m did not grow (m_old + (−m_sub) = 0 exactly); one vector
        // through the array exp (its lane sum goes to psum, which the exp of the tile overwrites next)
        V.cast(mOld).intoArray(sc.alpha, h);
        SimdExp.exp2ShiftSum(sc.alpha, h, L, 1, sc.shift, h, sc.psum, h);
        V.cast(mNew).intoArray(sc.m, h);
        SimdExp.exp2ShiftSum(st, h, BR, jn, sc.shift, h, sc.psum, h);
        V.cast(V.cast(FloatVector.fromArray(S, sc.ell, h)).fma(V.cast(FloatVector.fromArray(S, sc.alpha, h)),
                V.cast(FloatVector.fromArray(S, sc.psum, h)))).intoArray(sc.ell, h);
    }

    /**
     * O_r ← α_r·O_r + Σ_j p_rj·V_j for the active rows r: runs of consecutive active rows in groups
     * of 5 rows × 2 vectors of columns (10 accumulators + 2 V vectors + 1 broadcast: fits the 16 AVX2
     * registers without spilling), leftover rows one at a time over 8 vectors of columns. With
     * dv = ldv = {@link #FIXED_D}, groups of 8 rows ({@link #pv8Fixed}, where {@link #PV8}) or 4 rows first
     * ({@link #pv4Fixed}: a tile's rows leave no leftover). {@link #WIDE_PV} takes precedence (4 × 4 groups).
     */
    private static void pv(Scratch sc, int nAct, int jn, boolean cut, long t0, float[] v, int vOff, int ldv, int dv) {
        int[] act = sc.act;
        int g = 0;
        while (g < nAct) {
            // a run of consecutive active rows: the common case is all rows of the tile
            int run = 1;
            while (g + run < nAct && act[g + run] == act[g] + run) {
                run++;
            }
            int r = act[g];
            int end = r + run;
            if (WIDE_PV && dv % (4 * L) == 0) {
                for (; r + 4 <= end; r += 4) {
                    pv4Wide(sc, r, keys(jn, cut, t0, r + 4), v, vOff, ldv, dv);
                }
            } else if (dv == FIXED_D && ldv == FIXED_D) {
                for (; PV8 && r + 8 <= end; r += 8) {
                    pv8Fixed(sc, r, keys(jn, cut, t0, r + 8), v, vOff);
                }
                for (; r + 4 <= end; r += 4) {
                    pv4Fixed(sc, r, keys(jn, cut, t0, r + 4), v, vOff);
                }
            }
            for (; r + 5 <= end; r += 5) {
                pv5(sc, r, keys(jn, cut, t0, r + 5), v, vOff, ldv, dv);
            }
            for (; r < end; r++) {
                pvRow(sc.o, sc.st, r, sc.alpha[r], 0, keys(jn, cut, t0, r + 1), v, vOff, ldv, dv);
            }
            g += run;
        }
    }

    /**
     * The keys of a tile that P·V reads for the rows before {@code rowsEnd}: all jn, or, on a tile the causal
     * diagonal crosses ({@code cut}; row r sees key j when j + t0 ≤ r), those up to the last row's last visible key,
     * since the keys past it have p = 0 for every row of the group. Groups are runs of active rows, each of which
     * sees at least its tile's first key, so the count is at least 1.
     */
    private static int keys(int jn, boolean cut, long t0, int rowsEnd) {
        return cut ? (int) Math.min(jn, rowsEnd - t0) : jn;
    }

    /**
     * Whether P·V runs 4 rows × 4 vectors of columns at a time ({@link #pv4Wide}: 16 accumulators, 4 V loads and
     * a broadcast live, so 32 vector registers): at 512 bits, where 4 vectors are a whole 64-wide head row, on
     * JDK 17-24. A/B against {@link #pv4Fixed} on Zen 5, N = 2048: JDK 17 1.03-1.08x the speed (one head, 8
     * heads, causal), JDK 25 0.95-0.99x (where {@link #pv8Fixed} runs instead).
     */
    static final boolean WIDE_PV = L >= 16 && Runtime.version().feature() < 25;

    /**
     * Whether P·V with dv = ldv = {@link #FIXED_D} runs 8 rows × 2 vectors at a time ({@link #pv8Fixed}: 16
     * accumulators, 2 V loads and a broadcast live), where 32 vector registers are taken for granted (512 bits, as
     * {@link #WIDE}) and {@link #WIDE_PV} is not taken, i.e. from JDK 25 on. A/B on Zen 5 (`AbCompare`, time ratio,
     * two runs) on JDK 25 against {@link #pv4Fixed}: one head N = 2048 1.09-1.15x the speed, N = 512 1.16x, 8 heads
     * N = 1024 1.09-1.10x, causal 1.04x (N = 2048) and 1.09x (N = 512), the MHA forward N = 1024 1.04x; in JMH,
     * four forks each, one head N = 2048 6.34-6.54 ms against 6.52-6.91. On JDK 17 in place of {@link #pv4Wide}
     * it measured 0.99-1.07x in A/B, but JMH forks split into two speeds (6.26 or 7.63 ms at N = 2048, against
     * 6.40-6.66 for pv4Wide in every fork), so JDK 17 keeps pv4Wide.
     */
    static final boolean PV8 = L >= 16 && !WIDE_PV;

    /**
     * Rows r0 … r0+3, columns in blocks of 4 vectors (dv a multiple of 4L): per key, 4 V loads and 4 broadcasts
     * feed 16 FMAs, against 2 loads and 4 broadcasts per 8 FMAs in {@link #pv4Fixed}. The same per-element
     * chain as the other P·V kernels.
     */
    static void pv4Wide(Scratch sc, int r0, int jn, float[] v, int vOff, int ldv, int dv) {
        float[] o = sc.o;
        float[] st = sc.st;
        float al0 = sc.alpha[r0], al1 = sc.alpha[r0 + 1], al2 = sc.alpha[r0 + 2], al3 = sc.alpha[r0 + 3];
        int o0 = r0 * dv, o1 = o0 + dv, o2 = o1 + dv, o3 = o2 + dv;
        for (int c = 0; c < dv; c += 4 * L) {
            FloatVector a00 = V.cast(FloatVector.fromArray(S, o, o0 + c)).mul(al0);
            FloatVector a01 = V.cast(FloatVector.fromArray(S, o, o0 + c + L)).mul(al0);
            FloatVector a02 = V.cast(FloatVector.fromArray(S, o, o0 + c + 2 * L)).mul(al0);
            FloatVector a03 = V.cast(FloatVector.fromArray(S, o, o0 + c + 3 * L)).mul(al0);
            FloatVector a10 = V.cast(FloatVector.fromArray(S, o, o1 + c)).mul(al1);
            FloatVector a11 = V.cast(FloatVector.fromArray(S, o, o1 + c + L)).mul(al1);
            FloatVector a12 = V.cast(FloatVector.fromArray(S, o, o1 + c + 2 * L)).mul(al1);
            FloatVector a13 = V.cast(FloatVector.fromArray(S, o, o1 + c + 3 * L)).mul(al1);
            FloatVector a20 = V.cast(FloatVector.fromArray(S, o, o2 + c)).mul(al2);
            FloatVector a21 = V.cast(FloatVector.fromArray(S, o, o2 + c + L)).mul(al2);
            FloatVector a22 = V.cast(FloatVector.fromArray(S, o, o2 + c + 2 * L)).mul(al2);
            FloatVector a23 = V.cast(FloatVector.fromArray(S, o, o2 + c + 3 * L)).mul(al2);
            FloatVector a30 = V.cast(FloatVector.fromArray(S, o, o3 + c)).mul(al3);
            FloatVector a31 = V.cast(FloatVector.fromArray(S, o, o3 + c + L)).mul(al3);
            FloatVector a32 = V.cast(FloatVector.fromArray(S, o, o3 + c + 2 * L)).mul(al3);
            FloatVector a33 = V.cast(FloatVector.fromArray(S, o, o3 + c + 3 * L)).mul(al3);
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                FloatVector v0 = V.cast(FloatVector.fromArray(S, v, vr));
                FloatVector v1 = V.cast(FloatVector.fromArray(S, v, vr + L));
                FloatVector v2 = V.cast(FloatVector.fromArray(S, v, vr + 2 * L));
                FloatVector v3 = V.cast(FloatVector.fromArray(S, v, vr + 3 * L));
                int pj = j * BR + r0;
                FloatVector p = V.cast(FloatVector.broadcast(S, st[pj]));
                a00 = V.cast(v0).fma(p, a00);
                a01 = V.cast(v1).fma(p, a01);
                a02 = V.cast(v2).fma(p, a02);
                a03 = V.cast(v3).fma(p, a03);
                p = V.cast(FloatVector.broadcast(S, st[pj + 1]));
                a10 = V.cast(v0).fma(p, a10);
                a11 = V.cast(v1).fma(p, a11);
                a12 = V.cast(v2).fma(p, a12);
                a13 = V.cast(v3).fma(p, a13);
                p = V.cast(FloatVector.broadcast(S, st[pj + 2]));
                a20 = V.cast(v0).fma(p, a20);
                a21 = V.cast(v1).fma(p, a21);
                a22 = V.cast(v2).fma(p, a22);
                a23 = V.cast(v3).fma(p, a23);
                p = V.cast(FloatVector.broadcast(S, st[pj + 3]));
                a30 = V.cast(v0).fma(p, a30);
                a31 = V.cast(v1).fma(p, a31);
                a32 = V.cast(v2).fma(p, a32);
                a33 = V.cast(v3).fma(p, a33);
            }
            V.cast(a00).intoArray(o, o0 + c);
            V.cast(a01).intoArray(o, o0 + c + L);
            V.cast(a02).intoArray(o, o0 + c + 2 * L);
            V.cast(a03).intoArray(o, o0 + c + 3 * L);
            V.cast(a10).intoArray(o, o1 + c);
            V.cast(a11).intoArray(o, o1 + c + L);
            V.cast(a12).intoArray(o, o1 + c + 2 * L);
            V.cast(a13).intoArray(o, o1 + c + 3 * L);
            V.cast(a20).intoArray(o, o2 + c);
            V.cast(a21).intoArray(o, o2 + c + L);
            V.cast(a22).intoArray(o, o2 + c + 2 * L);
            V.cast(a23).intoArray(o, o2 + c + 3 * L);
            V.cast(a30).intoArray(o, o3 + c);
            V.cast(a31).intoArray(o, o3 + c + L);
            V.cast(a32).intoArray(o, o3 + c + 2 * L);
            V.cast(a33).intoArray(o, o3 + c + 3 * L);
        }
    }

    /**
     * Rows r0 … r0+3 for dv = ldv = {@link #FIXED_D} (see {@link #pv}): the loop runs over the index of
     * P's entries and derives V's from it, both with constant strides. Four rows (8 accumulators) leave room for
     * the broadcasts C2 hoists; the same per-element chain as {@link #pv5}.
     */
    static void pv4Fixed(Scratch sc, int r0, int jn, float[] v, int vOff) {
        float[] o = sc.o;
        float[] st = sc.st;
        float al0 = sc.alpha[r0], al1 = sc.alpha[r0 + 1], al2 = sc.alpha[r0 + 2], al3 = sc.alpha[r0 + 3];
        int o0 = r0 * FIXED_D, o1 = o0 + FIXED_D, o2 = o1 + FIXED_D, o3 = o2 + FIXED_D;
        int pEnd = r0 + jn * BR;
        for (int c = 0; c < FIXED_D; c += 2 * L) {
            FloatVector a00 = V.cast(FloatVector.fromArray(S, o, o0 + c)).mul(al0);
            FloatVector a01 = V.cast(FloatVector.fromArray(S, o, o0 + c + L)).mul(al0);
            FloatVector a10 = V.cast(FloatVector.fromArray(S, o, o1 + c)).mul(al1);
            FloatVector a11 = V.cast(FloatVector.fromArray(S, o, o1 + c + L)).mul(al1);
            FloatVector a20 = V.cast(FloatVector.fromArray(S, o, o2 + c)).mul(al2);
            FloatVector a21 = V.cast(FloatVector.fromArray(S, o, o2 + c + L)).mul(al2);
            FloatVector a30 = V.cast(FloatVector.fromArray(S, o, o3 + c)).mul(al3);
            FloatVector a31 = V.cast(FloatVector.fromArray(S, o, o3 + c + L)).mul(al3);
            int vBase = vOff + c - r0 * (FIXED_D / BR); // V's row j at vBase + pj·(FIXED_D / BR), pj = j·BR + r0
            for (int pj = r0; pj < pEnd; pj += BR) {
                int vr = vBase + pj * (FIXED_D / BR);
                FloatVector v0 = V.cast(FloatVector.fromArray(S, v, vr));
                FloatVector v1 = V.cast(FloatVector.fromArray(S, v, vr + L));
                FloatVector p = V.cast(FloatVector.broadcast(S, st[pj]));
                a00 = V.cast(v0).fma(p, a00);
                a01 = V.cast(v1).fma(p, a01);
                p = V.cast(FloatVector.broadcast(S, st[pj + 1]));
                a10 = V.cast(v0).fma(p, a10);
                a11 = V.cast(v1).fma(p, a11);
                p = V.cast(FloatVector.broadcast(S, st[pj + 2]));
                a20 = V.cast(v0).fma(p, a20);
                a21 = V.cast(v1).fma(p, a21);
                p = V.cast(FloatVector.broadcast(S, st[pj + 3]));
                a30 = V.cast(v0).fma(p, a30);
                a31 = V.cast(v1).fma(p, a31);
            }
            V.cast(a00).intoArray(o, o0 + c);
            V.cast(a01).intoArray(o, o0 + c + L);
            V.cast(a10).intoArray(o, o1 + c);
            V.cast(a11).intoArray(o, o1 + c + L);
            V.cast(a20).intoArray(o, o2 + c);
            V.cast(a21).intoArray(o, o2 + c + L);
            V.cast(a30).intoArray(o, o3 + c);
            V.cast(a31).intoArray(o, o3 + c + L);
        }
    }

    /**
     * Rows r0 … r0+7 for dv = ldv = {@link #FIXED_D}, as {@link #pv4Fixed} with twice the rows: 16 accumulators, so
     * each pair of V loads feeds 16 FMAs instead of 8 ({@link #PV8}). The same per-element chain as the other P·V
     * kernels.
     */
    static void pv8Fixed(Scratch sc, int r0, int jn, float[] v, int vOff) {
        float[] o = sc.o;
        float[] st = sc.st;
        float al0 = sc.alpha[r0], al1 = sc.alpha[r0 + 1], al2 = sc.alpha[r0 + 2], al3 = sc.alpha[r0 + 3];
        float al4 = sc.alpha[r0 + 4], al5 = sc.alpha[r0 + 5], al6 = sc.alpha[r0 + 6], al7 = sc.alpha[r0 + 7];
        int o0 = r0 * FIXED_D, o1 = o0 + FIXED_D, o2 = o1 + FIXED_D, o3 = o2 + FIXED_D;
        int o4 = o3 + FIXED_D, o5 = o4 + FIXED_D, o6 = o5 + FIXED_D, o7 = o6 + FIXED_D;
        int pEnd = r0 + jn * BR;
        for (int c = 0; c < FIXED_D; c += 2 * L) {
            FloatVector a00 = V.cast(FloatVector.fromArray(S, o, o0 + c)).mul(al0);
            FloatVector a01 = V.cast(FloatVector.fromArray(S, o, o0 + c + L)).mul(al0);
            FloatVector a10 = V.cast(FloatVector.fromArray(S, o, o1 + c)).mul(al1);
            FloatVector a11 = V.cast(FloatVector.fromArray(S, o, o1 + c + L)).mul(al1);
            FloatVector a20 = V.cast(FloatVector.fromArray(S, o, o2 + c)).mul(al2);
            FloatVector a21 = V.cast(FloatVector.fromArray(S, o, o2 + c + L)).mul(al2);
            FloatVector a30 = V.cast(FloatVector.fromArray(S, o, o3 + c)).mul(al3);
            FloatVector a31 = V.cast(FloatVector.fromArray(S, o, o3 + c + L)).mul(al3);
            FloatVector a40 = V.cast(FloatVector.fromArray(S, o, o4 + c)).mul(al4);
            FloatVector a41 = V.cast(FloatVector.fromArray(S, o, o4 + c + L)).mul(al4);
            FloatVector a50 = V.cast(FloatVector.fromArray(S, o, o5 + c)).mul(al5);
            FloatVector a51 = V.cast(FloatVector.fromArray(S, o, o5 + c + L)).mul(al5);
            FloatVector a60 = V.cast(FloatVector.fromArray(S, o, o6 + c)).mul(al6);
            FloatVector a61 = V.cast(FloatVector.fromArray(S, o, o6 + c + L)).mul(al6);
            FloatVector a70 = V.cast(FloatVector.fromArray(S, o, o7 + c)).mul(al7);
            FloatVector a71 = V.cast(FloatVector.fromArray(S, o, o7 + c + L)).mul(al7);
            int vBase = vOff + c - r0 * (FIXED_D / BR); // V's row j at vBase + pj·(FIXED_D / BR), pj = j·BR + r0
            for (int pj = r0; pj < pEnd; pj += BR) {
                int vr = vBase + pj * (FIXED_D / BR);
                FloatVector v0 = V.cast(FloatVector.fromArray(S, v, vr));
                FloatVector v1 = V.cast(FloatVector.fromArray(S, v, vr + L));
                FloatVector p = V.cast(FloatVector.broadcast(S, st[pj]));
                a00 = V.cast(v0).fma(p, a00);
                a01 = V.cast(v1).fma(p, a01);
                p = V.cast(FloatVector.broadcast(S, st[pj + 1]));
                a10 = V.cast(v0).fma(p, a10);
                a11 = V.cast(v1).fma(p, a11);
                p = V.cast(FloatVector.broadcast(S, st[pj + 2]));
                a20 = V.cast(v0).fma(p, a20);
                a21 = V.cast(v1).fma(p, a21);
                p = V.cast(FloatVector.broadcast(S, st[pj + 3]));
                a30 = V.cast(v0).fma(p, a30);
                a31 = V.cast(v1).fma(p, a31);
                p = V.cast(FloatVector.broadcast(S, st[pj + 4]));
                a40 = V.cast(v0).fma(p, a40);
                a41 = V.cast(v1).fma(p, a41);
                p = V.cast(FloatVector.broadcast(S, st[pj + 5]));
                a50 = V.cast(v0).fma(p, a50);
                a51 = V.cast(v1).fma(p, a51);
                p = V.cast(FloatVector.broadcast(S, st[pj + 6]));
                a60 = V.cast(v0).fma(p, a60);
                a61 = V.cast(v1).fma(p, a61);
                p = V.cast(FloatVector.broadcast(S, st[pj + 7]));
                a70 = V.cast(v0).fma(p, a70);
                a71 = V.cast(v1).fma(p, a71);
            }
            V.cast(a00).intoArray(o, o0 + c);
            V.cast(a01).intoArray(o, o0 + c + L);
            V.cast(a10).intoArray(o, o1 + c);
            V.cast(a11).intoArray(o, o1 + c + L);
            V.cast(a20).intoArray(o, o2 + c);
            V.cast(a21).intoArray(o, o2 + c + L);
            V.cast(a30).intoArray(o, o3 + c);
            V.cast(a31).intoArray(o, o3 + c + L);
            V.cast(a40).intoArray(o, o4 + c);
            V.cast(a41).intoArray(o, o4 + c + L);
            V.cast(a50).intoArray(o, o5 + c);
            V.cast(a51).intoArray(o, o5 + c + L);
            V.cast(a60).intoArray(o, o6 + c);
            V.cast(a61).intoArray(o, o6 + c + L);
            V.cast(a70).intoArray(o, o7 + c);
            V.cast(a71).intoArray(o, o7 + c + L);
        }
    }

    /** Rows r0 … r0+4: consecutive, so the five P broadcasts share one base address. */
    static void pv5(Scratch sc, int r0, int jn, float[] v, int vOff, int ldv, int dv) {
        float[] o = sc.o;
        float[] st = sc.st;
        float al0 = sc.alpha[r0], al1 = sc.alpha[r0 + 1], al2 = sc.alpha[r0 + 2], al3 = sc.alpha[r0 + 3];
        float al4 = sc.alpha[r0 + 4];
        int o0 = r0 * dv, o1 = o0 + dv, o2 = o1 + dv, o3 = o2 + dv, o4 = o3 + dv;
        int c = 0;
        for (; c + 2 * L <= dv; c += 2 * L) {
            FloatVector a00 = V.cast(FloatVector.fromArray(S, o, o0 + c)).mul(al0);
            FloatVector a01 = V.cast(FloatVector.fromArray(S, o, o0 + c + L)).mul(al0);
            FloatVector a10 = V.cast(FloatVector.fromArray(S, o, o1 + c)).mul(al1);
            FloatVector a11 = V.cast(FloatVector.fromArray(S, o, o1 + c + L)).mul(al1);
            FloatVector a20 = V.cast(FloatVector.fromArray(S, o, o2 + c)).mul(al2);
            FloatVector a21 = V.cast(FloatVector.fromArray(S, o, o2 + c + L)).mul(al2);
            FloatVector a30 = V.cast(FloatVector.fromArray(S, o, o3 + c)).mul(al3);
            FloatVector a31 = V.cast(FloatVector.fromArray(S, o, o3 + c + L)).mul(al3);
            FloatVector a40 = V.cast(FloatVector.fromArray(S, o, o4 + c)).mul(al4);
            FloatVector a41 = V.cast(FloatVector.fromArray(S, o, o4 + c + L)).mul(al4);
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                FloatVector v0 = V.cast(FloatVector.fromArray(S, v, vr));
                FloatVector v1 = V.cast(FloatVector.fromArray(S, v, vr + L));
                int pj = j * BR + r0;
                FloatVector p = V.cast(FloatVector.broadcast(S, st[pj]));
                a00 = V.cast(v0).fma(p, a00);
                a01 = V.cast(v1).fma(p, a01);
                p = V.cast(FloatVector.broadcast(S, st[pj + 1]));
                a10 = V.cast(v0).fma(p, a10);
                a11 = V.cast(v1).fma(p, a11);
                p = V.cast(FloatVector.broadcast(S, st[pj + 2]));
                a20 = V.cast(v0).fma(p, a20);
                a21 = V.cast(v1).fma(p, a21);
                p = V.cast(FloatVector.broadcast(S, st[pj + 3]));
                a30 = V.cast(v0).fma(p, a30);
                a31 = V.cast(v1).fma(p, a31);
                p = V.cast(FloatVector.broadcast(S, st[pj + 4]));
                a40 = V.cast(v0).fma(p, a40);
                a41 = V.cast(v1).fma(p, a41);
            }
            V.cast(a00).intoArray(o, o0 + c);
            V.cast(a01).intoArray(o, o0 + c + L);
            V.cast(a10).intoArray(o, o1 + c);
            V.cast(a11).intoArray(o, o1 + c + L);
            V.cast(a20).intoArray(o, o2 + c);
            V.cast(a21).intoArray(o, o2 + c + L);
            V.cast(a30).intoArray(o, o3 + c);
            V.cast(a31).intoArray(o, o3 + c + L);
            V.cast(a40).intoArray(o, o4 + c);
            V.cast(a41).intoArray(o, o4 + c + L);
        }
        for (int t = 0; c < dv && t < 5; t++) {
            pvRow(o, st, r0 + t, sc.alpha[r0 + t], c, jn, v, vOff, ldv, dv);
        }
    }

    /** One row's columns c0 … dv−1 of the P·V update: the same per-element chain as the 4-row kernel. */
    static void pvRow(float[] o, float[] st, int r, float al, int c0, int jn,
                              float[] v, int vOff, int ldv, int dv) {
        int c = c0;
        // eight independent chains (2 FMA pipes × 4 cycles latency): fewer would wait on the latency
        for (; c + 8 * L <= dv; c += 8 * L) {
            int oc = r * dv + c;
            FloatVector a0 = V.cast(FloatVector.fromArray(S, o, oc)).mul(al);
            FloatVector a1 = V.cast(FloatVector.fromArray(S, o, oc + L)).mul(al);
            FloatVector a2 = V.cast(FloatVector.fromArray(S, o, oc + 2 * L)).mul(al);
            FloatVector a3 = V.cast(FloatVector.fromArray(S, o, oc + 3 * L)).mul(al);
            FloatVector a4 = V.cast(FloatVector.fromArray(S, o, oc + 4 * L)).mul(al);
            FloatVector a5 = V.cast(FloatVector.fromArray(S, o, oc + 5 * L)).mul(al);
            FloatVector a6 = V.cast(FloatVector.fromArray(S, o, oc + 6 * L)).mul(al);
            FloatVector a7 = V.cast(FloatVector.fromArray(S, o, oc + 7 * L)).mul(al);
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                FloatVector p = V.cast(FloatVector.broadcast(S, st[j * BR + r]));
                a0 = V.cast(FloatVector.fromArray(S, v, vr)).fma(p, a0);
                a1 = V.cast(FloatVector.fromArray(S, v, vr + L)).fma(p, a1);
                a2 = V.cast(FloatVector.fromArray(S, v, vr + 2 * L)).fma(p, a2);
                a3 = V.cast(FloatVector.fromArray(S, v, vr + 3 * L)).fma(p, a3);
                a4 = V.cast(FloatVector.fromArray(S, v, vr + 4 * L)).fma(p, a4);
                a5 = V.cast(FloatVector.fromArray(S, v, vr + 5 * L)).fma(p, a5);
                a6 = V.cast(FloatVector.fromArray(S, v, vr + 6 * L)).fma(p, a6);
                a7 = V.cast(FloatVector.fromArray(S, v, vr + 7 * L)).fma(p, a7);
            }
            V.cast(a0).intoArray(o, oc);
            V.cast(a1).intoArray(o, oc + L);
            V.cast(a2).intoArray(o, oc + 2 * L);
            V.cast(a3).intoArray(o, oc + 3 * L);
            V.cast(a4).intoArray(o, oc + 4 * L);
            V.cast(a5).intoArray(o, oc + 5 * L);
            V.cast(a6).intoArray(o, oc + 6 * L);
            V.cast(a7).intoArray(o, oc + 7 * L);
        }
        for (; c + 4 * L <= dv; c += 4 * L) {
            int oc = r * dv + c;
            FloatVector a0 = V.cast(FloatVector.fromArray(S, o, oc)).mul(al);
            FloatVector a1 = V.cast(FloatVector.fromArray(S, o, oc + L)).mul(al);
            FloatVector a2 = V.cast(FloatVector.fromArray(S, o, oc + 2 * L)).mul(al);
            FloatVector a3 = V.cast(FloatVector.fromArray(S, o, oc + 3 * L)).mul(al);
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                FloatVector p = V.cast(FloatVector.broadcast(S, st[j * BR + r]));
                a0 = V.cast(FloatVector.fromArray(S, v, vr)).fma(p, a0);
                a1 = V.cast(FloatVector.fromArray(S, v, vr + L)).fma(p, a1);
                a2 = V.cast(FloatVector.fromArray(S, v, vr + 2 * L)).fma(p, a2);
                a3 = V.cast(FloatVector.fromArray(S, v, vr + 3 * L)).fma(p, a3);
            }
            V.cast(a0).intoArray(o, oc);
            V.cast(a1).intoArray(o, oc + L);
            V.cast(a2).intoArray(o, oc + 2 * L);
            V.cast(a3).intoArray(o, oc + 3 * L);
        }
        for (; c + L <= dv; c += L) {
            FloatVector a = V.cast(FloatVector.fromArray(S, o, r * dv + c)).mul(al);
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                a = V.cast(FloatVector.fromArray(S, v, vr)).fma(V.cast(FloatVector.broadcast(S, st[j * BR + r])), a);
            }
            V.cast(a).intoArray(o, r * dv + c);
        }
        // scalar tail
        for (; c < dv; c++) {
            float a = o[r * dv + c] * al;
            int vr = vOff + c;
            for (int j = 0; j < jn; j++, vr += ldv) {
                a = Math.fma(v[vr], st[j * BR + r], a);
            }
            o[r * dv + c] = a;
        }
    }

    /** out_r = O_r / ℓ_r, or zeros for a row that saw no key (ℓ = 0). NaN in ℓ gives a NaN row. */
    private static void finish(Scratch sc, int rows, int dv, float[] out, int outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            float e = sc.ell[r];
            int dst = outOff + r * ldo;
            if (e == 0f) {
                java.util.Arrays.fill(out, dst, dst + dv, 0f);
                continue;
            }
            int c = 0;
            for (; c + L <= dv; c += L) {
                V.cast(V.cast(FloatVector.fromArray(S, sc.o, r * dv + c)).div(e)).intoArray(out, dst + c);
            }
            // scalar tail
            for (; c < dv; c++) {
                out[dst + c] = sc.o[r * dv + c] / e;
            }
        }
    }
}
