package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The forms of the 6×2 micro-kernel — {@link GemmMicroKernels#kernel6x2} with its C update inline (with
 * {@code -Dattn4j.gemm.split6=false}) and {@link GemmMicroKernels#kernel6x2Split} plus {@link
 * GemmMicroKernels#updateTile} (the default), each for packed A and for A in place, and the split one on rows copied
 * {@link SimdGemm#ROW_STRIDE} apart ({@link GemmMicroKernels#kernel6x2rSplit}) — give the same bits, for every update
 * mode and depths across the loop's edge cases. All are called directly, so this holds on whichever JDK runs it;
 * the GEMM tests cover the form the JDK chooses.
 */
class SplitKernelTest {
    private static final int L = VectorWidth.LANES;
    private static final int NR = 2 * L;
    private static final int[] MODES = {GemmMicroKernels.FIRST_BETA0, GemmMicroKernels.FIRST_BETA,
        GemmMicroKernels.ACCUMULATE};

    /**
     * Below 512 bits the tile is 6×2, in its split form on every JDK, for packed A and for a narrow C's rows of A,
     * which are copied into row tiles (see {@link SimdGemm#SPLIT6} and {@link SimdGemm#COPY_ROW_TILES}).
     */
    @Test
    void theDefaultTileBelow512BitsIsSixByTwoSplitWithRowTilesForNarrowC() {
        int feature = Runtime.version().feature();
        int[] t = SimdGemm.chooseTile(null, 256, feature);
        assertEquals(6, t[0]);
        assertEquals(2, t[1]);
        if (System.getProperty(SimdGemm.SPLIT6_PROPERTY) == null && SimdGemm.MR == 6) {
            assertTrue(SimdGemm.SPLIT6, "split form on packed A, JDK " + feature);
            assertEquals(System.getProperty(SimdGemm.ROW_TILES_PROPERTY) == null, SimdGemm.COPY_ROW_TILES,
                    "row tiles for a narrow C, JDK " + feature);
            if (System.getProperty(SimdGemm.ROW_PANELS_PROPERTY) == null) {
                // A packed as rows for kernel6x2rSplit at 256 bits; at 128 in depth steps (see SimdGemm.ROW_PANELS)
                boolean rows = L >= 8;
                assertEquals(rows, SimdGemm.ROW_PANELS, "A in row panels, JDK " + feature + ", " + L + " lanes");
                assertEquals(rows, SimdGemm.SIXTEEN_ROW_FRINGE, "two panels' first vectors on column fringes");
                String d = SimdGemm.describe();
                assertTrue(d.contains(rows ? ", split, A in row panels)" : ", split)"), d);
            }
        }
    }

    @Test
    void packedFormsGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int kc : new int[] {1, 2, 7, 64, 129, 512}) {
            for (int mode : MODES) {
                int apOff = 8 * rnd.nextInt(3);
                int bpOff = NR * rnd.nextInt(3);
                float[] ap = random(rnd, apOff + GemmMicroKernels.STEP6 * kc);
                float[] bp = random(rnd, bpOff + NR * kc);
                int ldc = NR + rnd.nextInt(5);
                int cOff = rnd.nextInt(4);
                float[] c0 = random(rnd, cOff + 6 * ldc);
                float alpha = (float) rnd.nextDouble(-2, 2);
                float beta = (float) rnd.nextDouble(-2, 2);
                float[] inline = c0.clone();
                float[] split = c0.clone();
                GemmMicroKernels.kernel6x2(kc, ap, apOff, bp, bpOff, inline, cOff, ldc, alpha, beta, mode);
                float[] acc = new float[3 + 6 * NR];
                GemmMicroKernels.kernel6x2Split(kc, ap, apOff, bp, bpOff, split, cOff, ldc, mode, acc, 3, NR);
                GemmMicroKernels.updateTile(acc, 3, 6, NR, split, cOff, ldc, alpha, beta, mode);
                assertArrayEquals(inline, split, "kc = " + kc + ", mode = " + mode);
            }
        }
    }

    @Test
    void inPlaceFormsGiveTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int kc : new int[] {1, 3, 64, 200}) {
            for (int mode : MODES) {
                int rs = kc + rnd.nextInt(4);
                int aOff = rnd.nextInt(5);
                float[] a = random(rnd, aOff + 6 * rs);
                float[] bp = random(rnd, NR * kc);
                int ldc = NR + 3;
                float[] c0 = random(rnd, 6 * ldc);
                float alpha = 0.75f;
                float beta = mode == GemmMicroKernels.FIRST_BETA ? -1.25f : 0f;
                float[] inline = c0.clone();
                float[] split = c0.clone();
                GemmMicroKernels.kernel6x2s(kc, a, aOff, rs, bp, 0, inline, 0, ldc, alpha, beta, mode);
                float[] acc = new float[6 * NR];
                GemmMicroKernels.kernel6x2sSplit(kc, a, aOff, rs, bp, 0, split, 0, ldc, mode, acc, 0, NR);
                GemmMicroKernels.updateTile(acc, 0, 6, NR, split, 0, ldc, alpha, beta, mode);
                assertArrayEquals(inline, split, "kc = " + kc + ", mode = " + mode);
            }
        }
    }

    /** The split kernel on rows ROW_STRIDE apart gives the bits of the in-place split kernel (and so of the inline one). */
    @Test
    void rowTileFormGivesTheSameBitsAsInPlace() {
        SplittableRandom rnd = new SplittableRandom(8);
        int row = SimdGemm.ROW_STRIDE;
        for (int kc : new int[] {1, 3, 64, 200, SimdGemm.KC}) {
            for (int mode : MODES) {
                int rs = kc + rnd.nextInt(40);
                float[] a = random(rnd, 6 * rs);
                float[] rows = new float[6 * row];
                for (int r = 0; r < 6; r++) {
                    System.arraycopy(a, r * rs, rows, r * row, kc);
                }
                float[] bp = random(rnd, NR * kc);
                int ldc = NR + 1;
                float[] c0 = random(rnd, 6 * ldc);
                float alpha = -1.5f;
                float beta = mode == GemmMicroKernels.FIRST_BETA ? 0.5f : 0f;
                float[] inPlace = c0.clone();
                float[] rowTile = c0.clone();
                float[] acc = new float[6 * NR];
                GemmMicroKernels.kernel6x2sSplit(kc, a, 0, rs, bp, 0, inPlace, 0, ldc, mode, acc, 0, NR);
                GemmMicroKernels.updateTile(acc, 0, 6, NR, inPlace, 0, ldc, alpha, beta, mode);
                GemmMicroKernels.kernel6x2rSplit(kc, rows, 0, bp, 0, rowTile, 0, ldc, mode, acc, 0, NR);
                GemmMicroKernels.updateTile(acc, 0, 6, NR, rowTile, 0, ldc, alpha, beta, mode);
                assertArrayEquals(inPlace, rowTile, "kc = " + kc + ", mode = " + mode);
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }
}
