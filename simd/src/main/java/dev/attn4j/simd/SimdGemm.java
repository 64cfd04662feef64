package dev.attn4j.simd;

import static dev.attn4j.simd.GemmMicroKernels.FIRST_BETA;
import static dev.attn4j.simd.GemmMicroKernels.FIRST_BETA0;

import dev.attn4j.Kernels;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM on the Vector API, {@code C = α·op(A)·op(B) + β·C}, in the GotoBLAS/BLIS structure.
 *
 * <h2>Packed path</h2>
 * <pre>
 * for jc in 0..n step NC                         B panel KC×NC lives in L3
 *   for pc in 0..k step KC                       depth block
 *     pack op(B)[pc:+KC, jc:+NC] → Bp            NR-column micro-panels, layout [p][NR]
 *     for ic in 0..m step MC                     A block MC×KC lives in L2
 *       pack op(A)[ic:+MC, pc:+KC] → Ap          MR-row micro-panels, layout [p][MR] (or [r][p], ROW_PANELS)
 *       for jr in 0..nc step NR                  Bp micro-panel KC×NR stays in L1
 *         for ir in 0..mc step MR
 *           micro-kernel MR×NR over KC           accumulators in registers
 * </pre>
 * Packing reads op(A) and op(B) through their transposes, so the four cases NN, NT, TN, TT share the one
 * micro-kernel. Micro-panels are zero-padded to full MR/NR; a fringe tile is computed into a small scratch
 * tile and only its valid part is copied to C (the {@code // scalar tail} of this kernel; with the row-panel tiles, a
 * fringe of at most one vector of columns runs the tile's first vector alone). Each micro-kernel
 * first touches its C tile (one load per row end) so a cache miss on C overlaps the FMA loop instead of
 * stalling the final update: Java has no prefetch instruction, and without this 1024² ran ~20% slower.
 *
 * <p>Two shape-driven variants of the same loops (same arithmetic, so the same bits):
 * <ul>
 *   <li>short depth, k ≤ {@value #SHORT_DEPTH} (attention's Q·Kᵀ with k = d_head): a tile is only k steps
 *       long, too short to hide the misses of C rows far apart, so the tiles are walked row-major (C written
 *       as sequential rows) and NC shrinks so that the whole Bp panel stays in half of L2
 *       (measured: (512,512,64) NT from 0.56 to 0.83 of peak, (2048,2048,64) NT from 0.54 to 0.89);</li>
 *   <li>narrow C, n ≤ {@value #IN_PLACE_A_MAX_N} (P·V with n = d_head): there are only n/NR passes of tiles
 *       over A, and packing A costs about one such pass, so full MR-row tiles read A in place (when op(A) = A)
 *       through micro-kernels with a row stride; only a partial last row tile is packed.</li>
 * </ul>
 *
 * <h2>Direct path</h2>
 * For op(B) = B (not transposed) and m ≤ {@link #DIRECT_MAX_M} (GEMV: decode steps, x·W) packing does not pay:
 * each row of C is accumulated in a per-thread buffer, streaming B row by row with broadcast-A × load-B FMAs;
 * B is read once, sequentially, which is what a memory-bound product wants.
 *
 * <h2>Determinism</h2>
 * Both paths compute every element the same way: for each depth block [pc, pc+KC) the float chain
 * {@code acc = fma(a_ip, b_pj, acc)} over p in increasing order from acc = 0, then
 * {@code c = α·acc} (first block, β = 0), {@code c = fma(α, acc, β·c)} (first block, β ≠ 0) or
 * {@code c = fma(α, acc, c)} (later blocks). KC depends only on the species, so within one JVM the value of
 * c_ij depends only on row i of op(A), column j of op(B), α, β and old c_ij — not on m, n, the tile or the
 * path. No horizontal (lane-crossing) reductions are used.
 *
 * <h2>Block sizes</h2>
 * With L lanes, the register tile is MR rows × NR = NV·L columns (MR·NV accumulators). An FMA has a
 * latency of 4 cycles and two pipes, so at least 8 independent accumulators are needed. Defaults, from
 * measurements on Zen 3 (AVX2, 16 vector registers), plain loops of square NN products, best of 1.5 s, after
 * the kernels stopped boxing (see {@link VectorWidth#VECTOR}):
 * <ul>
 *   <li>JDK 17–24: 6×2L in its split form ({@link GemmMicroKernels#kernel6x2Split}, see {@link #SPLIT6}).
 *       Eight accumulators (4×2L) leave an FMA pipe idle whenever a load is late — a C 4×16 kernel on
 *       L1-resident panels reads 0.5–0.65 of the FMA peak here, a 6×16 one 0.75–0.98 — but this C2 spills
 *       the plain 6×2L kernel (20 live vectors). The split form does not; A/B against 4×2L, time ratio: 0.80–0.93
 *       at 1024³ and 2048³, 0.88–1.12 at 256³, 0.89–1.04 at 512³, 0.93–1.16 on (512,512,64) NT, 0.98 on
 *       (512,64,512), 1.00–1.03 on squares at 128 bits. Earlier, against 4×2L's 72/72 GFLOPS at 512³/1024³: plain 6×2L 50/49,
 *       5×2L 69/66, 3×3L 53/54, 4×3L 35;</li>
 *   <li>JDK 25: 6×2L: 512³/1024³ at 88/83 GFLOPS against 75/70 for 4×2L in the same runs (C2 there keeps
 *       15 live vectors in registers), 3×3L 80/81, 4×3L 36. At 128 bits 6×2L 47/47, 4×2L 41/47. The split
 *       form on every JDK, packed A and A's rows copied for a narrow C alike (see {@link #SPLIT6} and
 *       {@link #COPY_ROW_TILES} for why). {@code -Dattn4j.gemm.split6=false} picks the inline form for both;</li>
 *   <li>512 bits (AVX-512, 32 vector registers), measured on Zen 5 (two 512-bit FMA pipes): 12×2L (24
 *       accumulators, 27 live vectors) from JDK 25 on, 8×2L (16 accumulators) before. In A/B runs (time ratio
 *       8×2L / 12×2L) on JDK 25: 512³ 1.03, 1024³ 1.03, 2048³ 1.05, 1000³ 1.04, (512, 64, 512) 0.99; on JDK 17
 *       12×2L loses (0.94–0.97 on squares, and its in-place-A form runs P·V at 0.64×: 115 against 148 GFLOPS
 *       for the 8-row one alone on L1-resident panels). Alone, on panels in L1/L2, the 8×2L kernel reads
 *       0.88–0.95 of the FMA peak and 12×2L 0.9–0.96; 8×3L and 6×4L (24 accumulators as well) ran the
 *       squares at 0.69–0.85 and 0.77–0.81 of the peak, against 0.80–0.87 for 8×2L in the same runs. Both
 *       512-bit kernels leave their accumulators raw for {@link GemmMicroKernels#updateTile} (see
 *       {@link GemmMicroKernels#kernel8x2} for why); against the inline update, time ratio 0.99–1.01 for 12×2L
 *       on JDK 25 (512³–2048³, P·V), 0.98–0.99 for 8×2L on JDK 17 at 1024³/2048³ and 0.92–0.93 at 512³ and on
 *       P·V.</li>
 * </ul>
 * {@code -Dattn4j.gemm.tile=MRxNV} overrides it for tuning
 * (4x2, 5x2, 6x2, 4x3, 3x3, 8x2, 12x2). The cache blocks follow from the tile and assumed cache sizes
 * (L1d 32–48 KiB, L2 512 KiB–1 MiB, L3 ≥ 8 MiB, typical of current x86 and Arm server cores):
 * <ul>
 *   <li>KC: KC = 128 KiB / (4·NR), a multiple of 8, clamped to [128, 1024] — 1024 at every width, so the Bp
 *       micro-panel (KC×NR floats, 32–128 KiB) streams from L2 rather than sitting in L1. Each longer depth
 *       block measured faster on Zen 3, in alternating runs (A/B, time ratio): half of L1 (256 at 256 bits) was
 *       the first choice; all of L1 (512) ran 1024³ at 73–75 against 69–71 GFLOPS on JDK 17 and 2048³ at 72–75
 *       against 66–68; two L1s (1024), against 512 with the 6×2L tile: 1024³ 0.92–0.99×, 2048³ 0.94–0.99×
 *       (two runs each on JDK 17 and 25), 1024³ at 128 bits 0.96–0.98×, 512³ 1.00–1.01×, (512, 64, 512)
 *       1.00×, (2048, 2048, 64) NT 1.02×, (2048, 64, 2048) 0.99–1.12× (1.12 in one of three runs). The longer
 *       block makes fewer passes over C and fewer packing passes, and the micro-panels stream from L2 either
 *       way (a 6×2L kernel alone on L2-resident panels reaches 0.9–0.98 of the FMA peak here in the machine's
 *       fast phases, as the C one does); at 2048 (4 L1s, MC down to 30 rows) 2048³ measured 0.90× on JDK 25
 *       (two runs) but 1.01× on JDK 17, and 1024³ 1.01–1.02× on both. At 512 bits (Zen 5) 1024 against 512:
 *       8×2L on JDK 17 1024³ 0.91×, 2048³ 0.93×, 1000³ 0.87×, 512³ 0.99×; 12×2L on JDK 25 0.96–1.00×; 256 and
 *       384 were slower than 512 on both tiles (0.61–0.81 of the peak against 0.80–0.87);</li>
 *   <li>MC: the Ap block MC×KC takes half of L2: MC = 256 KiB / (4·KC), rounded down to a multiple of MR (the
 *       6-row tile's micro-panels are padded to 8 floats per step, see {@link #AS}, so its block takes 8/6 of
 *       that: sizing MC by the padded bytes instead, 96 rows against 126 at KC = 512, measured the same on
 *       JDK 25);</li>
 *   <li>NC: the Bp panel KC×NC stays well inside L3: NC = 4 MiB / (4·KC), a multiple of NR (8 MiB, one column
 *       panel for 2048³ instead of two, measured 0.98–1.01× the time on JDK 17 and 25).</li>
 * </ul>
 *
 * <p>Pack buffers and scratch are per thread and reused (they grow to at most KC·NC + MC·(KC + 16) floats); a call
 * allocates nothing proportional to m·n·k.
 */
final class SimdGemm {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final Class<FloatVector> V = VectorWidth.VECTOR;
    private static final int L = VectorWidth.LANES;

    /** The tile property for tuning: {@code MRxNV}, e.g. {@code 4x2}. */
    static final String TILE_PROPERTY = "attn4j.gemm.tile";

    /** The depth-block property for tuning (a positive multiple of 8); the default is derived below. */
    static final String KC_PROPERTY = "attn4j.gemm.kc";

    /** Rows of the register tile. */
    static final int MR;
    /** Vectors per row of the register tile. */
    static final int NV;
    /** Columns of the register tile, NV·L. */
    static final int NR;
    /** Depth block (L1). */
    static final int KC;
    /** Row block of A (L2). */
    static final int MC;
    /** Column block of B (L3). */
    static final int NC;
    /** Floats per depth step of a packed A micro-panel: MR, or 8 for the 6-row tile (see GemmMicroKernels.STEP6). */
    static final int AS;
    /**
     * The micro-kernel, as an index into {@link #TILES}, or {@link #SPLIT_6X2}; a constant so the dispatch folds.
     */
    private static final int KERNEL;
    /** {@link #KERNEL} for the 6×2 tile in its split form (see {@link #SPLIT6}), past the indices of TILES. */
    private static final int SPLIT_6X2 = 7;

    /** The property choosing the 6×2 kernel's form: {@code true} for the split one, {@code false} for the inline one. */
    static final String SPLIT6_PROPERTY = "attn4j.gemm.split6";
    /**
     * Whether the 6×2 tile runs {@link GemmMicroKernels#kernel6x2Split} rather than {@link GemmMicroKernels#kernel6x2}
     * on packed A: by default on every JDK. Both give the same bits. JDK 25 ran the inline form as fast in a fresh
     * JVM, but once a product deeper than KC had run (a later depth block: the update's accumulate mode) C2
     * recompiled it into slower code for every product after it: at 256 bits (`GemmBench`, AVX-512 machine run
     * with {@code -XX:MaxVectorSize=32}) 512³ read 0.87 of the peak before a 2048³ product and 0.72 after it (2048³
     * itself 0.72), 257³ 0.79 and 0.66; with the split form, which leaves raw accumulators for {@link
     * GemmMicroKernels#updateTile} and has no mode branch, 0.90 / 0.79 before and 0.88 / 0.78 after (2048³ 0.91), and
     * the same at 128 bits (2048³ 0.72 against 0.91). The same form serves A read in place ({@link
     * GemmMicroKernels#kernel6x2sSplit}, and a narrow C's row tiles, {@link #COPY_ROW_TILES}): JDK 25 read (512, 64,
     * 512) at 0.89–0.91 of the peak with the inline in-place form at 256 and 128 bits, but 0.73–0.76 once a product
     * deeper than KC had run; the split form on row tiles reads it at 0.88–0.91 before and after.
     */
    static final boolean SPLIT6;
    /** Where in the scratch tile the split kernel leaves its raw accumulators (past the fringe's C copy). */
    private static final int ACC_OFF;
    /**
     * Whether {@link #KERNEL} leaves raw accumulators at {@link #ACC_OFF} for {@link GemmMicroKernels#updateTile}
     * (the 6×2 split form, 8×2 and 12×2) rather than updating C itself; a constant, so the check folds.
     */
    private static final boolean RAW_ACCUMULATORS;
    /**
     * Whether a narrow C on the split 6×2 tile copies each tile's six rows of op(A) (kc floats
     * each) into a per-thread row tile, {@link #ROW_STRIDE} apart, and runs all of C's column tiles from it with
     * {@link GemmMicroKernels#kernel6x2rSplit} ({@link #kernelStrided} takes it at that stride), rows of tiles
     * outer. Read in place, each broadcast's row is a run-time
     * stride away and costs two integer operations per row and step (about 37 instructions per 12 FMAs, which
     * keeps the front end, not the FMA pipes, busy); at a constant stride it is a displacement. The copy reads A
     * once, where the in-place walk read it once per column tile. GemmBench (512, 64, 512), one JVM running it
     * before and after (2048, 64, 2048): JDK 17 0.75 → 0.87 at 256 bits, 0.69 → 0.85 at 128, 0.77 → 0.87 with 16
     * registers ({@code -XX:UseAVX=2}); JDK 25 (against the inline in-place form, after the deep product) 0.76 →
     * 0.88 and 0.73 → 0.91. The 8×2 and 12×2 tiles (512 bits) keep A in place: their row tiles, 8 or 12 rows of
     * up to KC floats, do not fit L1 with B's micro-panel ((2048, 64, 2048) 0.84 → 0.75 on JDK 17).
     * {@code -Dattn4j.gemm.rowTiles=false} turns it off. Same operations on the same values, so the same bits.
     */
    static final boolean COPY_ROW_TILES;
    /** The property that can turn {@link #COPY_ROW_TILES} off. */
    static final String ROW_TILES_PROPERTY = "attn4j.gemm.rowTiles";

    /** The property choosing the A micro-panel layout of the 8×2 and 12×2 tiles: {@code false} for [p][MR]. */
    static final String ROW_PANELS_PROPERTY = "attn4j.gemm.rowPanels";
    /**
     * Whether A micro-panels are packed as rows, element (r, p) at {@code r·ROW_STRIDE + p}, for the row-form
     * micro-kernels ({@link GemmMicroKernels#kernel6x2rSplit}, {@link GemmMicroKernels#kernel8x2r}, {@link
     * GemmMicroKernels#kernel12x2r}), instead of depth steps of MR floats: the default for the split 6×2, 8×2 and 12×2
     * tiles. Packing a row-major op(A) is then a copy of each row (the [p][MR] layout is a transpose, 0.3–0.7 ns per
     * float here, which was 4% of GEMM 1024³ and 10% of (512, 512, 64) NT); same operations on the same values, so
     * the same bits. For the 6×2 tile at 256 bits (not 128, below), GemmBench, row panels against depth steps,
     * separate JVMs (Zen 4): JDK 17 256³ 0.847 → 0.873, 257³ 0.785 → 0.846, 1023³ 0.880 → 0.892, (2048, 2048, 64) NT
     * 0.822 → 0.846; JDK 25 256³ 0.845 → 0.904, 257³ 0.796 → 0.844, 1023³ 0.892 → 0.912; A/B in one JVM (JDK 17,
     * both orders) 257³ 0.94–0.96× the time. At 128 bits (L = 4) the same A/B read 257³ 0.99×, 1024³ 1.02×, 2048³ NT
     * 1.03–1.04×, (2048, 2048, 64) NT 0.99–1.03×, and GemmBench (2048, 2048, 64) NT / (512, 512, 64) NT 0.816 /
     * 0.795 against 0.839 / 0.814 with depth steps (JDK 17): there the 6×2 tile keeps the [p][8] layout.
     */
    static final boolean ROW_PANELS;
    /**
     * Floats between the rows of a row-packed A micro-panel: KC + 16, so that rows of a panel do not start
     * at the same offset modulo 4 KiB (where loads of different rows would compete for one L1 set).
     */
    static final int ROW_STRIDE;

    /** The register tiles there is a micro-kernel for, as {MR, NV}. */
    static final int[][] TILES = {{4, 2}, {5, 2}, {6, 2}, {4, 3}, {3, 3}, {8, 2}, {12, 2}};

    /** Widths of C up to this read op(A) in place instead of packing it (see {@link #gemmPacked}). */
    static final int IN_PLACE_A_MAX_N = 64;

    /** Depths up to this walk the tiles row by row (see {@link #gemmPacked}). */
    static final int SHORT_DEPTH = 128;

    /** Half of an assumed 512 KiB L2, in floats: the Bp panel budget on the short-depth walk. */
    static final int L2_HALF_FLOATS = 64 * 1024;

    /** Largest m that takes the direct (unpacked) path when B is not transposed. */
    static final int DIRECT_MAX_M = 2;

    /**
     * Width of the per-row accumulator strip of the direct path: 64 KiB, in L2 (the strip is loaded and stored once
     * per eight rows of B). Each strip reads B as rows of its width, so narrow strips cut B's rows into short
     * streams: the decode step's scores (q·Kᵀ, K as 64 rows of 32,768) ran 1.03–1.06× faster with 8192-float strips
     * than with 4096 (16 KiB, within L1), and 1.04–1.05× faster again with 16,384 (A/B in one JVM, JDK 17, Zen 5);
     * 32,768 measured the same as 16,384 (0.99–1.03×), 2048 slower (0.94–0.95×).
     */
    static final int DIRECT_STRIP = 16384;

    /**
     * The species of the direct path, which streams B from memory with one FMA per float: at most 256 bits ({@link
     * VectorWidth#STREAM_SPECIES}, where 512-bit loads split cache lines). Every element is the same FMA chain at any
     * width, so the same bits.
     */
    static final VectorSpecies<Float> SD = VectorWidth.STREAM_SPECIES;
    /** SD's concrete vector class, for {@code VD.cast} (see {@link VectorWidth#VECTOR}). */
    private static final Class<FloatVector> VD = VectorWidth.STREAM_VECTOR;
    private static final int LD = SD.length();

    static {
        int[] tile = chooseTile(System.getProperty(TILE_PROPERTY), S.vectorBitSize(), Runtime.version().feature());
        int kernel = -1;
        for (int t = 0; t < TILES.length; t++) {
            if (TILES[t][0] == tile[0] && TILES[t][1] == tile[1]) {
                kernel = t;
            }
        }
        String split = System.getProperty(SPLIT6_PROPERTY);
        boolean chosen = split != null && !split.isBlank();
        SPLIT6 = !chosen || Boolean.parseBoolean(split.trim());
        KERNEL = kernel == 2 && SPLIT6 ? SPLIT_6X2 : kernel;
        RAW_ACCUMULATORS = leavesRaw(KERNEL);
        MR = tile[0];
        NV = tile[1];
        NR = NV * L;
        ACC_OFF = MR * NR;
        AS = MR == 6 ? GemmMicroKernels.STEP6 : MR;
        KC = Integer.getInteger(KC_PROPERTY, Math.max(128, Math.min(1024, (128 * 1024 / (4 * NR)) / 8 * 8)));
        if (KC < 1) {
            throw new IllegalArgumentException("-D" + KC_PROPERTY + "=" + KC + " is not a positive depth block");
        }
        MC = Math.max(MR, (256 * 1024 / (4 * KC)) / MR * MR);
        NC = Math.max(NR, (4 * 1024 * 1024 / (4 * KC)) / NR * NR);
        String rows = System.getProperty(ROW_PANELS_PROPERTY);
        ROW_PANELS = (KERNEL == 5 || KERNEL == 6 || KERNEL == SPLIT_6X2 && L >= 8)
                && (rows == null || rows.isBlank() || Boolean.parseBoolean(rows.trim()));
        ROW_STRIDE = KC + 16;
        String copy = System.getProperty(ROW_TILES_PROPERTY);
        COPY_ROW_TILES = KERNEL == SPLIT_6X2 && (copy == null || copy.isBlank() || Boolean.parseBoolean(copy.trim()));
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** Per-thread reused buffers. */
    private static final class Workspace {
        float[] packedA = new float[0];
        float[] packedB = new float[0];
        float[] nextPackedB = new float[0];
        final float[] tile = new float[2 * MR * NR];
        float[] strip = new float[0];
        float[] rowTile = new float[0];

        float[] packedA(int size) {
            return packedA = VectorWidth.atLeast(packedA, size);
        }

        float[] packedB(int size) {
            return packedB = VectorWidth.atLeast(packedB, size);
        }

        /** The direct path's accumulator strip, grown to the widest strip this thread has used (≤ DIRECT_STRIP). */
        float[] strip(int size) {
            return strip = VectorWidth.atLeast(strip, size);
        }

        /** A second op(B) buffer, for the next block's part while the steps of a parallel GEMM read the first. */
        float[] nextPackedB(int size) {
            return nextPackedB = VectorWidth.atLeast(nextPackedB, size);
        }
    }

    private SimdGemm() {
    }

    /** Parses {@code MRxNV} or picks the default tile for a vector size in bits and a JDK feature release. */
    static int[] chooseTile(String spec, int bits, int jdk) {
        if (spec == null || spec.isBlank()) {
            return bits >= 512 ? new int[] {jdk >= 25 ? 12 : 8, 2} : new int[] {6, 2};
        }
        String[] parts = spec.trim().toLowerCase().split("x");
        if (parts.length == 2) {
            try {
                int mr = Integer.parseInt(parts[0]);
                int nv = Integer.parseInt(parts[1]);
                for (int[] t : TILES) {
                    if (t[0] == mr && t[1] == nv) {
                        return new int[] {mr, nv};
                    }
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        StringBuilder known = new StringBuilder();
        for (int[] t : TILES) {
            known.append(known.length() == 0 ? "" : ", ").append(t[0]).append('x').append(t[1]);
        }
        throw new IllegalArgumentException("-D" + TILE_PROPERTY + "=" + spec + " is not one of " + known);
    }

    /** A one-line description of the tile and blocks, for logs and benchmark reports. */
    static String describe() {
        return "tile " + MR + "x" + NR + " (" + MR + "x" + NV + " vectors of " + L
                + (KERNEL == SPLIT_6X2 ? ", split" : "")
                + (ROW_PANELS ? ", A in row panels" : "") + "), KC=" + KC + ", MC=" + MC + ", NC=" + NC
                + (SD != S ? ", direct path on " + SD.vectorBitSize() + "-bit vectors" : "");
    }

    /** True when {@link #gemm} takes the direct path for this problem. */
    static boolean usesDirectPath(boolean transB, int m, int n, int k) {
        return !transB && m <= DIRECT_MAX_M;
    }

    /** {@code C = α·op(A)·op(B) + β·C}; arguments as in {@code Kernels.gemm}, already checked, m, n ≥ 1. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (usesDirectPath(transB, m, n, k)) {
            gemmDirect(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            gemmPacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** C = β·C, without reading C when β = 0 (the k = 0 case). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta * c[row + j];
                }
            }
        }
    }

    // ---- packed path ----

    /**
     * {@code C = α·op(A)·op(B) + bias_j}: the floats of the rows of C set to the bias and then {@link #gemm} with
     * β = 1 (Kernels.gemmBias); the packed paths take the bias in the first depth block (see {@link #block}), or set
     * each block's rows just before it.
     */
    static void gemmBias(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (k == 0 || usesDirectPath(transB, m, n, k)) {
            setRows(bias, biasOff, 0, m, n, c, cOff, ldc);
            gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc);
        } else {
            gemmPacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, 1f, c, cOff, ldc, bias, biasOff, null);
        }
    }

    /**
     * op(B) packed once for {@link #gemmPrepacked}, from its plain row-major form (k×n, k, n ≥ 1): every depth block
     * of KC rows packed over all n columns as {@link #packB} packs a block (column micro-panel jr at {@code jr·kc}),
     * the block starting at {@link #prepackedBase}, a multiple of its depth, so that a block's micro-panels are
     * addressed by a whole column shift.
     */
    static float[] prepack(float[] plain, int k, int n) {
        int lastPc = (k - 1) / KC * KC;
        long size = (long) prepackedBase(lastPc, k, n) + (long) (k - lastPc) * roundUp(n, NR);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("pack: op(B) of " + k + " × " + n + " is too large to pack");
        }
        float[] pre = new float[(int) size];
        for (int pc = 0; pc < k; pc += KC) {
            packB(false, plain, 0, n, pc, Math.min(KC, k - pc), 0, n, pre, prepackedBase(pc, k, n));
        }
        return pre;
    }

    /** Where depth block pc starts in {@link #prepack}'s layout: after the blocks before it, rounded up to its depth. */
    static int prepackedBase(int pc, int k, int n) {
        int kc = Math.min(KC, k - pc);
        long after = (long) pc * roundUp(n, NR);
        return (int) ((after + kc - 1) / kc * kc);
    }

    /**
     * {@code C = α·op(A)·B (+ bias)} with B prepacked ({@link #prepack}; k, n ≥ 1): the floats of {@link #gemm} (β = 0)
     * or {@link #gemmBias} on the plain B; the packed paths skip packing B, the others use the plain form.
     */
    static void gemmPrepacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] plain, float[] pre, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (usesDirectPath(false, m, n, k)) {
            if (bias != null) {
                gemmBias(transA, false, m, n, k, alpha, a, aOff, lda, plain, 0, n, bias, biasOff, c, cOff, ldc);
            } else {
                gemm(transA, false, m, n, k, alpha, a, aOff, lda, plain, 0, n, 0f, c, cOff, ldc);
            }
            return;
        }
        gemmPacked(transA, false, m, n, k, alpha, a, aOff, lda, plain, 0, n, bias != null ? 1f : 0f, c, cOff, ldc,
                bias, biasOff, pre);
    }

    /** The packed path for any shape (k ≥ 1); package-private so tests can pin the path. */
    static void gemmPacked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        gemmPacked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0, null);
    }

    /**
     * The packed path; with a bias (β = 1), the first depth block takes it in its tiles' updates ({@link #block}), or,
     * on the short-depth and in-place-A walks, the rows of each block of C are set to it just before that block.
     */
    private static void gemmPacked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc, float[] bias, int biasOff,
                                   float[] pre) {
        Workspace ws = WORKSPACE.get();
        // Short depth (attention's k = d_head = 64): a tile's work is too short to hide C's cache misses when
        // consecutive tiles sit in different rows, so walk the tiles row-major (C written as sequential rows)
        // and keep the whole Bp panel in half of L2 instead of one micro-panel in L1.
        boolean shortDepth = k <= SHORT_DEPTH;
        int ncBlock = shortDepth ? Math.max(NR, Math.min(NC, L2_HALF_FLOATS / k / NR * NR)) : NC;
        int ncMax = Math.min(ncBlock, roundUp(n, NR));
        // Narrow C (attention's P·V with n = d_head = 64): packing A costs about as much as one pass of tiles
        // over it, and there are only n/NR passes, so the tiles read op(A) in place instead, row by row. (With
        // ROW_PANELS packing is a row copy; packing anyway measured (N, 64, N) N = 512 / 1024 / 2048 at time
        // ratio 0.97 / 0.91 / 0.89 on JDK 17 and N = 512 / 2048 at 0.91 / 0.84 on JDK 25, so A stays in place.)
        boolean inPlaceA = readsAInPlace(transA, n);
        int mcMax = Math.min(MC, roundUp(m, MR));
        float[] bp = pre != null ? pre : ws.packedB(Math.min(KC, k) * ncMax);
        float[] ap = ws.packedA(panelOffset(mcMax, Math.min(KC, k)));
        float[] tile = ws.tile;
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                // B's micro-panel at column jr of this block: bp[(jr + shift)·kc …] (see prepack)
                int shift = 0;
                if (pre != null) {
                    shift = prepackedBase(pc, k, n) / kc + jc;
                } else {
                    packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
                }
                int mode = GemmMicroKernels.mode(pc, beta);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (bias != null && pc == 0 && (inPlaceA || shortDepth)) {
                        setRows(bias, biasOff + jc, ic, mc, nc, c, cOff + jc, ldc);
                    }
                    if (inPlaceA) {
                        // full MR-row tiles read op(A) where it is; only the last partial one is packed
                        int full = mc / MR * MR;
                        if (full < mc) {
                            packA(transA, a, aOff, lda, ic + full, mc - full, pc, kc, ap);
                        }
                        int aBlock = aOff + ic * lda + pc;
                        int cBlock = cOff + ic * ldc + jc - shift;
                        if (shortDepth || COPY_ROW_TILES) {
                            for (int ir = 0; ir < mc; ir += MR) {
                                // a full tile's rows copied into a row tile (see COPY_ROW_TILES), read from there
                                float[] rows = COPY_ROW_TILES && ir < full ? copyRowTile(ws, a, aBlock + ir * lda, lda, kc)
                                        : null;
                                for (int jr = 0; jr < nc; jr += NR) {
                                    int nr = Math.min(NR, nc - jr);
                                    if (rows != null) {
                                        tileInPlaceA(kc, rows, 0, ROW_STRIDE, bp, jr + shift, nr, c,
                                                cBlock + ir * ldc + jr + shift, ldc, alpha, beta, mode, tile);
                                    } else {
                                        tileOfRows(kc, a, aBlock, lda, ap, full, ir, mc, bp, jr + shift, nr, c, cBlock,
                                                ldc, alpha, beta, mode, tile);
                                    }
                                }
                            }
                        } else {
                            for (int jr = 0; jr < nc; jr += NR) {
                                int nr = Math.min(NR, nc - jr);
                                for (int ir = 0; ir < mc; ir += MR) {
                                    tileOfRows(kc, a, aBlock, lda, ap, full, ir, mc, bp, jr + shift, nr,
                                            c, cBlock, ldc, alpha, beta, mode, tile);
                                }
                            }
                        }
                        continue;
                    }
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    if (shortDepth) {
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            for (int jr = 0; jr < nc; jr += NR) {
                                tile(kc, ap, ir, bp, jr + shift, mr, Math.min(NR, nc - jr),
                                        c, cOff + (ic + ir) * ldc + jc + jr, ldc, alpha, beta, mode, tile);
                            }
                        }
                    } else {
                        block(kc, ap, bp, mc, shift, nc + shift, c, cOff + ic * ldc + jc - shift, ldc, alpha, beta,
                                mode, tile, pc == 0 ? bias : null, biasOff + jc - shift);
                    }
                }
            }
        }
    }

    /**
     * Whether the packed path reads A in place (narrow C): only rows of a row-major op(A), since the strided
     * micro-kernels take depth stride 1; a transposed A is packed.
     */
    static boolean readsAInPlace(boolean transA, int n) {
        return n <= IN_PLACE_A_MAX_N && !transA;
    }

    /**
     * The tiles of columns [j0, nc) of one packed block of mc rows of C at ci (column j at ci + j, B's micro-panel
     * at bp[j·kc]), column micro-panel by column micro-panel. With a bias (first depth block, β = 1, mode
     * FIRST_BETA), column j's bias at bias[biasCol + j] stands for C's old value: full tiles of a kernel with raw
     * accumulators take it in their update ({@link GemmMicroKernels#updateTileBias}: fma(α, acc, bias_j), the
     * floats of fma(α, acc, 1·c) on rows set to it), without writing C first and reading it back; other tiles
     * get their rows set to it just before they run.
     */
    private static void block(int kc, float[] ap, float[] bp, int mc, int j0, int nc, float[] c, int ci, int ldc,
                              float alpha, float beta, int mode, float[] tile, float[] bias, int biasCol) {
        for (int jr = j0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int cij = ci + ir * ldc + jr;
                if (SIXTEEN_ROW_FRINGE && nr <= L && ir + 2 * MR <= mc && kc <= SIXTEEN_ROW_MAX_KC) {
                    if (bias != null) {
                        setRows(bias, biasCol + jr, 0, 2 * MR, nr, c, cij, ldc);
                    }
                    sixteenRows(kc, ap, panelOffset(ir, kc), bp, jr * kc, nr, c, cij, ldc, alpha, beta, mode, tile);
                    ir += MR;
                    continue;
                }
                if (bias != null) {
                    if (RAW_ACCUMULATORS && mr == MR && nr == NR) {
                        rawKernel(kc, ap, panelOffset(ir, kc), bp, jr * kc, c, cij, ldc, GemmMicroKernels.FIRST_BETA0,
                                tile, ACC_OFF, NR);
                        GemmMicroKernels.updateTileBias(tile, ACC_OFF, MR, NR, bias, biasCol + jr, c, cij, ldc, alpha);
                        continue;
                    }
                    setRows(bias, biasCol + jr, 0, mr, nr, c, cij, ldc);
                }
                tile(kc, ap, ir, bp, jr, mr, nr, c, cij, ldc, alpha, beta, mode, tile);
            }
        }
    }

    /** Row tiles per step in the last rows of a depth block of {@link #gemmShared}. */
    static final int TAIL_TILES = 2;

    /**
     * Depth steps per chunk when packing a transposed op(B) (see {@link #packB}). Packing a 1024 × 1024 block alone
     * on Zen 5: 0.40 ns per float against 0.75 unchunked (16: 0.73, 32: 0.56, 128: 0.56); in GEMM 1024³ NT and
     * (N, N, 64) NT the time ratio was within noise (0.98–1.01), where packing B is 4% of the time.
     */
    private static final int PACK_BT_DEPTH = 64;

    /** Rows of B per chunk when packing a non-transposed op(B) (see {@link #packB}). */
    private static final int PACK_B_ROWS = 8;

    /** Column micro-panels per step when op(B) is packed in parallel. */
    private static final int PACK_STEP_PANELS = 8;

    /**
     * The packed path with its independent steps run through {@code steps} (for parallel kernels): per depth
     * block, op(B)'s block is packed once, in column chunks run as steps, into one of the calling thread's two
     * buffers, which every step then reads; each block of MC/2 rows of C runs as a step (the last rows in blocks of
     * {@link #TAIL_TILES} row tiles), packing its rows of op(A) into its own thread's buffer. The chunks of the
     * next depth block (or column panel) are steps of the same {@code run} as the current block's rows, before
     * its short tail blocks, packing into the other buffer. The first block's chunks are packed on demand by its
     * row steps ({@link FirstPack}), so that packing overlaps the first rows' FMAs (A/B on 2 threads, against a
     * packing batch before the rows: GEMM 1024³ and 2048³ NN 1.01–1.02× the speed). Each element of C gets
     * the operations of {@link #gemmPacked}, in the same order, so the floats do not depend on how the steps are
     * run. Returns false, doing nothing, for the problems
     * {@link #gemm} serves another way (k = 0, the direct path, short depth, A read in place for a narrow C):
     * parallel kernels split those into panels.
     */
    static boolean gemmShared(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, Kernels.Steps steps) {
        return gemmShared(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, 0,
                null, steps);
    }

    /**
     * {@link #gemmShared}; with a bias (β = 1), each step's first depth block takes it in its tiles ({@link #block});
     * with op(B) prepacked ({@link #prepack}, op(B) = b as given, not transposed), no packing steps, every block's
     * micro-panels read from pre.
     */
    static boolean gemmShared(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc, float[] bias, int biasOff, float[] pre,
                              Kernels.Steps steps) {
        if (k == 0 || usesDirectPath(transB, m, n, k) || k <= SHORT_DEPTH || readsAInPlace(transA, n)) {
            return false;
        }
        int ncMax = Math.min(NC, roundUp(n, NR));
        int kcMax = Math.min(KC, k);
        Workspace own = WORKSPACE.get();
        float[][] bp = pre != null ? new float[][] {pre, pre}
                : new float[][] {own.packedB(kcMax * ncMax), own.nextPackedB(kcMax * ncMax)};
        // half-height row blocks: twice the steps to balance between threads of unequal speed; the last rows (at
        // least one block's worth) go in blocks of TAIL_TILES row tiles, run last, so that threads finish a depth
        // block within a short step of each other (the bits do not depend on the block heights)
        int mcStep = Math.max(MR, MC / 2 / MR * MR);
        int tailStep = TAIL_TILES * MR;
        int mcMax = Math.min(Math.max(mcStep, tailStep), roundUp(m, MR));
        int head = Math.max(0, m / mcStep - 1);
        int tail = (m - head * mcStep + tailStep - 1) / tailStep;
        int chunk = PACK_STEP_PANELS * NR;
        int depthBlocks = (k + KC - 1) / KC;
        int panels = (n + NC - 1) / NC;
        int last = panels * depthBlocks - 1;
        // block t = (column panel t / depthBlocks, depth block t % depthBlocks); op(B)'s part for block t + 1 is
        // packed, into the other buffer, by steps placed between block t's full row blocks and its tail blocks:
        // one hand-off per block, with every step of the hand-off short
        // block 0's op(B) is packed on demand, chunk by chunk, by the row steps of block 0 (see FirstPack): packing
        // alone, the threads would share the memory bandwidth and compute nothing
        FirstPack first = new FirstPack(packSteps(n, 0, depthBlocks, chunk),
                q -> packStep(transB, b, bOff, ldb, k, n, 0, depthBlocks, chunk, q, bp[0]));
        for (int t = 0; t <= last; t++) {
            int jc = t / depthBlocks * NC;
            int pc = t % depthBlocks * KC;
            int nc = Math.min(NC, n - jc);
            int kc = Math.min(KC, k - pc);
            int mode = GemmMicroKernels.mode(pc, beta);
            float[] cur = bp[t & 1];
            float[] next = bp[(t + 1) & 1];
            int tn = t + 1;
            int packs = t < last && pre == null ? packSteps(n, tn, depthBlocks, chunk) : 0;
            boolean firstBlock = t == 0 && pre == null;
            float[] firstBias = pc == 0 ? bias : null;
            // B's micro-panel at column jr of this block: cur[(jr + shift)·kc …] (prepacked, see prepack), or
            // cur[jr·kc …]
            int shift = pre != null ? prepackedBase(pc, k, n) / kc + jc : 0;
            steps.run(head + packs + tail, s -> {
                if (s >= head && s < head + packs) {
                    packStep(transB, b, bOff, ldb, k, n, tn, depthBlocks, chunk, s - head, next);
                    return;
                }
                int ic = s < head ? s * mcStep : head * mcStep + (s - head - packs) * tailStep;
                int mc = Math.min(s < head ? mcStep : tailStep, m - ic);
                Workspace ws = WORKSPACE.get();
                float[] ap = ws.packedA(panelOffset(mcMax, kcMax));
                packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                if (!firstBlock) {
                    block(kc, ap, cur, mc, shift, nc + shift, c, cOff + ic * ldc + jc - shift, ldc, alpha, beta, mode,
                            ws.tile, firstBias, biasOff + jc - shift);
                    return;
                }
                for (int g = 0; g * chunk < nc; g++) {
                    first.ensure(g);
                    block(kc, ap, cur, mc, g * chunk, Math.min(nc, (g + 1) * chunk), c, cOff + ic * ldc + jc, ldc,
                            alpha, beta, mode, ws.tile, firstBias, biasOff + jc);
                }
            });
        }
        return true;
    }

    /**
     * The chunks of the first block's op(B) in {@link #gemmShared}, packed on demand: a step that needs chunk g
     * and finds it not ready claims the next unclaimed chunk (in increasing order) and packs it, until g is ready.
     * Chunks are claimed only by threads that then pack them at once, so a wait is only ever for a chunk another
     * running thread is packing: no order or number of threads can deadlock it, and a step run alone packs
     * everything itself. Packing moves floats only, so the results do not depend on who packs what.
     */
    private static final class FirstPack {
        private final int chunks;
        private final IntConsumer pack;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicIntegerArray ready;
        private volatile boolean failed;

        FirstPack(int chunks, IntConsumer pack) {
            this.chunks = chunks;
            this.pack = pack;
            this.ready = new AtomicIntegerArray(chunks);
        }

        void ensure(int g) {
            while (ready.get(g) == 0) {
                if (failed) {
                    throw new IllegalStateException("packing op(B) failed in another step");
                }
                int q = next.getAndIncrement();
                if (q < chunks) {
                    try {
                        pack.accept(q);
                    } catch (RuntimeException | Error e) {
                        failed = true;
                        throw e;
                    }
                    ready.set(q, 1);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    }

    /** Pack steps (column chunks) of op(B)'s part for block t of {@link #gemmShared}. */
    private static int packSteps(int n, int t, int depthBlocks, int chunk) {
        int nc = Math.min(NC, n - t / depthBlocks * NC);
        return (nc + chunk - 1) / chunk;
    }

    /** Pack step s of block t of {@link #gemmShared}: one column chunk of op(B)'s part, into bp. */
    private static void packStep(boolean transB, float[] b, int bOff, int ldb, int k, int n, int t, int depthBlocks,
                                 int chunk, int s, float[] bp) {
        int jc = t / depthBlocks * NC;
        int pc = t % depthBlocks * KC;
        int nc = Math.min(NC, n - jc);
        int kc = Math.min(KC, k - pc);
        packB(transB, b, bOff, ldb, pc, kc, jc + s * chunk, Math.min(chunk, nc - s * chunk), bp, s * chunk * kc);
    }

    /** One mr×nr tile of C at ci from micro-panels ir (of Ap) and jr (of Bp). */
    private static void tile(int kc, float[] ap, int ir, float[] bp, int jr, int mr, int nr,
                             float[] c, int ci, int ldc, float alpha, float beta, int mode, float[] tile) {
        if (mr == MR && nr == NR) {
            kernel(kc, ap, panelOffset(ir, kc), bp, jr * kc, c, ci, ldc, alpha, beta, mode, tile);
        } else if (EIGHT_ROW_FRINGE && mr == 8 && nr == NR) {
            firstRows(8, kc, ap, panelOffset(ir, kc), bp, jr * kc, c, ci, ldc, alpha, beta, mode, tile);
        } else {
            fringe(kc, ap, panelOffset(ir, kc), PACKED, bp, jr * kc, mr, nr, c, ci, ldc, alpha, beta, mode, tile);
        }
    }

    /**
     * Tile (ir, jr) of an A block read in place (at aBlock, rows rs apart) whose first {@code full} rows are
     * whole MR-row tiles; the rows past them were packed into ap.
     */
    private static void tileOfRows(int kc, float[] a, int aBlock, int rs, float[] ap, int full, int ir,
                                   int mc, float[] bp, int jr, int nr, float[] c, int cBlock, int ldc, float alpha,
                                   float beta, int mode, float[] tile) {
        int ci = cBlock + ir * ldc + jr;
        if (ir < full) {
            tileInPlaceA(kc, a, aBlock + ir * rs, rs, bp, jr, nr, c, ci, ldc, alpha, beta, mode, tile);
        } else {
            tile(kc, ap, 0, bp, jr, mc - full, nr, c, ci, ldc, alpha, beta, mode, tile);
        }
    }

    /** One MR×nr tile of C at ci whose rows of op(A) are read in place at a[aBase + r·rs + p]. */
    private static void tileInPlaceA(int kc, float[] a, int aBase, int rs, float[] bp, int jr, int nr,
                                     float[] c, int ci, int ldc, float alpha, float beta, int mode, float[] tile) {
        if (nr == NR) {
            kernelStrided(kc, a, aBase, rs, bp, jr * kc, c, ci, ldc, alpha, beta, mode, tile);
        } else {
            fringe(kc, a, aBase, rs, bp, jr * kc, MR, nr, c, ci, ldc, alpha, beta, mode, tile);
        }
    }

    /** c[cOff + i·ldc + j] = bias[biasOff + j] for rows i in [i0, i0 + rows), j &lt; n. */
    private static void setRows(float[] bias, int biasOff, int i0, int rows, int n, float[] c, int cOff, int ldc) {
        for (int i = i0; i < i0 + rows; i++) {
            System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
        }
    }

    /** The {@code rs} of {@link #fringe} for a packed A micro-panel, either layout (every in-place row stride is ≥ 1). */
    private static final int PACKED = 0;

    /**
     * A partial tile (mr &lt; MR or nr &lt; NR): the full micro-kernel (or, for nr ≤ L with the row-panel tiles, its
     * first vector alone, {@link #oneVector}) runs on a scratch tile (the padded rows and
     * columns of the micro-panels are zeros and their results are discarded), and only the valid mr×nr part
     * goes back to C. The update arithmetic is the micro-kernel's own, so fringe elements are bitwise what they
     * would be inside a full tile. A is the packed micro-panel at apOff ({@code rs == PACKED}) or rows of op(A)
     * read in place, rs apart.
     */
    private static void fringe(int kc, float[] ap, int apOff, int rs, float[] bp, int bpOff, int mr,
                               int nr, float[] c, int ci, int ldc, float alpha, float beta, int mode,
                               float[] tile) {
        // scalar tail: copy the valid part of C in (unless C must not be read), run the kernel, copy back
        if (mode != FIRST_BETA0) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(c, ci + r * ldc, tile, r * NR, nr);
            }
        }
        if (rs == PACKED && ONE_VECTOR_FRINGE && nr <= L) {
            oneVector(kc, ap, apOff, bp, bpOff, alpha, beta, mode, tile);
        } else if (rs == PACKED && FOUR_ROW_FRINGE && mr <= 4) {
            firstRows(4, kc, ap, apOff, bp, bpOff, tile, 0, NR, alpha, beta, mode, tile);
        } else if (rs == PACKED && EIGHT_ROW_FRINGE && mr <= 8) {
            firstRows(8, kc, ap, apOff, bp, bpOff, tile, 0, NR, alpha, beta, mode, tile);
        } else if (rs == PACKED) {
            kernel(kc, ap, apOff, bp, bpOff, tile, 0, NR, alpha, beta, mode, tile);
        } else {
            kernelStrided(kc, ap, apOff, rs, bp, bpOff, tile, 0, NR, alpha, beta, mode, tile);
        }
        for (int r = 0; r < mr; r++) {
            System.arraycopy(tile, r * NR, c, ci + r * ldc, nr);
        }
    }

    /**
     * Whether row fringes of at most 8 rows of the 12×2 row-panel tile run the 8×2 kernel on the panel's first 8
     * rows ({@link GemmMicroKernels#kernel8x2r}: the same accumulator chain per element and the same update, so
     * the same bits) instead of all 12, 4 of them padding.
     */
    static final boolean EIGHT_ROW_FRINGE = KERNEL == 6 && ROW_PANELS;

    /**
     * {@link #kernel} on the first {@code rows} rows of the row panel at apOff, 8 ({@link GemmMicroKernels#kernel8x2r},
     * see {@link #EIGHT_ROW_FRINGE}) or 4 ({@link GemmMicroKernels#kernel4x2r}, see {@link #FOUR_ROW_FRINGE}): a tile
     * of that many rows runs it straight on C, a shorter one through {@link #fringe}'s scratch tile.
     */
    private static void firstRows(int rows, int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff,
                                  int ldc, float alpha, float beta, int mode, float[] scratch) {
        boolean direct = straightIntoC(RAW_ACCUMULATORS, mode, alpha);
        float[] acc = direct ? c : scratch;
        int accOff = direct ? cOff : ACC_OFF;
        int ars = direct ? ldc : NR;
        if (rows == 4) {
            GemmMicroKernels.kernel4x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
        } else {
            GemmMicroKernels.kernel8x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
        }
        if (!direct) {
            GemmMicroKernels.updateTile(scratch, ACC_OFF, rows, NR, c, cOff, ldc, alpha, beta, mode);
        }
    }

    /**
     * Whether row fringes of at most 4 rows of the row-panel tiles (6×2, 8×2, 12×2) run the 4×2 kernel on the
     * panel's first 4 rows ({@link GemmMicroKernels#kernel4x2r}: the same chain per element and the same update, so
     * the same bits) instead of the whole tile's kernel on 6, 8 or 12 rows, a third of them or more padding.
     */
    static final boolean FOUR_ROW_FRINGE = ROW_PANELS && NV == 2;

    /**
     * Whether column fringes of at most L columns run the tile's first vector alone ({@link
     * GemmMicroKernels#kernel8x1r}, {@link GemmMicroKernels#kernel12x1r}): the 8×2 and 12×2 row-panel tiles, where
     * the two-vector kernel would spend half its FMAs on padding columns. (The 6×2 one has no one-vector kernel: its
     * fringes take two panels at a time, {@link #SIXTEEN_ROW_FRINGE}, or the whole tile.)
     */
    static final boolean ONE_VECTOR_FRINGE = ROW_PANELS && NV == 2 && (MR == 8 || MR == 12);

    /**
     * The first L columns of an MR×NR tile held in the scratch tile (rows NR apart, C's values copied in unless β = 0
     * on the first depth block), updated as {@link #kernel} would: the same accumulator chains and update, so the same
     * bits in those columns.
     */
    private static void oneVector(int kc, float[] ap, int apOff, float[] bp, int bpOff, float alpha, float beta,
                                  int mode, float[] tile) {
        boolean direct = straightIntoC(RAW_ACCUMULATORS, mode, alpha);
        int accOff = direct ? 0 : ACC_OFF;
        int ars = direct ? NR : L;
        if (MR == 12) {
            GemmMicroKernels.kernel12x1r(kc, ap, apOff, bp, bpOff, tile, accOff, ars);
        } else {
            GemmMicroKernels.kernel8x1r(kc, ap, apOff, bp, bpOff, tile, accOff, ars);
        }
        if (!direct) {
            GemmMicroKernels.updateTile(tile, ACC_OFF, MR, L, tile, 0, NR, alpha, beta, mode);
        }
    }

    /**
     * Whether column fringes of at most L columns in the packed blocks run two row panels at a time: two 8-row
     * panels of the 8×2 tile (JDK 17 at 512 bits, {@link GemmMicroKernels#kernel16x1r}), or two 6-row panels of
     * the 6×2 tile ({@link GemmMicroKernels#kernel12x1r}). A one-vector form of either has only 8 or 6 accumulator
     * chains, no more than the FMA latency times the pipes; the 8-row one ran 256 rows of a one-column fringe at
     * about half the full tile's rate (GemmBench, JDK 17 on Zen 5: (256, 256, 256) 0.886 of the peak,
     * (256, 257, 256) 0.790, where padding alone costs 6%), and the 6×2 tile ran its one-column fringe as a whole
     * tile, 2L columns. 257³ at 256 bits, A/B in one JVM (Zen 4, both orders), two 6-row panels against the whole
     * tile (with A then packed in depth steps): JDK 17 0.972-0.985× the time, JDK 25 0.983-0.990×.
     */
    static final boolean SIXTEEN_ROW_FRINGE = ROW_PANELS && NV == 2 && (MR == 8 || MR == 6);

    /**
     * Deepest block the two-panel fringe takes: 16 rows of 512 floats are 32 KiB, within L1d. At kc = 1000 (64 KiB
     * of A per tile) it ran 1000³ at 0.93-0.96× the speed of the 8-row form (A/B in one JVM, JDK 17, Zen 5), with
     * this limit 0.99-1.01×.
     */
    static final int SIXTEEN_ROW_MAX_KC = 512;

    /**
     * The (2·MR)×nr column-fringe tile at ci (nr ≤ L) of two row panels from apOff: raw accumulators into the
     * scratch tile, then each of the valid elements updated as {@link GemmMicroKernels#updateTile} would (the
     * same floats, see {@link GemmMicroKernels#update}), C not read on a first block with β = 0.
     */
    private static void sixteenRows(int kc, float[] ap, int apOff, float[] bp, int bpOff, int nr, float[] c, int ci,
                                    int ldc, float alpha, float beta, int mode, float[] scratch) {
        if (MR == 6) {
            GemmMicroKernels.kernel12x1r(kc, ap, apOff, bp, bpOff, scratch, 0, L);
        } else {
            GemmMicroKernels.kernel16x1r(kc, ap, apOff, bp, bpOff, scratch, 0, L);
        }
        for (int r = 0; r < 2 * MR; r++) {
            int row = ci + r * ldc;
            for (int j = 0; j < nr; j++) {
                float old = mode == FIRST_BETA0 ? 0f : c[row + j];
                c[row + j] = GemmMicroKernels.update(scratch[r * L + j], old, alpha, beta, mode);
            }
        }
    }

    /**
     * Whether a kernel that leaves raw accumulators writes them straight into C: where C's update would be the
     * identity (α = 1, β = 0, first depth block: α·acc = acc bitwise); otherwise they go to the scratch tile and
     * {@link GemmMicroKernels#updateTile} folds them in.
     */
    private static boolean straightIntoC(boolean raw, int mode, float alpha) {
        return raw && mode == GemmMicroKernels.FIRST_BETA0 && alpha == 1f;
    }

    /** Whether a micro-kernel (a {@link #KERNEL} value) leaves raw accumulators: the 6×2 split form, 8×2, 12×2. */
    private static boolean leavesRaw(int kernel) {
        return kernel == SPLIT_6X2 || kernel == 5 || kernel == 6;
    }

    /** The micro-kernel of the tile; {@code scratch} is the thread's scratch tile (the split 6×2 form uses it). */
    private static void kernel(int kc, float[] ap, int apOff, float[] bp, int bpOff,
                               float[] c, int cOff, int ldc, float alpha, float beta, int mode, float[] scratch) {
        boolean direct = straightIntoC(RAW_ACCUMULATORS, mode, alpha);
        float[] acc = direct ? c : scratch;
        int accOff = direct ? cOff : ACC_OFF;
        int ars = direct ? ldc : NR;
        switch (KERNEL) {
            case 0 -> GemmMicroKernels.kernel4x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 1 -> GemmMicroKernels.kernel5x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 2 -> GemmMicroKernels.kernel6x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 3 -> GemmMicroKernels.kernel4x3(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 4 -> GemmMicroKernels.kernel3x3(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            default -> rawKernel(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
        }
        if (RAW_ACCUMULATORS && !direct) {
            GemmMicroKernels.updateTile(scratch, ACC_OFF, MR, NR, c, cOff, ldc, alpha, beta, mode);
        }
    }

    /**
     * The micro-kernels that leave raw accumulators (6×2 split, 8×2, 12×2): the tile's sums into acc[accOff …],
     * rows ars apart; C is only touched (prefetched) unless mode is FIRST_BETA0.
     */
    private static void rawKernel(int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c, int cOff, int ldc,
                                  int mode, float[] acc, int accOff, int ars) {
        switch (KERNEL) {
            case SPLIT_6X2 -> {
                if (ROW_PANELS) {
                    GemmMicroKernels.kernel6x2rSplit(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                } else {
                    GemmMicroKernels.kernel6x2Split(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                }
            }
            case 6 -> {
                if (ROW_PANELS) {
                    GemmMicroKernels.kernel12x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                } else {
                    GemmMicroKernels.kernel12x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                }
            }
            case 5 -> {
                if (ROW_PANELS) {
                    GemmMicroKernels.kernel8x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                } else {
                    GemmMicroKernels.kernel8x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                }
            }
            default -> throw new AssertionError("tile " + MR + "x" + NV + " updates C itself");
        }
    }

    /** Copies MR rows of op(A), kc floats each from a[from + r·lda], ROW_STRIDE apart into the thread's row tile. */
    private static float[] copyRowTile(Workspace ws, float[] a, int from, int lda, int kc) {
        float[] rows = ws.rowTile = VectorWidth.atLeast(ws.rowTile, MR * ROW_STRIDE);
        for (int r = 0; r < MR; r++) {
            System.arraycopy(a, from + r * lda, rows, r * ROW_STRIDE, kc);
        }
        return rows;
    }

    /**
     * {@link #kernel} with A read in place: element (r, p) of the tile's rows at {@code a[aBase + r·rs + p]}. The
     * split 6×2 tile takes its row form ({@link GemmMicroKernels#kernel6x2rSplit}, the same bits) where rs is {@link
     * #ROW_STRIDE}, as in a row tile from {@link #copyRowTile}: the constant stride is then a displacement.
     */
    private static void kernelStrided(int kc, float[] a, int aBase, int rs, float[] bp, int bpOff,
                                      float[] c, int cOff, int ldc, float alpha, float beta, int mode,
                                      float[] scratch) {
        boolean direct = straightIntoC(RAW_ACCUMULATORS, mode, alpha);
        float[] acc = direct ? c : scratch;
        int accOff = direct ? cOff : ACC_OFF;
        int ars = direct ? ldc : NR;
        switch (KERNEL) {
            case 0 -> GemmMicroKernels.kernel4x2s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 1 -> GemmMicroKernels.kernel5x2s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 2 -> GemmMicroKernels.kernel6x2s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 3 -> GemmMicroKernels.kernel4x3s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case 4 -> GemmMicroKernels.kernel3x3s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case SPLIT_6X2 -> {
                if (rs == ROW_STRIDE) {
                    GemmMicroKernels.kernel6x2rSplit(kc, a, aBase, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                } else {
                    GemmMicroKernels.kernel6x2sSplit(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                }
            }
            case 6 -> GemmMicroKernels.kernel12x2s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
            default -> GemmMicroKernels.kernel8x2s(kc, a, aBase, rs, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
        }
        if (RAW_ACCUMULATORS && !direct) {
            GemmMicroKernels.updateTile(scratch, ACC_OFF, MR, NR, c, cOff, ldc, alpha, beta, mode);
        }
    }

    /**
     * Where packed A's micro-panel for row ir (a multiple of MR) starts, for depth kc: (ir/MR)·AS·kc. For ir = mc,
     * the floats a block of mc rows takes.
     */
    static int panelOffset(int ir, int kc) {
        return ROW_PANELS ? ir / MR * MR * ROW_STRIDE : ir / MR * AS * kc;
    }

    /**
     * Packs op(A)[ic:+mc, pc:+kc] into MR-row micro-panels: element (ir + r, p) at
     * {@code ap[(ir/MR)·AS·kc + p·AS + r]}, rows past mc zero (the AS − MR padding floats of a step are left
     * as they are: no kernel reads them). op(A)_ip is {@code a[aOff + i·lda + p]}, or {@code a[aOff + p·lda + i]}
     * when transposed.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        if (ROW_PANELS) {
            packARows(transA, a, aOff, lda, ic, mc, pc, kc, ap);
            return;
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = panelOffset(ir, kc);
            if (transA) {
                // rows of op(A) are columns of A: each p is mr contiguous floats
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = base + p * AS;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        ap[dst + r] = 0f;
                    }
                }
            } else {
                // read each row of A contiguously, write it with stride MR
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * AS + r] = a[src + p];
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * AS + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@link #packA} for {@link #ROW_PANELS}: element (ir + r, p) at {@code ap[(ir/MR)·MR·ROW_STRIDE + r·ROW_STRIDE
     * + p]}, rows past mc zero (their first kc floats; the rest of a row stride is never read).
     */
    private static void packARows(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                                  float[] ap) {
        int rows = roundUp(mc, MR);
        for (int i = 0; i < rows; i++) {
            int dst = i * ROW_STRIDE;
            if (i >= mc) {
                Arrays.fill(ap, dst, dst + kc, 0f);
            } else if (transA) {
                // a row of op(A) is a column of A
                int src = aOff + pc * lda + ic + i;
                for (int p = 0; p < kc; p++) {
                    ap[dst + p] = a[src + p * lda];
                }
            } else {
                System.arraycopy(a, aOff + (ic + i) * lda + pc, ap, dst, kc);
            }
        }
    }

    /**
     * Packs op(B)[pc:+kc, jc:+nc] into NR-column micro-panels: element (p, jr + j) at {@code bp[bpOff + jr·kc + p·NR + j]},
     * columns past nc zero. op(B)_pj is {@code b[bOff + p·ldb + j]}, or {@code b[bOff + j·ldb + p]} when transposed.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp,
                      int bpOff) {
        if (!transB && nc >= NR) {
            // chunks of PACK_B_ROWS rows of B, micro-panel by micro-panel: the reads stay within a few rows (pages) at
            // a time, where a whole micro-panel at a time would touch a new page every NR floats, and each
            // micro-panel gets runs of PACK_B_ROWS·NR floats rather than NR floats per row spread over every
            // micro-panel. Packing 512 × 1024 and 512 × 2048 blocks alone on Zen 5: 0.17-0.33 ns per float against
            // 0.4-0.9 row by row (chunks of 4, 16 or 32 rows no better); in the GEMM 0.99-1.03x the speed (A/B on
            // 1 and 2 threads, JDK 17 and 25), where packing is 5-10% of the time
            int full = nc / NR * NR;
            for (int p0 = 0; p0 < kc; p0 += PACK_B_ROWS) {
                int pe = Math.min(kc, p0 + PACK_B_ROWS);
                for (int jr = 0; jr < full; jr += NR) {
                    for (int p = p0; p < pe; p++) {
                        int src = bOff + (pc + p) * ldb + jc + jr;
                        int dst = bpOff + jr * kc + p * NR;
                        for (int v = 0; v < NR; v += L) {
                            V.cast(FloatVector.fromArray(S, b, src + v)).intoArray(bp, dst + v);
                        }
                    }
                }
            }
            if (full == nc) {
                return;
            }
            packB(false, b, bOff, ldb, pc, kc, jc + full, nc - full, bp, bpOff + full * kc);
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = bpOff + jr * kc;
            if (transB) {
                // columns of op(B) are rows of B: read each contiguously, write it with stride NR, in depth
                // chunks of PACK_BT_DEPTH so that the chunk of the micro-panel being written (PACK_BT_DEPTH·NR
                // floats, 8 KiB at 512 bits) stays in L1 while every row writes its column into it
                for (int p0 = 0; p0 < kc; p0 += PACK_BT_DEPTH) {
                    int pe = Math.min(kc, p0 + PACK_BT_DEPTH);
                    for (int j = 0; j < nr; j++) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = p0; p < pe; p++) {
                            bp[base + p * NR + j] = b[src + p];
                        }
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = 0f;
                    }
                }
            } else if (nr == NR) {
                // a row of the micro-panel is NV whole vectors of B's row
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    for (int v = 0; v < NR; v += L) {
                        V.cast(FloatVector.fromArray(S, b, src + v)).intoArray(bp, dst + v);
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, bp, dst, nr);
                    Arrays.fill(bp, dst + nr, dst + NR, 0f);
                }
            }
        }
    }

    // ---- direct path ----

    /**
     * The unpacked path, op(B) = B only: for each row i of C and each strip of up to {@value #DIRECT_STRIP}
     * columns, accumulates {@code acc_j = fma(a_ip, b_pj, acc_j)} over each depth block in a per-thread strip,
     * reading B row by row, on {@link #SD}'s vectors, then folds the strip into C. Package-private so tests can pin
     * the path.
     */
    static void gemmDirect(boolean transA, int m, int n, int k, float alpha,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc) {
        float[] acc = WORKSPACE.get().strip(Math.min(DIRECT_STRIP, n));
        // op(A)_ip = a[aOff + i·aRow + p·aCol]
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            int crow = cOff + i * ldc;
            for (int jc = 0; jc < n; jc += DIRECT_STRIP) {
                int w = Math.min(DIRECT_STRIP, n - jc);
                int bound = SD.loopBound(w);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    if (aCol == 1 && w * KC <= L2_HALF_FLOATS) {
                        // narrow C (P·V of a decode step): the whole strip stays in registers while the rows of
                        // the depth block stream past, the same fma chain per element as below
                        SimdWeightedSum.weightedSum(kc, w, a, aOff + i * aRow + pc, b, bOff + pc * ldb + jc, ldb, acc, 0);
                        foldStrip(acc, w, bound, alpha, beta, pc, c, crow + jc);
                        continue;
                    }
                    Arrays.fill(acc, 0, w, 0f);
                    int p = pc;
                    // eight rows of B per pass over the strip: the strip is loaded and stored once per eight
                    // FMAs, which still run in order p, p+1, …, p+7 on each element. Against four rows per pass
                    // (the strip's load and store per four FMAs) B read 1.11–1.16× faster (4096², from DRAM);
                    // sixteen rows per pass read slower than four
                    for (; p + 7 < pc + kc; p += 8) {
                        eightRows(a, aOff + i * aRow + p * aCol, aCol, b, bOff + p * ldb + jc, ldb, acc, w, bound);
                    }
                    // then the last rows (fewer than eight) one per pass
                    for (; p < pc + kc; p++) {
                        float aip = a[aOff + i * aRow + p * aCol];
                        FloatVector av = VD.cast(FloatVector.broadcast(SD, aip));
                        int brow = bOff + p * ldb + jc;
                        int j = 0;
                        for (; j < bound; j += LD) {
                            VD.cast(VD.cast(av).fma(VD.cast(FloatVector.fromArray(SD, b, brow + j)), VD.cast(FloatVector.fromArray(SD, acc, j))))
                                    .intoArray(acc, j);
                        }
                        // scalar tail
                        for (; j < w; j++) {
                            acc[j] = Math.fma(aip, b[brow + j], acc[j]);
                        }
                    }
                    foldStrip(acc, w, bound, alpha, beta, pc, c, crow + jc);
                }
            }
        }
    }

    /**
     * acc[0 … w) ← eight FMAs per element, rows b0, b0 + ldb, …, b0 + 7·ldb of B against a[a0], a[a0 + aCol], …,
     * in that order (the direct path's eight-row pass).
     */
    private static void eightRows(float[] a, int a0, int aCol, float[] b, int b0, int ldb, float[] acc, int w, int bound) {
        float x0 = a[a0];
        float x1 = a[a0 + aCol];
        float x2 = a[a0 + 2 * aCol];
        float x3 = a[a0 + 3 * aCol];
        float x4 = a[a0 + 4 * aCol];
        float x5 = a[a0 + 5 * aCol];
        float x6 = a[a0 + 6 * aCol];
        float x7 = a[a0 + 7 * aCol];
        FloatVector v0 = VD.cast(FloatVector.broadcast(SD, x0));
        FloatVector v1 = VD.cast(FloatVector.broadcast(SD, x1));
        FloatVector v2 = VD.cast(FloatVector.broadcast(SD, x2));
        FloatVector v3 = VD.cast(FloatVector.broadcast(SD, x3));
        FloatVector v4 = VD.cast(FloatVector.broadcast(SD, x4));
        FloatVector v5 = VD.cast(FloatVector.broadcast(SD, x5));
        FloatVector v6 = VD.cast(FloatVector.broadcast(SD, x6));
        FloatVector v7 = VD.cast(FloatVector.broadcast(SD, x7));
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        int b4 = b3 + ldb;
        int b5 = b4 + ldb;
        int b6 = b5 + ldb;
        int b7 = b6 + ldb;
        int j = 0;
        for (; j < bound; j += LD) {
            FloatVector s = VD.cast(FloatVector.fromArray(SD, acc, j));
            s = VD.cast(v0).fma(VD.cast(FloatVector.fromArray(SD, b, b0 + j)), s);
            s = VD.cast(v1).fma(VD.cast(FloatVector.fromArray(SD, b, b1 + j)), s);
            s = VD.cast(v2).fma(VD.cast(FloatVector.fromArray(SD, b, b2 + j)), s);
            s = VD.cast(v3).fma(VD.cast(FloatVector.fromArray(SD, b, b3 + j)), s);
            s = VD.cast(v4).fma(VD.cast(FloatVector.fromArray(SD, b, b4 + j)), s);
            s = VD.cast(v5).fma(VD.cast(FloatVector.fromArray(SD, b, b5 + j)), s);
            s = VD.cast(v6).fma(VD.cast(FloatVector.fromArray(SD, b, b6 + j)), s);
            s = VD.cast(v7).fma(VD.cast(FloatVector.fromArray(SD, b, b7 + j)), s);
            VD.cast(s).intoArray(acc, j);
        }
        // scalar tail
        for (; j < w; j++) {
            float s = acc[j];
            s = Math.fma(x0, b[b0 + j], s);
            s = Math.fma(x1, b[b1 + j], s);
            s = Math.fma(x2, b[b2 + j], s);
            s = Math.fma(x3, b[b3 + j], s);
            s = Math.fma(x4, b[b4 + j], s);
            s = Math.fma(x5, b[b5 + j], s);
            s = Math.fma(x6, b[b6 + j], s);
            s = Math.fma(x7, b[b7 + j], s);
            acc[j] = s;
        }
    }

    /** Folds the strip's sums for the depth block starting at {@code pc} into {@code c[ci …]}. */
    private static void foldStrip(float[] acc, int w, int bound, float alpha, float beta, int pc, float[] c, int ci) {
        FloatVector alphaV = VD.cast(FloatVector.broadcast(SD, alpha));
        int mode = GemmMicroKernels.mode(pc, beta);
        int j = 0;
        for (; j < bound; j += LD) {
            FloatVector accV = VD.cast(FloatVector.fromArray(SD, acc, j));
            FloatVector r;
            if (mode == FIRST_BETA0) {
                r = VD.cast(accV).mul(alpha);
            } else if (mode == FIRST_BETA) {
                r = VD.cast(accV).fma(VD.cast(alphaV), VD.cast(FloatVector.fromArray(SD, c, ci + j)).mul(beta));
            } else {
                r = VD.cast(accV).fma(VD.cast(alphaV), VD.cast(FloatVector.fromArray(SD, c, ci + j)));
            }
            VD.cast(r).intoArray(c, ci + j);
        }
        // scalar tail
        for (; j < w; j++) {
            float old = mode == FIRST_BETA0 ? 0f : c[ci + j];
            c[ci + j] = GemmMicroKernels.update(acc[j], old, alpha, beta, mode);
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }
}
