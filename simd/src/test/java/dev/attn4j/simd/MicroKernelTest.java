package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every register tile's micro-kernel, packed and in-place forms (the 512-bit tiles with {@link
 * GemmMicroKernels#updateTile}, as the GEMM runs them), against the scalar definition of a tile:
 * for each element the float chain {@code acc = fma(a_rp, b_pj, acc)} over p from 0, then
 * {@link GemmMicroKernels#update}. Bitwise, since {@code FloatVector.fma} is {@code Math.fma} per lane. The
 * kernels are called directly, so this holds for every tile at whatever width runs the test, including the
 * tiles the GEMM does not choose on this machine and JDK (the GEMM tests cover the chosen one end to end).
 */
class MicroKernelTest {
    private static final int L = VectorWidth.LANES;
    private static final int[] MODES = {GemmMicroKernels.FIRST_BETA0, GemmMicroKernels.FIRST_BETA,
        GemmMicroKernels.ACCUMULATE};

    @Test
    void packedKernelsComputeTheirTileExactly() {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int[] tile : SimdGemm.TILES) {
            int mr = tile[0];
            int nr = tile[1] * L;
            int as = mr == 6 ? GemmMicroKernels.STEP6 : mr;
            for (int kc : new int[] {1, 2, 7, 64, 129}) {
                for (int mode : MODES) {
                    int apOff = as * rnd.nextInt(3);
                    int bpOff = nr * rnd.nextInt(3);
                    float[] ap = random(rnd, apOff + as * kc);
                    float[] bp = random(rnd, bpOff + nr * kc);
                    int ldc = nr + rnd.nextInt(5);
                    int cOff = rnd.nextInt(4);
                    float[] c = random(rnd, cOff + mr * ldc);
                    float alpha = (float) rnd.nextDouble(-2, 2);
                    float beta = (float) rnd.nextDouble(-2, 2);
                    float[] want = expected(kc, mr, nr, ap, apOff, as, 1, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
                    packed(mr, tile[1], kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
                    assertSame(want, c, mr + "x" + tile[1] + " packed, kc = " + kc + ", mode = " + mode);
                }
            }
        }
    }

    @Test
    void inPlaceKernelsComputeTheirTileExactly() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int[] tile : SimdGemm.TILES) {
            int mr = tile[0];
            int nr = tile[1] * L;
            for (int kc : new int[] {1, 3, 64, 200}) {
                for (int mode : MODES) {
                    int rs = kc + rnd.nextInt(4);
                    int aOff = rnd.nextInt(5);
                    float[] a = random(rnd, aOff + mr * rs);
                    float[] bp = random(rnd, nr * kc);
                    int ldc = nr + 3;
                    float[] c = random(rnd, mr * ldc);
                    float alpha = 0.75f;
                    float beta = mode == GemmMicroKernels.FIRST_BETA ? -1.25f : 0f;
                    float[] want = expected(kc, mr, nr, a, aOff, 1, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
                    strided(mr, tile[1], kc, a, aOff, rs, bp, c, ldc, alpha, beta, mode);
                    assertSame(want, c, mr + "x" + tile[1] + " in place, kc = " + kc + ", mode = " + mode);
                }
            }
        }
    }

    /**
     * The row-panel forms of the 512-bit tiles (A element (r, p) at {@code ap[apOff + r·ROW + p]}, ROW the
     * constant {@link SimdGemm#ROW_STRIDE}), every mode, through the scratch tile and {@link
     * GemmMicroKernels#updateTile} and, where the update is the identity, straight into C.
     */
    @Test
    void rowPanelKernelsComputeTheirTileExactly() {
        int row = GemmMicroKernels.ROW;
        assertEquals(SimdGemm.KC + 16, row, "row stride of a row-packed A micro-panel");
        SplittableRandom rnd = new SplittableRandom(15);
        for (int mr : new int[] {8, 12}) {
            int nr = 2 * L;
            for (int kc : new int[] {1, 7, 64, Math.min(row, 300)}) {
                for (int mode : MODES) {
                    for (boolean straight : new boolean[] {false, true}) {
                        if (straight && mode != GemmMicroKernels.FIRST_BETA0) {
                            continue;
                        }
                        int apOff = rnd.nextInt(5);
                        float[] ap = random(rnd, apOff + (mr - 1) * row + kc);
                        int bpOff = nr * rnd.nextInt(3);
                        float[] bp = random(rnd, bpOff + nr * kc);
                        int ldc = nr + rnd.nextInt(5);
                        int cOff = rnd.nextInt(4);
                        float[] c = random(rnd, cOff + mr * ldc);
                        float[] c0 = c.clone();
                        float alpha = straight ? 1f : (float) rnd.nextDouble(-2, 2);
                        float beta = (float) rnd.nextDouble(-2, 2);
                        float[] want = expected(kc, mr, nr, ap, apOff, 1, row, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
                        float[] acc = straight ? c : new float[3 + mr * nr];
                        int accOff = straight ? cOff : 3;
                        int ars = straight ? ldc : nr;
                        if (mr == 8) {
                            GemmMicroKernels.kernel8x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                        } else {
                            GemmMicroKernels.kernel12x2r(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, accOff, ars);
                        }
                        if (!straight) {
                            GemmMicroKernels.updateTile(acc, 3, mr, nr, c, cOff, ldc, alpha, beta, mode);
                        }
                        assertSame(want, c, mr + "x2 row panel, kc = " + kc + ", mode = " + mode
                                + (straight ? ", into C" : ""));

                        // the one-vector form: the first L columns of the same tile, the rest of C untouched
                        float[] c1 = c0.clone();
                        float[] acc1 = straight ? c1 : new float[3 + mr * L];
                        int ars1 = straight ? ldc : L;
                        if (mr == 8) {
                            GemmMicroKernels.kernel8x1r(kc, ap, apOff, bp, bpOff, acc1, accOff, ars1);
                        } else {
                            GemmMicroKernels.kernel12x1r(kc, ap, apOff, bp, bpOff, acc1, accOff, ars1);
                        }
                        if (!straight) {
                            GemmMicroKernels.updateTile(acc1, 3, mr, L, c1, cOff, ldc, alpha, beta, mode);
                        }
                        float[] want1 = c0.clone();
                        for (int r = 0; r < mr; r++) {
                            System.arraycopy(want, cOff + r * ldc, want1, cOff + r * ldc, L);
                        }
                        assertSame(want1, c1, mr + "x1 row panel, kc = " + kc + ", mode = " + mode
                                + (straight ? ", into C" : ""));
                    }
                }
            }
        }
    }

    /**
     * The kernels that leave raw accumulators, given C itself as the accumulator array (row stride ldc), as the
     * GEMM passes it where the update would be the identity (α = 1, β = 0, first depth block): the tile equals
     * the scalar chain's, and nothing outside it is written.
     */
    @Test
    void rawKernelsWriteStraightIntoC() {
        SplittableRandom rnd = new SplittableRandom(14);
        int mode = GemmMicroKernels.FIRST_BETA0;
        for (int mr : new int[] {6, 8, 12}) {
            int nr = 2 * L;
            int as = mr == 6 ? GemmMicroKernels.STEP6 : mr;
            for (int kc : new int[] {1, 5, 64, 131}) {
                int apOff = as * rnd.nextInt(3);
                float[] ap = random(rnd, apOff + as * kc);
                float[] bp = random(rnd, nr * kc);
                int ldc = nr + 1 + rnd.nextInt(5);
                int cOff = 1 + rnd.nextInt(4);
                float[] c = random(rnd, cOff + mr * ldc + 3);
                float[] want = expected(kc, mr, nr, ap, apOff, as, 1, bp, 0, c, cOff, ldc, 1f, 0f, mode);
                float[] packed = c.clone();
                switch (mr) {
                    case 6 -> GemmMicroKernels.kernel6x2Split(kc, ap, apOff, bp, 0, packed, cOff, ldc, mode, packed, cOff, ldc);
                    case 8 -> GemmMicroKernels.kernel8x2(kc, ap, apOff, bp, 0, packed, cOff, ldc, mode, packed, cOff, ldc);
                    default -> GemmMicroKernels.kernel12x2(kc, ap, apOff, bp, 0, packed, cOff, ldc, mode, packed, cOff, ldc);
                }
                assertSame(want, packed, mr + "x2 packed into C, kc = " + kc);

                int rs = kc + rnd.nextInt(4);
                float[] a = random(rnd, mr * rs);
                want = expected(kc, mr, nr, a, 0, 1, rs, bp, 0, c, cOff, ldc, 1f, 0f, mode);
                float[] inPlace = c.clone();
                switch (mr) {
                    case 6 -> GemmMicroKernels.kernel6x2sSplit(kc, a, 0, rs, bp, 0, inPlace, cOff, ldc, mode, inPlace, cOff, ldc);
                    case 8 -> GemmMicroKernels.kernel8x2s(kc, a, 0, rs, bp, 0, inPlace, cOff, ldc, mode, inPlace, cOff, ldc);
                    default -> GemmMicroKernels.kernel12x2s(kc, a, 0, rs, bp, 0, inPlace, cOff, ldc, mode, inPlace, cOff, ldc);
                }
                assertSame(want, inPlace, mr + "x2 in place into C, kc = " + kc);
            }
        }
    }

    /** C after the tile's update, element by element: a_rp at a[aOff + p·pStep + r·rStep]. */
    private static float[] expected(int kc, int mr, int nr, float[] a, int aOff, int pStep, int rStep, float[] bp,
                                    int bpOff, float[] c, int cOff, int ldc, float alpha, float beta, int mode) {
        float[] out = c.clone();
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(a[aOff + p * pStep + r * rStep], bp[bpOff + p * nr + j], acc);
                }
                int at = cOff + r * ldc + j;
                out[at] = GemmMicroKernels.update(acc, c[at], alpha, beta, mode);
            }
        }
        return out;
    }

    private static void packed(int mr, int nv, int kc, float[] ap, int apOff, float[] bp, int bpOff, float[] c,
                               int cOff, int ldc, float alpha, float beta, int mode) {
        switch (mr + "x" + nv) {
            case "4x2" -> GemmMicroKernels.kernel4x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case "5x2" -> GemmMicroKernels.kernel5x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case "6x2" -> GemmMicroKernels.kernel6x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case "4x3" -> GemmMicroKernels.kernel4x3(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case "3x3" -> GemmMicroKernels.kernel3x3(kc, ap, apOff, bp, bpOff, c, cOff, ldc, alpha, beta, mode);
            case "8x2", "12x2" -> {
                // raw accumulators, then the shared update
                float[] acc = new float[5 + mr * nv * L];
                if (mr == 8) {
                    GemmMicroKernels.kernel8x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, 5, nv * L);
                } else {
                    GemmMicroKernels.kernel12x2(kc, ap, apOff, bp, bpOff, c, cOff, ldc, mode, acc, 5, nv * L);
                }
                GemmMicroKernels.updateTile(acc, 5, mr, nv * L, c, cOff, ldc, alpha, beta, mode);
            }
            default -> throw new AssertionError("no kernel for tile " + mr + "x" + nv);
        }
    }

    private static void strided(int mr, int nv, int kc, float[] a, int aOff, int rs, float[] bp, float[] c, int ldc,
                                float alpha, float beta, int mode) {
        switch (mr + "x" + nv) {
            case "4x2" -> GemmMicroKernels.kernel4x2s(kc, a, aOff, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
            case "5x2" -> GemmMicroKernels.kernel5x2s(kc, a, aOff, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
            case "6x2" -> GemmMicroKernels.kernel6x2s(kc, a, aOff, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
            case "4x3" -> GemmMicroKernels.kernel4x3s(kc, a, aOff, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
            case "3x3" -> GemmMicroKernels.kernel3x3s(kc, a, aOff, rs, bp, 0, c, 0, ldc, alpha, beta, mode);
            case "8x2", "12x2" -> {
                float[] acc = new float[mr * nv * L];
                if (mr == 8) {
                    GemmMicroKernels.kernel8x2s(kc, a, aOff, rs, bp, 0, c, 0, ldc, mode, acc, 0, nv * L);
                } else {
                    GemmMicroKernels.kernel12x2s(kc, a, aOff, rs, bp, 0, c, 0, ldc, mode, acc, 0, nv * L);
                }
                GemmMicroKernels.updateTile(acc, 0, mr, nv * L, c, 0, ldc, alpha, beta, mode);
            }
            default -> throw new AssertionError("no kernel for tile " + mr + "x" + nv);
        }
    }

    private static void assertSame(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
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
