package dev.attn4j.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code flashAttention} of the SIMD kernels against the float64 reference, against the unfused SIMD
 * path (gemm → scaledSoftmax → gemm), and for row-wise determinism.
 *
 * <p><b>Error bound</b> (first order, u = 2⁻²⁴). For row i and key j let z_j be the exact score, p_j
 * the exact softmax, and δ_j = (dk + 3)·u·Σ_c|scale·q_ic·k_jc| + 2u·|additive_ij| the error of the
 * computed score, which the kernel takes in base 2 (q pre-multiplied by scale·log2 e: 2 roundings; the dot
 * product: a chain of dk fused multiply-adds; the additive term times log2 e, added by one FMA: 2 roundings).
 * As in {@link SoftmaxTest}, each p̂_j carries relative error ρ_j = δ_j + δ_max + u|z_j − m| + u·R + 4u (R = range of the visible scores, bounding the
 * rounding of the running-max differences m_old − m_new, whose sum telescopes; 4u = the 2-ulp exp),
 * and ℓ carries σ = Σ_k p_k ρ_k. On top of that: the O accumulation is a chain of s fused
 * multiply-adds plus one rescale per key tile (T = ⌈s/BC⌉ tiles), each rescale factor α has the exp
 * error 4u and its product 1u, ℓ likewise, the final division 1u, and the reference rounds once (u):
 * κ = s + 6T + 4. Bound for output (i, c):
 * <pre>  |ô_ic − o_ic| ≤ 1.01·Σ_j p_j|v_jc|·(ρ_j + σ + κ·u) + s·2⁻¹²⁶·max|v|.</pre>
 * The unfused path obeys a bound of the same form with smaller constants (its scores, softmax and
 * P·V gemm round in the same places, without rescales), so fused and unfused agree within twice it.
 */
class FlashAttentionTest {
    private static final int D = SimdFlashAttention.FIXED_D;
    private static final int BR = SimdFlashAttention.BR;
    private static final int BC = SimdFlashAttention.BC;

    static final double U = 0x1p-24;
    private final Kernels simd = Kernels.best();
    private final Kernels ref = Kernels.reference();
    private double worstRel = 0;

