package dev.attn4j.props;

import dev.attn4j.Attention;
import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.KvCache;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.DoubleAccumulator;

/**
 * {@link MultiHeadAttention} (with its {@link AttentionMask} and {@link KvCache}) held to a float64 oracle
 * and to its own invariants, on {@link Kernels#best()} (asserted to be SIMD unless
 * {@code -Dattn4j.expectKernels=scalar}) and on {@link Kernels#reference()}.
 *
 * <p>Cases ({@link #cases()}): E = heads·headDim with heads 1..8 and headDim 1..24, kvHeads a divisor of
 * heads, key/value widths E or 1..40, B 1..3, L and S 1..70 biased to 1 and the query-tile edges 63, 64,
 * 65, every mask kind (fully masked rows included), bias on and off, separate or stacked input weights,
 * inputs of amplitude 1 or 3. Tolerances come from {@link MhaOracle} (derived there, element by
 * element); where two float32 results are each within their bound b of the same exact value, they are
 * compared within 2·b. Bitwise claims are made only where the arithmetic is the same, or exact.
 */
class MhaProperties {
    private static final ExecutorService POOL = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "mha-props");
        t.setDaemon(true);
        return t;
    });

    /** The largest |error| / bound seen against the oracle, and between two bounded results (a factor of 2 allowed). */
    private static final DoubleAccumulator WORST_ORACLE = new DoubleAccumulator(Math::max, 0);
    private static final DoubleAccumulator WORST_PAIR = new DoubleAccumulator(Math::max, 0);

    @AfterContainer
    static void shutdown() {
        POOL.shutdownNow();
        System.out.printf("MhaProperties: largest |error|/bound vs the float64 oracle %.3g; between two float32 results "
                + "|diff|/(2·bound) %.3g%n", WORST_ORACLE.get(), WORST_PAIR.get());
    }

    // ---- generators ----

    /** A sequence length in 1..70: 1, the query-tile edges 63/64/65, vector-width edges, uniform. */
    static Arbitrary<Integer> seqLen() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(1)),
                Tuple.of(3, Arbitraries.of(63, 64, 65)),
                Tuple.of(2, Arbitraries.of(2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33)),
                Tuple.of(4, Arbitraries.integers().between(1, 70)));
    }

    static Arbitrary<MhaCase> cases(Arbitrary<MhaCase.Kind> kinds, boolean square) {
        Arbitrary<Integer> heads = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(1)), Tuple.of(4, Arbitraries.integers().between(1, 8)));
        Arbitrary<Integer> headDim = Gen.dim(1, 24);
        // 0 = the embedding width E (the common case, and the only one in_proj_weight allows)
        Arbitrary<Integer> width = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(1, 40)));
        Arbitrary<int[]> lens = Combinators.combine(seqLen(), seqLen()).as((a, b) -> new int[]{a, square ? a : b});
        Arbitrary<Object[]> rest = Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.of(true, false),
                        Arbitraries.of(true, false), Arbitraries.of(1f, 1f, 3f), Arbitraries.longs())
                .as((kvPick, bias, inProj, amp, seed) -> new Object[]{kvPick, bias, inProj, amp, seed});
        return Combinators.combine(heads, headDim, width, width, Arbitraries.integers().between(1, 3), lens, kinds, rest)
                .as((h, d, kd, vd, b, ls, kind, r) -> {
                    int[] divisors = java.util.stream.IntStream.rangeClosed(1, h).filter(x -> h % x == 0).toArray();
                    int kv = divisors[(Integer) r[0] % divisors.length];
                    return new MhaCase(h, d, kv, kd, vd, b, ls[0], ls[1], kind, (Boolean) r[1], (Boolean) r[2],
                            (Float) r[3], (Long) r[4]).capped();
                });
    }

    @Provide
    Arbitrary<MhaCase> cases() {
        return cases(Arbitraries.of(MhaCase.Kind.class), false);
    }

    /** Square (L = S) cases whose mask contains the causal part. */
    @Provide
    Arbitrary<MhaCase> causalCases() {
        return cases(Arbitraries.of(MhaCase.Kind.CAUSAL, MhaCase.Kind.CAUSAL_PADDING, MhaCase.Kind.COMBINED), true);
    }

    /** Square cases with only the causal mask (what incremental decoding computes). */
    @Provide
    Arbitrary<MhaCase> decodeCases() {
        return cases(Arbitraries.just(MhaCase.Kind.CAUSAL), true);
    }

    // ---- helpers ----

    /** The kernels under test: SIMD, unless the run declares the scalar fallback. */
    static Kernels simd() {
        Kernels k = Kernels.best();
        if (!"scalar".equals(System.getProperty("attn4j.expectKernels", "").trim()) && !k.name().startsWith("simd")) {
            throw new AssertionError("SIMD kernels must be active but Kernels.best() is " + k.name() + " ("
                    + Widths.describe() + "); set -Dattn4j.expectKernels=scalar for the fallback run");
        }
        return k;
    }

    /** |a − b| ≤ factor·tol elementwise (a and b both float32 results bounded by tol around one exact value). */
    static void close(String what, float[] a, float[] b, double[] tol, double factor) {
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs((double) a[i] - b[i]);
            if (tol[i] > 0) {
                WORST_PAIR.accumulate(err / (factor * tol[i]));
            }
            if (!(err <= factor * tol[i])) {
                throw new AssertionError(what + ": element " + i + ": " + a[i] + " vs " + b[i] + ", |diff| " + err
                        + " > " + factor + "·bound " + tol[i]);
            }
        }
    }

    static void within(Kernels k, MhaCase c, String what, float[] actual, double[] exact, double[] tol) {
        for (int i = 0; i < exact.length; i++) {
            if (tol[i] > 0) {
                WORST_ORACLE.accumulate(Math.abs(actual[i] - exact[i]) / tol[i]);
            }
        }
        Checks.within(k, what + " " + c, actual, 0, exact.length, 1, exact.length, exact, tol);
    }

    /** Rows of [B, R, W] reordered along R: out[b][i] = x[b][perm[i]]. */
    static float[] permuteRows(float[] x, int batch, int rows, int w, int[] perm) {
        float[] y = new float[x.length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < rows; i++) {
                System.arraycopy(x, (b * rows + perm[i]) * w, y, (b * rows + i) * w, w);
            }
        }
        return y;
    }

    static int[] permutation(SplittableRandom rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Mask tables [B, h, L, S] with the query rows (rows = true) or key columns permuted. */
    static void permuteTable(MhaCase c, Object src, Object dst, int[] perm, boolean rows) {
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s();
        for (int bh = 0; bh < b * h; bh++) {
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < s; j++) {
                    int from = rows ? (bh * l + perm[i]) * s + j : (bh * l + i) * s + perm[j];
                    int to = (bh * l + i) * s + j;
                    if (src instanceof boolean[] bs) {
                        ((boolean[]) dst)[to] = bs[from];
                    } else {
                        ((float[]) dst)[to] = ((float[]) src)[from];
                    }
                }
            }
        }
    }

    // ---- properties ----

    /**
     * The module on SIMD and on the reference kernels, each within the {@link MhaOracle} bound of the float64
     * value (and so within twice it of each other); inputs are not modified; for B = 1 the unbatched call
     * ([L, E]) gives the same bits as the batched one.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void simdAndReferenceMatchTheFloat64Oracle(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels simd = simd();
        MhaOracle.Expected ex = MhaOracle.of(c, d);
        float[] q0 = d.query.clone(), k0 = d.key.clone(), v0 = d.value.clone();
        float[] fast = c.build(d, simd).forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        float[] ref = c.build(d, Kernels.reference()).forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        within(simd, c, "forward", fast, ex.out(), ex.tol());
        within(Kernels.reference(), c, "forward", ref, ex.out(), ex.tol());
        close(simd.name() + " vs reference, " + c, fast, ref, ex.tol(), 2);
        Checks.unmodified(simd, c, "query", q0, d.query);
        Checks.unmodified(simd, c, "key", k0, d.key);
        Checks.unmodified(simd, c, "value", v0, d.value);
        if (c.batch() == 1) {
            MultiHeadAttention m = c.build(d, simd);
            float[] unbatched = m.forward(Tensor.wrap(d.query, c.l(), c.e()), Tensor.wrap(d.key, c.s(), c.kdim()),
                    Tensor.wrap(d.value, c.s(), c.vdim()), d.mask).data();
            Checks.sameBits(simd.name() + ": unbatched vs batched, " + c, fast, unbatched);
        }
        if (c.kdim() == c.e() && c.vdim() == c.e() && c.l() == c.s()) {
            // the self-attention overload is forward(x, x, x, mask)
            MultiHeadAttention m = c.build(d, simd);
            Checks.sameBits(simd.name() + ": forward(x, mask) vs forward(x, x, x, mask), " + c,
                    m.forward(d.queryT(c), d.queryT(c), Tensor.wrap(d.query, c.batch(), c.l(), c.e()), d.mask).data(),
                    m.forward(d.queryT(c), d.mask).data());
        }
        if (c.l() >= 63 && c.l() <= 65 || c.s() >= 63 && c.s() <= 65) {
            Cases.count("MHA: shapes with L or S in 63..65 (oracle property)");
        }
        Cases.count("MHA: SIMD and reference vs float64 oracle");
    }

    /**
     * The weights path (gemm → scaled softmax → gemm) against the fused path and the oracle: outputs within
     * the bound (twice it of each other); per-head weights within rel·p + 2·UNDER of the exact p; each row
     * sums to 1 within {@link Tolerance#softmaxRowSum}, or is exactly zero when fully masked; the averaged
     * weights are the head mean within γ_{h+1} and their rows sum to (unmasked heads)/h within
     * softmaxRowSum(S) + γ_{h+1}.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void weightsPathMatchesFusedPath(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels simd = simd();
        MhaOracle.Expected ex = MhaOracle.of(c, d);
        MultiHeadAttention m = c.build(d, simd);
        float[] fused = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        MultiHeadAttention.Result per = m.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, false);
        MultiHeadAttention.Result avg = m.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, true);
        within(simd, c, "forwardWithWeights", per.output().data(), ex.out(), ex.tol());
        close("fused vs weights path, " + c, fused, per.output().data(), ex.tol(), 2);
        Checks.sameBits("forwardWithWeights output, averaged vs per-head, " + c, per.output().data(), avg.output().data());
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s();
        if (!Arrays.equals(per.weights().shape(), new int[]{b, h, l, s})
                || !Arrays.equals(avg.weights().shape(), new int[]{b, l, s})) {
            throw new AssertionError("weights shapes " + Arrays.toString(per.weights().shape()) + ", "
                    + Arrays.toString(avg.weights().shape()) + " in " + c);
        }
        float[] w = per.weights().data();
        float[] wa = avg.weights().data();
        double rowSumTol = Tolerance.softmaxRowSum(s);
        double gh = Tolerance.gamma(h + 1);
        long deadRows = 0;
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < l; i++) {
                int live = 0;
                for (int hh = 0; hh < h; hh++) {
                    int row = ((bb * h + hh) * l + i) * s;
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        double err = Math.abs(w[row + j] - ex.p()[row + j]);
                        if (!(err <= ex.pTol(row + j, s))) {
                            throw new AssertionError(simd.name() + ": weight [" + bb + ", " + hh + ", " + i + ", " + j
                                    + "] = " + w[row + j] + " but exact " + ex.p()[row + j] + ", bound "
                                    + ex.pTol(row + j, s) + " in " + c);
                        }
                        sum += w[row + j];
                    }
                    boolean dead = d.fullyMasked(c, bb, hh, i);
                    live += dead ? 0 : 1;
                    deadRows += dead ? 1 : 0;
                    if (dead ? sum != 0 : !(Math.abs(sum - 1) <= rowSumTol)) {
                        throw new AssertionError("weights row [" + bb + ", " + hh + ", " + i + "] sums to " + sum
                                + (dead ? " but is fully masked (must be 0)" : ", bound " + rowSumTol) + " in " + c);
                    }
                }
                double avgSum = 0;
                for (int j = 0; j < s; j++) {
                    double mean = 0, mag = 0;
                    for (int hh = 0; hh < h; hh++) {
                        mean += w[((bb * h + hh) * l + i) * s + j];
                        mag += Math.abs(w[((bb * h + hh) * l + i) * s + j]);
                    }
                    mean /= h;
                    float a = wa[(bb * l + i) * s + j];
                    if (!(Math.abs(a - mean) <= gh * mag / h + Tolerance.SUB)) {
                        throw new AssertionError("averaged weight [" + bb + ", " + i + ", " + j + "] = " + a
                                + " but the head mean is " + mean + " in " + c);
                    }
                    avgSum += a;
                }
                double expect = (double) live / h;
                if (!(Math.abs(avgSum - expect) <= rowSumTol + gh * (1 + Tolerance.EPS))) {
                    throw new AssertionError("averaged weights row [" + bb + ", " + i + "] sums to " + avgSum + " but "
                            + live + "/" + h + " heads are live in " + c);
                }
            }
        }
        Cases.add("MHA: fully masked query rows seen (weights path)", deadRows);
        Cases.count("MHA: weights path vs fused, rows sum to 1");
    }

    /**
     * Metamorphic: MHA with h heads is h independent single-head attentions. Q, K, V are projected with
     * the same kernels' gemm (bias rows, then β = 1, as a PyTorch linear), each head's columns copied out
     * to a dense [B, L, d] tensor, attended with {@link Attention#scaledDotProduct} and that head's mask
     * slice [B, L, S], concatenated and projected. The module gets the same mask as one explicit
     * [B·h, L, S] boolean + additive mask. Only the memory layout differs (strided views vs copies), and the
     * kernels' rows do not depend on layout (the gemm determinism contract; the attention kernels process
     * each query row on its own), so the results must be bitwise equal.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void headsAreIndependentScaledDotProductAttentions(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        int b = c.batch(), h = c.heads(), l = c.l(), s = c.s(), e = c.e(), ekv = c.ekv(), hd = c.headDim();
        float[] explicitBias = d.explicitBias();
        AttentionMask all = MhaCase.explicit(c, d.masked, explicitBias);
        float[] out = c.build(d, k).forward(d.queryT(c), d.keyT(c), d.valueT(c), all).data();

        float[] q = linear(k, d.query, b * l, e, d.wq, d.bq, e);
        float[] kp = linear(k, d.key, b * s, c.kdim(), d.wk, d.bk, ekv);
        float[] vp = linear(k, d.value, b * s, c.vdim(), d.wv, d.bv, ekv);
        float[] concat = new float[b * l * e];
        float scale = (float) (1.0 / Math.sqrt(hd));
        int group = h / c.kvHeads();
        for (int hh = 0; hh < h; hh++) {
            int g = hh / group;
            float[] qh = columns(q, b * l, e, hh * hd, hd);
            float[] kh = columns(kp, b * s, ekv, g * hd, hd);
            float[] vh = columns(vp, b * s, ekv, g * hd, hd);
            boolean[] mh = new boolean[b * l * s];
            float[] ah = new float[b * l * s];
            for (int bb = 0; bb < b; bb++) {
                System.arraycopy(d.masked, (bb * h + hh) * l * s, mh, bb * l * s, l * s);
                System.arraycopy(explicitBias, (bb * h + hh) * l * s, ah, bb * l * s, l * s);
            }
            AttentionMask mask = AttentionMask.blocked(mh, b, l, s).and(AttentionMask.additive(Tensor.wrap(ah, b, l, s)));
            float[] oh = Attention.scaledDotProduct(Tensor.wrap(qh, b, l, hd), Tensor.wrap(kh, b, s, hd),
                    Tensor.wrap(vh, b, s, hd), mask, scale, k).data();
            for (int r = 0; r < b * l; r++) {
                System.arraycopy(oh, r * hd, concat, r * e + hh * hd, hd);
            }
        }
        float[] expected = linear(k, concat, b * l, e, d.wo, d.bo, e);
        Checks.sameBits(k.name() + ": MHA vs " + h + " single-head attentions, " + c, expected, out);
        Cases.count("MHA: h heads == h single-head attentions");
    }

    /** y = x·Wᵀ + b as a PyTorch linear: the bias in the rows, then gemm with β = 1 (β = 0 without bias). */
    static float[] linear(Kernels k, float[] x, int rows, int in, float[] w, float[] bias, int out) {
        float[] y = new float[rows * out];
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bias, 0, y, r * out, out);
            }
        }
        k.gemm(false, true, rows, out, in, 1f, x, 0, in, w, 0, in, bias != null ? 1f : 0f, y, 0, out);
        return y;
    }

    /** Columns [c0, c0 + n) of a [rows, w] matrix as a dense [rows, n] one. */
    static float[] columns(float[] x, int rows, int w, int c0, int n) {
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * w + c0, y, r * n, n);
        }
        return y;
    }

    /**
     * Permuting the query rows (with their mask rows) permutes the output rows, bitwise: every stage treats
     * query rows independently. The mask is given in the explicit [B·h, L, S] form so that it can be permuted.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void permutingQueriesPermutesOutputRowsBitwise(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        int b = c.batch(), l = c.l(), e = c.e();
        float[] explicitBias = d.explicitBias();
        MultiHeadAttention m = c.build(d, k);
        float[] out = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), MhaCase.explicit(c, d.masked, explicitBias)).data();
        int[] perm = permutation(new SplittableRandom(c.seed() + 1), l);
        float[] pq = permuteRows(d.query, b, l, e, perm);
        boolean[] pm = new boolean[d.masked.length];
        float[] pb = new float[explicitBias.length];
        permuteTable(c, d.masked, pm, perm, true);
        permuteTable(c, explicitBias, pb, perm, true);
        float[] pout = m.forward(Tensor.wrap(pq, b, l, e), d.keyT(c), d.valueT(c), MhaCase.explicit(c, pm, pb)).data();
        Checks.sameBits(k.name() + ": forward(P·query) vs P·forward(query), " + c, permuteRows(out, b, l, e, perm), pout);
        Cases.count("MHA: query permutation (bitwise)");
    }

    /**
     * Permuting the key and value rows together with their mask columns changes only the order in which the
     * keys are summed: the result stays within the oracle bound of the unpermuted exact value (the bound is
     * symmetric in the keys), so within twice it of the unpermuted result.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void permutingKeysAndValuesLeavesOutputWithinBound(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        int b = c.batch(), s = c.s();
        MhaOracle.Expected ex = MhaOracle.of(c, d);
        float[] explicitBias = d.explicitBias();
        MultiHeadAttention m = c.build(d, k);
        float[] out = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), MhaCase.explicit(c, d.masked, explicitBias)).data();
        int[] perm = permutation(new SplittableRandom(c.seed() + 2), s);
        float[] pk = permuteRows(d.key, b, s, c.kdim(), perm);
        float[] pv = permuteRows(d.value, b, s, c.vdim(), perm);
        boolean[] pm = new boolean[d.masked.length];
        float[] pb = new float[explicitBias.length];
        permuteTable(c, d.masked, pm, perm, false);
        permuteTable(c, explicitBias, pb, perm, false);
        float[] pout = m.forward(d.queryT(c), Tensor.wrap(pk, b, s, c.kdim()), Tensor.wrap(pv, b, s, c.vdim()),
                MhaCase.explicit(c, pm, pb)).data();
        within(k, c, "forward with permuted keys", pout, ex.out(), ex.tol());
        close(k.name() + ": permuted keys vs original, " + c, out, pout, ex.tol(), 2);
        Cases.count("MHA: key/value permutation (within bound)");
    }

    /**
     * With a causal mask, output row i depends on query row i and key/value rows ≤ i only: replacing the
     * query rows after t and the key/value rows after t with new random values leaves rows 0..t bitwise
     * unchanged (masked scores must not leak into the max, the sum or the accumulator).
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void causalOutputIgnoresTheFutureBitwise(@ForAll("causalCases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        int b = c.batch(), n = c.l();
        SplittableRandom rnd = new SplittableRandom(c.seed() + 3);
        int t = n == 1 ? 0 : rnd.nextInt(n - 1); // rows 0..t are kept, t+1..n-1 replaced
        float[] q2 = d.query.clone(), k2 = d.key.clone(), v2 = d.value.clone();
        for (int bb = 0; bb < b; bb++) {
            for (int i = t + 1; i < n; i++) {
                scramble(rnd, q2, (bb * n + i) * c.e(), c.e(), 4 * c.amp());
                scramble(rnd, k2, (bb * n + i) * c.kdim(), c.kdim(), 4 * c.amp());
                scramble(rnd, v2, (bb * n + i) * c.vdim(), c.vdim(), 4 * c.amp());
            }
        }
        MultiHeadAttention m = c.build(d, k);
        float[] out = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        float[] out2 = m.forward(Tensor.wrap(q2, b, n, c.e()), Tensor.wrap(k2, b, n, c.kdim()),
                Tensor.wrap(v2, b, n, c.vdim()), d.mask).data();
        for (int bb = 0; bb < b; bb++) {
            int from = bb * n * c.e();
            int to = from + (t + 1) * c.e();
            Checks.sameBits(k.name() + ": causal rows 0.." + t + " of batch " + bb + " after changing later rows, " + c,
                    Arrays.copyOfRange(out, from, to), Arrays.copyOfRange(out2, from, to));
        }
        Cases.count("MHA: causal ignores the future (bitwise)");
    }

    private static void scramble(SplittableRandom rnd, float[] x, int off, int n, float amp) {
        for (int i = 0; i < n; i++) {
            x[off + i] = (float) rnd.nextDouble(-amp, amp);
        }
    }

    /**
     * Doubling the value input doubles V = value·W_vᵀ exactly (every product and partial sum is scaled by
     * a power of two, so every rounding is too); the attention weights do not see V, so the head outputs
     * double exactly, and so does the output projection. With biases, b_v and b_o are doubled too, which
     * keeps every stage an exact doubling: forward(q, k, 2·v) = 2·forward(q, k, v), bitwise, and the weights
     * are bitwise unchanged. (Exact barring overflow and subnormal results, which inputs of this size do not
     * reach.)
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void doublingValuesDoublesTheOutputExactly(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        MultiHeadAttention m = c.build(d, k);
        MultiHeadAttention.Result r = m.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, false);
        float[] out = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        MhaData d2 = c.data();
        float[] v2 = d2.value;
        for (int i = 0; i < v2.length; i++) {
            v2[i] *= 2;
        }
        if (c.bias()) {
            for (int i = 0; i < d2.bv.length; i++) {
                d2.bv[i] *= 2;
            }
            for (int i = 0; i < d2.bo.length; i++) {
                d2.bo[i] *= 2;
            }
        }
        MultiHeadAttention m2 = c.build(d2, k);
        float[] out2 = m2.forward(d.queryT(c), d.keyT(c), d2.valueT(c), d.mask).data();
        MultiHeadAttention.Result r2 = m2.forwardWithWeights(d.queryT(c), d.keyT(c), d2.valueT(c), d.mask, false);
        float[] twice = out.clone();
        float[] twiceW = r.output().data().clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] *= 2;
            twiceW[i] *= 2;
        }
        Checks.sameBits(k.name() + ": forward with V doubled, " + c, twice, out2);
        Checks.sameBits(k.name() + ": forwardWithWeights output with V doubled, " + c, twiceW, r2.output().data());
        Checks.sameBits(k.name() + ": weights with V doubled, " + c, r.weights().data(), r2.weights().data());
        Cases.count("MHA: doubling V doubles the output (bitwise)");
    }

    /**
     * An executor with 2, 3 or 8 threads and parallelThreshold(0) (every stage split into its fixed work
     * items) gives the same bits as one thread, for forward, forwardWithWeights and a cached decode.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void parallelExecutorsGiveTheSameBitsAsOneThread(@ForAll("cases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        MultiHeadAttention one = c.build(d, k);
        float[] out = one.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
        MultiHeadAttention.Result w = one.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, false);
        KvCache cache = one.newCache(c.batch(), c.s());
        float[] dec = one.forward(d.queryT(c), d.keyT(c), d.valueT(c), cache).data();
        for (int threads : new int[]{2, 3, 8}) {
            MultiHeadAttention p = c.builder(d, k).executor(POOL, threads).parallelThreshold(0).build();
            float[] pout = p.forward(d.queryT(c), d.keyT(c), d.valueT(c), d.mask).data();
            if (!Arrays.equals(out, pout)) {
                Checks.sameBits(k.name() + ": forward on " + threads + " threads vs 1, " + c, out, pout);
            }
            MultiHeadAttention.Result pw = p.forwardWithWeights(d.queryT(c), d.keyT(c), d.valueT(c), d.mask, false);
            if (!Arrays.equals(w.output().data(), pw.output().data()) || !Arrays.equals(w.weights().data(), pw.weights().data())) {
                Checks.sameBits(k.name() + ": forwardWithWeights output on " + threads + " threads, " + c,
                        w.output().data(), pw.output().data());
                Checks.sameBits(k.name() + ": weights on " + threads + " threads, " + c, w.weights().data(), pw.weights().data());
            }
            KvCache pc = p.newCache(c.batch(), c.s());
            float[] pdec = p.forward(d.queryT(c), d.keyT(c), d.valueT(c), pc).data();
            if (!Arrays.equals(dec, pdec)) {
                Checks.sameBits(k.name() + ": cached forward on " + threads + " threads, " + c, dec, pdec);
            }
        }
        Cases.count("MHA: 2/3/8 threads == 1 thread (Arrays.equals)");
    }

    /**
     * Feeding a sequence through a {@link KvCache} in chunks (mostly one token: the decode path K·q →
     * softmax → Σp·V; sometimes several: the causal fused path with a diagonal offset) gives each output row
     * within the oracle bound of the full causal forward's exact value, so within twice it of the full
     * forward's row; the cache ends full, and one more token is refused without changing it; after
     * {@link KvCache#reset} the whole sequence as one prefill gives the full causal forward's bits.
     */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void kvCacheDecodingMatchesTheFullCausalForward(@ForAll("decodeCases") MhaCase c) {
        MhaData d = c.data();
        Kernels k = simd();
        int b = c.batch(), n = c.l(), e = c.e(), kd = c.kdim(), vd = c.vdim();
        MhaOracle.Expected ex = MhaOracle.of(c, d);
        MultiHeadAttention m = c.build(d, k);
        float[] full = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), AttentionMask.causal()).data();
        within(k, c, "full causal forward", full, ex.out(), ex.tol());
        KvCache cache = m.newCache(b, n);
        float[] stepped = new float[b * n * e];
        SplittableRandom rnd = new SplittableRandom(c.seed() + 4);
        int t0 = 0;
        while (t0 < n) {
            int chunk = Math.min(n - t0, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(9) : 1);
            Tensor q = Tensor.wrap(rowsOf(d.query, b, n, e, t0, chunk), b, chunk, e);
            Tensor kk = Tensor.wrap(rowsOf(d.key, b, n, kd, t0, chunk), b, chunk, kd);
            Tensor vv = Tensor.wrap(rowsOf(d.value, b, n, vd, t0, chunk), b, chunk, vd);
            float[] o = m.forward(q, kk, vv, cache).data();
            for (int bb = 0; bb < b; bb++) {
                System.arraycopy(o, bb * chunk * e, stepped, (bb * n + t0) * e, chunk * e);
            }
            t0 += chunk;
            if (cache.length() != t0) {
                throw new AssertionError("cache length " + cache.length() + " after " + t0 + " tokens in " + c);
            }
        }
        within(k, c, "KV-cache decode", stepped, ex.out(), ex.tol());
        close(k.name() + ": KV-cache decode vs full causal forward, " + c, stepped, full, ex.tol(), 2);
        Tensor one = Tensor.wrap(rowsOf(d.query, b, n, e, 0, 1), b, 1, e);
        try {
            m.forward(one, Tensor.wrap(rowsOf(d.key, b, n, kd, 0, 1), b, 1, kd),
                    Tensor.wrap(rowsOf(d.value, b, n, vd, 0, 1), b, 1, vd), cache);
            throw new AssertionError("a full cache accepted one more token: " + cache + " in " + c);
        } catch (IllegalStateException expected) {
            if (cache.length() != n) {
                throw new AssertionError("the refused append changed the cache: " + cache + " in " + c);
            }
        }
        // a reset cache is reused: the whole sequence as one prefill is the full causal forward, bitwise
        // (the same projections, and the same fused kernel with the causal diagonal at offset n − L = 0)
        cache.reset();
        float[] prefill = m.forward(d.queryT(c), d.keyT(c), d.valueT(c), cache).data();
        Checks.sameBits(k.name() + ": prefill of a reset cache vs full causal forward, " + c, full, prefill);
        Cases.count("MHA: KV-cache decode vs full causal forward");
    }

    /** Rows [t0, t0 + count) of each batch of a [B, n, w] array, as [B, count, w]. */
    static float[] rowsOf(float[] x, int b, int n, int w, int t0, int count) {
        float[] y = new float[b * count * w];
        for (int bb = 0; bb < b; bb++) {
            System.arraycopy(x, (bb * n + t0) * w, y, bb * count * w, count * w);
        }
        return y;
    }
}