    /**
     * The d = 64 P·V kernels (four or eight rows, constant strides, used when V's rows are 64 floats apart) give
     * the same bits as the general one (five-row groups and a single-row leftover): every output element is the
     * same chain, α·o then one FMA per key in key order. Every key count of a tile; both kernels at every width,
     * whichever of them the attention takes here.
     */
    @Test
    void fixedStridePvEqualsTheGeneralOne() {
        Random r = new Random(23);
        int vOff = 5;
        float[] v = gaussian(r, vOff + BC * D);
        for (int jn = 1; jn <= BC; jn++) {
            SimdFlashAttention.Scratch fixed = new SimdFlashAttention.Scratch();
            SimdFlashAttention.Scratch eight = new SimdFlashAttention.Scratch();
            SimdFlashAttention.Scratch general = new SimdFlashAttention.Scratch();
            fixed.o = new float[BR * D];
            eight.o = new float[BR * D];
            general.o = new float[BR * D];
            for (int i = 0; i < BR * D; i++) {
                fixed.o[i] = eight.o[i] = general.o[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < BC * BR; i++) {
                fixed.st[i] = eight.st[i] = general.st[i] = r.nextFloat();
            }
            for (int i = 0; i < BR; i++) {
                fixed.alpha[i] = eight.alpha[i] = general.alpha[i] = r.nextFloat();
            }
            for (int row = 0; row + 4 <= BR; row += 4) {
                SimdFlashAttention.pv4Fixed(fixed, row, jn, v, vOff);
            }
            int row8 = 0;
            for (; row8 + 8 <= BR; row8 += 8) {
                SimdFlashAttention.pv8Fixed(eight, row8, jn, v, vOff);
            }
            for (; row8 < BR; row8 += 4) {
                SimdFlashAttention.pv4Fixed(eight, row8, jn, v, vOff);
            }
            int row = 0;
            for (; row + 5 <= BR; row += 5) {
                SimdFlashAttention.pv5(general, row, jn, v, vOff, D, D);
            }
            for (; row < BR; row++) {
                SimdFlashAttention.pvRow(general.o, general.st, row, general.alpha[row], 0, jn, v, vOff, D, D);
            }
            assertArrayEquals(general.o, fixed.o, "jn = " + jn);
            assertArrayEquals(general.o, eight.o, "8 rows, jn = " + jn);
        }
    }

    /**
     * The d = 64 score passes (constant key stride, used when K's rows are 64 floats apart: four keys per pass,
     * or six where WIDE) give the same bits as the general pass: every score is the same FMA chain in depth
     * order. Every key count of a tile, so each pass length and tail is covered, and a K offset that is not a
     * multiple of 64.
     */
    @Test
    void fixedStrideScorePassEqualsTheGeneralOne() {
        Random r = new Random(17);
        float[] qt = gaussian(r, D * BR);
        int kOff = 13;
        float[] k = gaussian(r, kOff + BC * D);
        for (int jn = 1; jn <= BC; jn++) {
            float[] general = new float[BC * BR];
            float[] fixed = new float[BC * BR];
            SimdFlashAttention.scores(qt, general, D, k, kOff, D, jn);
            SimdFlashAttention.scoresFixed(qt, fixed, k, kOff, jn);
            assertArrayEquals(general, fixed, "jn = " + jn);
            assertTrue(fixed[(jn - 1) * BR] != 0f, "the last key's scores were written, jn = " + jn);
            float[] six = new float[BC * BR];
            SimdFlashAttention.scoresFixed6(qt, six, k, kOff, jn, null);
            assertArrayEquals(general, six, "six keys per pass, jn = " + jn);
        }
    }

    /**
     * The six-key pass's tile max (taken where no mask touches the tile) is the max pass's: per row the blends
     * {@code mx = mx < s ? s : mx} over the keys in order, bitwise, with zero, negative-zero and NaN scores among
     * them (a NaN never becomes the max; which zero wins depends on the order, which is the same).
     */
    @Test
    void sixKeyPassTakesTheTileMaxOfTheMaxPass() {
        Random r = new Random(19);
        float[] qt = gaussian(r, D * BR);
        for (int c = 0; c < D; c++) {
            qt[c * BR + 3] = 0f; // row 3: every score ±0
        }
        float[] k = gaussian(r, BC * D);
        for (int c = 0; c < D; c++) {
            k[5 * D + c] = -0f; // key 5: ±0 for every row
        }
        k[7 * D + 11] = Float.NaN; // key 7: NaN for every row
        for (int jn = 1; jn <= BC; jn++) {
            float[] st = new float[BC * BR];
            float[] tmax = new float[BR];
            SimdFlashAttention.scoresFixed6(qt, st, k, 0, jn, tmax);
            float[] plain = new float[BC * BR];
            SimdFlashAttention.scoresFixed6(qt, plain, k, 0, jn, null);
            assertArrayEquals(plain, st, "scores, jn = " + jn);
            for (int row = 0; row < BR; row++) {
                float mx = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < jn; j++) {
                    float x = st[j * BR + row];
                    if (mx < x) {
                        mx = x;
                    }
                }
                assertEquals(Float.floatToRawIntBits(mx), Float.floatToRawIntBits(tmax[row]),
                        "row " + row + ", jn = " + jn + ": " + tmax[row] + " against " + mx);
            }
        }
    }

    /**
     * The causal mask's pass ({@code causalMaskMax}) masks exactly the entries with r &lt; j + t0 and leaves the others'
     * bits alone, and the tile max it writes is bitwise the max pass's ({@code mx < x ? x : mx} over the masked tile,
     * keys in order), for every key count, for tiles the diagonal crosses at every offset, and with ±0 and NaN scores.
     */
    @Test
    void causalMaskPassTakesTheTileMaxOfTheMaxPass() {
        Random r = new Random(23);
        for (int jn = 1; jn <= BC; jn += jn < 8 ? 1 : 7) {
            for (long t0 = 1 - jn; t0 <= BR; t0++) {
                float[] scores = gaussian(r, BC * BR);
                scores[r.nextInt(jn) * BR + r.nextInt(BR)] = Float.NaN;
                scores[r.nextInt(jn) * BR + r.nextInt(BR)] = -0f;
                scores[r.nextInt(jn) * BR + r.nextInt(BR)] = 0f;
                float[] st = scores.clone();
                float[] tmax = new float[BR];
                SimdFlashAttention.causalMaskMax(st, jn, t0, tmax);
                for (int row = 0; row < BR; row++) {
                    float mx = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < jn; j++) {
                        int idx = j * BR + row;
                        float want = row < j + t0 ? Float.NEGATIVE_INFINITY : scores[idx];
                        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(st[idx]),
                                "entry (" + row + ", " + j + "), jn = " + jn + ", t0 = " + t0);
                        if (mx < want) {
                            mx = want;
                        }
                    }
                    assertEquals(Float.floatToRawIntBits(mx), Float.floatToRawIntBits(tmax[row]),
                            "row " + row + ", jn = " + jn + ", t0 = " + t0 + ": " + tmax[row] + " against " + mx);
                }
                for (int idx = jn * BR; idx < st.length; idx++) {
                    assertEquals(Float.floatToRawIntBits(scores[idx]), Float.floatToRawIntBits(st[idx]), "past jn");
                }
            }
        }
    }

    @Test
    void simdKernelsAreActive() {
        assertTrue(simd.name().startsWith("simd"), simd.name());
    }

    @Test
    void matchesReferenceAndUnfusedPath() {
        Random rnd = new Random(11);
        int[] lens = {1, 2, 5, SimdFlashAttention.BR, SimdFlashAttention.BR + 1, 47, SimdFlashAttention.BC,
                SimdFlashAttention.BC + 1, 100, 130};
        int[] dims = {1, 3, VectorWidth.LANES, 2 * VectorWidth.LANES + 1, 16, 64, 65};
        int cases = 0;
        for (String kind : SoftmaxTest.maskKinds()) {
            for (int t = 0; t < 24; t++) {
                int l = lens[rnd.nextInt(lens.length)];
                int s = lens[rnd.nextInt(lens.length)];
                int dk = dims[rnd.nextInt(dims.length)];
                int dv = dims[rnd.nextInt(dims.length)];
                float scale = t % 3 == 0 ? (float) (1 / Math.sqrt(dk)) : (t % 3 == 1 ? 1f : -0.7f);
                Problem pr = new Problem(l, s, dk, dv, scale, rnd, 1f);
                check(pr, SoftmaxTest.mask(kind, l, s, rnd));
                cases++;
            }
        }
        System.out.printf("flashAttention: %d cases, max |err|/Σp|v| = %.3g (= %.2f u)%n", cases, worstRel,
                worstRel / U);
    }

    @Test
    void largeMagnitudeScores() {
        Random rnd = new Random(5);
        for (int t = 0; t < 10; t++) {
            // q, k of size 1e14: scores up to ~1e30, so softmax rows are (nearly) one-hot
            Problem pr = new Problem(1 + rnd.nextInt(40), 1 + rnd.nextInt(120), 1 + rnd.nextInt(20),
                    1 + rnd.nextInt(20), 1f, rnd, 1e14f);
            check(pr, t % 2 == 0 ? ScoreMask.none() : ScoreMask.causal(t - 5));
        }
    }

    /**
     * Row i of O must not depend on which rows share its call or tile: all rows in one call, then the
     * same rows in calls of odd-sized row blocks (mask.subMask(row0, 0)), must be bitwise equal.
     */
    @Test
    void rowBlocksGiveBitwiseIdenticalRows() {
        Random rnd = new Random(17);
        int[] blocks = {1, 3, 5, 7, 9, 13, 17, 31, 33};
        for (String kind : SoftmaxTest.maskKinds()) {
            for (int t = 0; t < 4; t++) {
                int l = 20 + rnd.nextInt(100);
                int s = 1 + rnd.nextInt(200);
                int d = t % 2 == 0 ? 64 : 1 + rnd.nextInt(40);
                Problem pr = new Problem(l, s, d, d, (float) (1 / Math.sqrt(d)), rnd, 1f);
                ScoreMask mask = SoftmaxTest.mask(kind, l, s, rnd);
                float[] all = new float[l * d];
                simd.flashAttention(l, s, d, d, pr.scale, pr.q, 0, d, pr.k, 0, d, pr.v, 0, d, mask, all, 0, d);
                float[] parts = new float[l * d];
                for (int row0 = 0; row0 < l; ) {
                    int n = Math.min(blocks[rnd.nextInt(blocks.length)], l - row0);
                    simd.flashAttention(n, s, d, d, pr.scale, pr.q, row0 * d, d, pr.k, 0, d, pr.v, 0, d,
                            mask.subMask(row0, 0), parts, row0 * d, d);
                    row0 += n;
                }
                assertTrue(Arrays.equals(all, parts), "row blocks differ from one call: " + kind + " l=" + l
                        + " s=" + s + " d=" + d);
            }
        }
    }

    /**
     * K and V whose rows are far apart (heads side by side, ld = 8·d) are copied into contiguous buffers, whole
     * or (past {@link SimdFlashAttention#HEAD_COPY_FLOATS}) tile by tile, and Q's rows block by block of query
     * tiles (l up to 300 crosses several blocks at every width); contiguous ones are read in place. All must give
     * the same bits.
     */
    @Test
    void spreadRowsGiveTheSameBitsAsContiguousOnes() {
        Random rnd = new Random(29);
        int big = SimdFlashAttention.HEAD_COPY_FLOATS / 64 + 1 + rnd.nextInt(100);
        for (String kind : SoftmaxTest.maskKinds()) {
            boolean tiles = kind.length() % 2 == 0;
            int l = tiles ? 1 + rnd.nextInt(20) : 1 + rnd.nextInt(300);
            int s = tiles ? big : 1 + rnd.nextInt(300);
            int d = tiles ? 64 : 1 + rnd.nextInt(70);
            float scale = (float) (1 / Math.sqrt(d));
            float[] q = new float[l * d];
            float[] kd = new float[s * d];
            float[] vd = new float[s * d];
            for (float[] a : new float[][] {q, kd, vd}) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rnd.nextGaussian();
                }
            }
            ScoreMask mask = SoftmaxTest.mask(kind, l, s, rnd);
            float[] dense = new float[l * d];
            simd.flashAttention(l, s, d, d, scale, q, 0, d, kd, 0, d, vd, 0, d, mask, dense, 0, d);
            int ld = 8 * d;
            int head = 5 * d;
            float[] k = new float[s * ld];
            float[] v = new float[s * ld];
            Arrays.fill(k, Float.NaN); // entries outside the head must not be read
            Arrays.fill(v, Float.NaN);
            for (int j = 0; j < s; j++) {
                System.arraycopy(kd, j * d, k, j * ld + head, d);
                System.arraycopy(vd, j * d, v, j * ld + head, d);
            }
            float[] spread = new float[l * d];
            simd.flashAttention(l, s, d, d, scale, q, 0, d, k, head, ld, v, head, ld, mask, spread, 0, d);
            assertTrue(Arrays.equals(dense, spread), "spread K/V rows differ from contiguous ones: " + kind
                    + " l=" + l + " s=" + s + " d=" + d);
            float[] qs = new float[l * ld];
            Arrays.fill(qs, Float.NaN);
            for (int i = 0; i < l; i++) {
                System.arraycopy(q, i * d, qs, i * ld + head, d);
            }
            float[] allSpread = new float[l * d];
            simd.flashAttention(l, s, d, d, scale, qs, head, ld, k, head, ld, v, head, ld, mask, allSpread, 0, d);
            assertTrue(Arrays.equals(dense, allSpread), "spread Q, K and V rows differ from contiguous ones: " + kind
                    + " l=" + l + " s=" + s + " d=" + d);
        }
    }

    /**
     * A key tile that a row cannot see must leave the row's result bit for bit unchanged, whatever that
     * tile's keys and values hold (here: huge keys, NaN and ∞ values).
     */
    @Test
    void fullyMaskedKeyTileIsAnExactNoOp() {
        Random rnd = new Random(23);
        int bc = SimdFlashAttention.BC;
        int l = 40, s = 3 * bc + 7, d = 64;
        Problem pr = new Problem(l, s, d, d, 0.125f, rnd, 1f);
        boolean[] blocked = new boolean[l * s];
        for (int i = 0; i < l; i++) {
            if (i % 3 != 0) {
                Arrays.fill(blocked, i * s + bc, i * s + 2 * bc, true); // key tile 1 hidden from these rows
            }
        }
        ScoreMask mask = ScoreMask.none().withBlocked(blocked, 0, s);
        float[] before = new float[l * d];
        simd.flashAttention(l, s, d, d, pr.scale, pr.q, 0, d, pr.k, 0, d, pr.v, 0, d, mask, before, 0, d);
        for (int j = bc; j < 2 * bc; j++) {
            for (int c = 0; c < d; c++) {
                pr.k[j * d + c] = 1e30f;
                pr.v[j * d + c] = c % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
            }
        }
        float[] after = new float[l * d];
        simd.flashAttention(l, s, d, d, pr.scale, pr.q, 0, d, pr.k, 0, d, pr.v, 0, d, mask, after, 0, d);
        for (int i = 0; i < l; i++) {
            float[] b = Arrays.copyOfRange(before, i * d, i * d + d);
            float[] a = Arrays.copyOfRange(after, i * d, i * d + d);
            if (i % 3 != 0) {
                assertArrayEquals(b, a, "row " + i + " changed by a key tile it cannot see");
            } else {
                assertTrue(Float.isNaN(a[0]), "row " + i + " sees the NaN values and must be NaN");
            }
        }
    }

    /** Random Q, K, V with offsets and padded leading dimensions. */
    static final class Problem {
        final int l, s, dk, dv, qOff = 2, kOff = 1, vOff = 3, ldq, ldk, ldv;
        final float scale;
        final float[] q, k, v;

        Problem(int l, int s, int dk, int dv, float scale, Random rnd, float mag) {
            this.l = l;
            this.s = s;
            this.dk = dk;
            this.dv = dv;
            this.scale = scale;
            ldq = dk + rnd.nextInt(3);
            ldk = dk + rnd.nextInt(3);
            ldv = dv + rnd.nextInt(3);
            q = fill(qOff + l * ldq, rnd, mag);
            k = fill(kOff + s * ldk, rnd, mag);
            v = fill(vOff + s * ldv, rnd, 1f);
        }

        private static float[] fill(int n, Random rnd, float mag) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = mag * (float) rnd.nextGaussian();
            }
            return a;
        }
    }

    private void check(Problem p, ScoreMask mask) {
        int l = p.l, s = p.s, dk = p.dk, dv = p.dv;
        int ldo = dv + 1;
        float[] got = new float[1 + l * ldo];
        float[] want = new float[1 + l * ldo];
        Arrays.fill(got, -7f);
        simd.flashAttention(l, s, dk, dv, p.scale, p.q, p.qOff, p.ldq, p.k, p.kOff, p.ldk, p.v, p.vOff, p.ldv, mask,
                got, 1, ldo);
        ref.flashAttention(l, s, dk, dv, p.scale, p.q, p.qOff, p.ldq, p.k, p.kOff, p.ldk, p.v, p.vOff, p.ldv, mask,
                want, 1, ldo);
        // unfused: S = Q·Kᵀ, P = softmax(scale·S + mask), O = P·V, all on the SIMD kernels
        float[] sc = new float[l * s];
        simd.gemm(false, true, l, s, dk, 1f, p.q, p.qOff, p.ldq, p.k, p.kOff, p.ldk, 0f, sc, 0, s);
        simd.scaledSoftmax(l, s, p.scale, sc, 0, s, mask);
        float[] unfused = new float[l * dv];
        simd.gemm(false, false, l, dv, s, 1f, sc, 0, s, p.v, p.vOff, p.ldv, 0f, unfused, 0, dv);
        assertTrue(got[0] == -7f, "wrote before the output view");
        for (int i = 0; i < l; i++) {
            assertTrue(got[1 + i * ldo + dv] == -7f, "wrote into the leading-dimension gap after row " + i);
        }
        int tiles = (s + SimdFlashAttention.BC - 1) / SimdFlashAttention.BC;
        double kappa = s + 6.0 * tiles + 4;
        for (int i = 0; i < l; i++) {
            double[] z = new double[s];
            double[] delta = new double[s];
            double m = Double.NEGATIVE_INFINITY, lo = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int j = 0; j < s; j++) {
                double dot = 0, mag = 0;
                for (int c = 0; c < dk; c++) {
                    double t = (double) p.q[p.qOff + i * p.ldq + c] * p.k[p.kOff + j * p.ldk + c];
                    dot += t;
                    mag += Math.abs(t);
                }
                z[j] = mask.isMasked(i, j) ? Double.NEGATIVE_INFINITY : p.scale * dot + mask.bias(i, j);
                delta[j] = (dk + 3) * U * Math.abs(p.scale) * mag + 2 * U * Math.abs(mask.bias(i, j));
                if (z[j] > m) {
                    m = z[j];
                    arg = j;
                }
                if (z[j] > Double.NEGATIVE_INFINITY) {
                    lo = Math.min(lo, z[j]);
                }
            }
            double[] pj = new double[s];
            double[] rho = new double[s];
            double sigma = 0;
            if (arg >= 0) {
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    pj[j] = Math.exp(z[j] - m);
                    sum += pj[j];
                }
                double range = Math.min(m - lo, 104);
                for (int j = 0; j < s; j++) {
                    pj[j] /= sum;
                    if (pj[j] > 0) {
                        rho[j] = delta[j] + delta[arg] + U * Math.abs(z[j] - m) + U * range + 4 * U;
                        sigma += pj[j] * rho[j];
                    }
                }
            }
            for (int c = 0; c < dv; c++) {
                double tol = 0, pv = 0, vmax = 0;
                for (int j = 0; j < s; j++) {
                    double av = Math.abs(p.v[p.vOff + j * p.ldv + c]);
                    tol += pj[j] * av * (rho[j] + sigma + kappa * U);
                    pv += pj[j] * av;
                    vmax = Math.max(vmax, av);
                }
                tol = 1.01 * tol + s * 0x1p-126 * vmax;
                float g = got[1 + i * ldo + c];
                float w = want[1 + i * ldo + c];
                float u = unfused[i * dv + c];
                String where = "O[" + i + "][" + c + "] of l=" + l + " s=" + s + " dk=" + dk + " dv=" + dv
                        + " scale=" + p.scale + " " + mask;
                double err = Math.abs(g - (double) w);
                assertTrue(err <= tol, where + ": got " + g + " want " + w + " |err| " + err + " > " + tol);
                assertTrue(Math.abs(g - (double) u) <= 2 * tol, where + ": fused " + g + " unfused " + u
                        + " differ by more than " + 2 * tol);
                if (pv > 0) {
                    worstRel = Math.max(worstRel, err / pv);
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
