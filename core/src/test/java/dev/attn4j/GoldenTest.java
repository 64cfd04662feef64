package dev.attn4j;

import dev.attn4j.io.SafeTensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Golden tests against PyTorch 1.13 {@code nn.MultiheadAttention} and the attention formula, computed by
 * {@code src/test/resources/fixtures/make_fixtures.py} in float64 from float32 inputs and weights.
 *
 * <p>Tolerance: per element, twice the first-order float32 error bound of {@link Float64Attention}
 * (γ_n·Σ|a||b| per dot product, propagated through softmax and the projections). The float64 evaluation
 * of that class is first checked against PyTorch's float64 result (to the float32 rounding of the
 * fixture), so the bound is anchored to PyTorch, not to the code under test.
 */
class GoldenTest {
    /** case → {max |error|, max |error| / bound}, printed after the tests. */
    private static final Map<String, double[]> STATS = new TreeMap<>();

    static Path fixture(String name) {
        try {
            return Paths.get(GoldenTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> mhaCases() {
        List<Arguments> list = new ArrayList<>();
        for (Kernels k : new Kernels[]{Kernels.best(), Kernels.reference()}) {
            list.add(Arguments.of("mha_packed.safetensors", 2, "none", k));
            list.add(Arguments.of("mha_packed.safetensors", 2, "causal", k));
            list.add(Arguments.of("mha_packed.safetensors", 2, "blocked_padding", k));
            list.add(Arguments.of("mha_packed.safetensors", 2, "additive", k));
            list.add(Arguments.of("mha_kvdim.safetensors", 4, "none", k));
            list.add(Arguments.of("mha_nobias.safetensors", 3, "causal", k));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {2} on {3}")
    @MethodSource("mhaCases")
    void multiHeadAttentionMatchesPyTorch(String file, int heads, String kase, Kernels kernels) throws IOException {
        try (SafeTensors st = SafeTensors.open(fixture(file))) {
            MultiHeadAttention mha = MultiHeadAttention.pyTorchBuilder(st, "attn.", heads).kernels(kernels).build();
            Tensor q = st.tensor("query");
            Tensor k = st.tensor("key");
            Tensor v = st.tensor("value");
            int b = q.dim(0);
            int l = q.dim(1);
            int s = k.dim(1);
            int e = q.dim(2);
            assertEquals(Integer.parseInt(st.metadata().get("E")), mha.embedDim());
            // the masks, as the API takes them
            List<AttentionMask> masks = new ArrayList<>();
            boolean[] masked = null;
            double[] additive = null;
            if (st.contains(kase + ".attn_mask")) {
                Tensor am = st.tensor(kase + ".attn_mask");
                int[] shape = am.shape();
                int slices = shape.length == 3 ? shape[0] : 1;
                masked = new boolean[b * heads * l * s];
                if (st.dtype(kase + ".attn_mask").equals("BOOL")) {
                    boolean[] bl = toBool(am.data());
                    masks.add(AttentionMask.blocked(bl, shape));
                    if (kase.equals("causal")) {
                        masks.add(AttentionMask.causal()); // the same mask, without an L×S array
                    }
                    for (int i = 0; i < masked.length; i++) {
                        int bh = i / (l * s);
                        masked[i] = bl[(slices == 1 ? 0 : bh % slices) * l * s + i % (l * s)];
                    }
                } else {
                    masks.add(AttentionMask.additive(am));
                    additive = new double[masked.length];
                    for (int i = 0; i < additive.length; i++) {
                        additive[i] = am.data()[i % (l * s)];
                    }
                }
            } else {
                masks.add(AttentionMask.none());
            }
            if (st.contains(kase + ".key_padding_mask")) {
                boolean[] kp = toBool(st.tensor(kase + ".key_padding_mask").data());
                masks.replaceAll(m -> m.and(AttentionMask.keyPadding(kp, b, s)));
                if (masked == null) {
                    masked = new boolean[b * heads * l * s];
                }
                for (int i = 0; i < masked.length; i++) {
                    masked[i] |= kp[(i / (heads * l * s)) * s + i % s];
                }
            }

            // float64 evaluation from the float32 weights, with the error bound
            Float64Attention.Heads f = new Float64Attention.Heads();
            float[][] w = weights(st, e, mha);
            double[][] qp = Float64Attention.linear(Float64Attention.toDouble(q.data()), null, b * l, e, w[0], w[3], e);
            double[][] kp = Float64Attention.linear(Float64Attention.toDouble(k.data()), null, b * s, mha.kdim(), w[1], w[4], e);
            double[][] vp = Float64Attention.linear(Float64Attention.toDouble(v.data()), null, b * s, mha.vdim(), w[2], w[5], e);
            f.batch = b;
            f.heads = heads;
            f.kvHeads = heads;
            f.l = l;
            f.s = s;
            f.dk = f.dv = e / heads;
            f.scale = 1 / Math.sqrt(e / heads);
            f.q = qp[0];
            f.eq = qp[1];
            f.k = kp[0];
            f.ek = kp[1];
            f.v = vp[0];
            f.ev = vp[1];
            f.masked = masked;
            f.additive = additive;
            f.run();
            double[][] op = Float64Attention.linear(f.o, f.eo, b * l, e, w[6], w[7], e);

            Tensor expected = st.tensor(kase + ".out");
            Tensor expectedAvg = st.tensor(kase + ".weights_avg");
            Tensor expectedHeads = st.tensor(kase + ".weights_heads");
            // the oracle agrees with PyTorch to the fixture's float32 rounding
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.data()[i], op[0][i], Float64Attention.EPS * Math.abs(op[0][i]) + 1e-12,
                        "float64 oracle vs PyTorch at " + i);
            }
            for (int i = 0; i < expectedHeads.size(); i++) {
                assertEquals(expectedHeads.data()[i], f.p[i], Float64Attention.EPS * f.p[i] + 1e-12,
                        "float64 oracle weights vs PyTorch at " + i);
            }

            double[] outBound = new double[op[1].length];
            for (int i = 0; i < outBound.length; i++) {
                outBound[i] = 2 * (op[1][i] + Float64Attention.EPS * Math.abs(op[0][i]));
            }
            double[] headBound = new double[f.ep.length];
            for (int i = 0; i < headBound.length; i++) {
                headBound[i] = 2 * (f.ep[i] + Float64Attention.EPS * f.p[i]);
            }
            double[] avgBound = new double[b * l * s];
            for (int i = 0; i < headBound.length; i++) {
                int bb = i / (heads * l * s);
                avgBound[bb * l * s + i % (l * s)] += headBound[i] / heads;
            }
            for (int i = 0; i < avgBound.length; i++) {
                avgBound[i] += 2 * heads * Float64Attention.EPS; // float32 mean of h values ≤ 1
            }
            String tag = file.replace(".safetensors", "") + " " + kase + " " + kernels.name();
            for (AttentionMask mask : masks) {
                Tensor out = mha.forward(q, k, v, mask);
                assertArrayEquals(new int[]{b, l, e}, out.shape());
                compare(tag + " out (fused)", expected.data(), out.data(), outBound, mask);
                MultiHeadAttention.Result avg = mha.forwardWithWeights(q, k, v, mask, true);
                compare(tag + " out (weights path)", expected.data(), avg.output().data(), outBound, mask);
                assertArrayEquals(new int[]{b, l, s}, avg.weights().shape());
                compare(tag + " weights averaged", expectedAvg.data(), avg.weights().data(), avgBound, mask);
                MultiHeadAttention.Result per = mha.forwardWithWeights(q, k, v, mask, false);
                assertArrayEquals(new int[]{b, heads, l, s}, per.weights().shape());
                compare(tag + " weights per head", expectedHeads.data(), per.weights().data(), headBound, mask);
                assertArrayEquals(avg.output().data(), per.output().data(), "both weight modes share the output path");
            }
        }
    }

    /** W_q, W_k, W_v, b_q, b_k, b_v, W_o, b_o as stored by PyTorch. */
    private static float[][] weights(SafeTensors st, int e, MultiHeadAttention mha) throws IOException {
        float[] wq;
        float[] wk;
        float[] wv;
        if (st.contains("attn.in_proj_weight")) {
            float[] w = st.tensor("attn.in_proj_weight").data();
            wq = Arrays.copyOfRange(w, 0, e * e);
            wk = Arrays.copyOfRange(w, e * e, 2 * e * e);
            wv = Arrays.copyOfRange(w, 2 * e * e, 3 * e * e);
        } else {
            wq = st.tensor("attn.q_proj_weight").data();
            wk = st.tensor("attn.k_proj_weight").data();
            wv = st.tensor("attn.v_proj_weight").data();
        }
        float[] bq = null;
        float[] bk = null;
        float[] bv = null;
        float[] bo = null;
        if (mha.hasBias()) {
            float[] ib = st.tensor("attn.in_proj_bias").data();
            bq = Arrays.copyOfRange(ib, 0, e);
            bk = Arrays.copyOfRange(ib, e, 2 * e);
            bv = Arrays.copyOfRange(ib, 2 * e, 3 * e);
            bo = st.tensor("attn.out_proj.bias").data();
        }
        return new float[][]{wq, wk, wv, bq, bk, bv, st.tensor("attn.out_proj.weight").data(), bo};
    }

    private static boolean[] toBool(float[] f) {
        boolean[] b = new boolean[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = f[i] != 0f;
        }
        return b;
    }

    private static void compare(String what, float[] expected, float[] actual, double[] bound, Object mask) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxErr = 0;
        double maxRatio = 0;
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= bound[i])) {
                fail(String.format(Locale.ROOT, "%s with %s: element %d is %.9g, PyTorch %.9g, |error| %.3g > bound %.3g",
                        what, mask, i, actual[i], expected[i], err, bound[i]));
            }
            maxErr = Math.max(maxErr, err);
            maxRatio = Math.max(maxRatio, bound[i] == 0 ? 0 : err / bound[i]);
        }
        double[] st = STATS.computeIfAbsent(what, x -> new double[2]);
        st[0] = Math.max(st[0], maxErr);
        st[1] = Math.max(st[1], maxRatio);
    }

    @ParameterizedTest(name = "sdpa {0} on {1}")
    @MethodSource("sdpaCases")
    void scaledDotProductMatchesFormula(String kase, Kernels kernels) throws IOException {
        try (SafeTensors st = SafeTensors.open(fixture("sdpa.safetensors"))) {
            Tensor q = st.tensor("q");
            Tensor k = st.tensor("k");
            Tensor v = st.tensor("v");
            int b = q.dim(0);
            int h = q.dim(1);
            int l = q.dim(2);
            int s = k.dim(2);
            AttentionMask mask;
            boolean[] masked = null;
            double[] additive = null;
            switch (kase) {
                case "causal":
                    mask = AttentionMask.causal(); // top-left: query i sees keys j ≤ i although L = 5 < S = 7
                    masked = new boolean[b * h * l * s];
                    for (int i = 0; i < masked.length; i++) {
                        masked[i] = i % s > (i / s) % l;
                    }
                    break;
                case "additive":
                    Tensor add = st.tensor("additive");
                    mask = AttentionMask.additive(add);
                    additive = new double[b * h * l * s];
                    for (int i = 0; i < additive.length; i++) {
                        additive[i] = add.data()[i % (l * s)];
                    }
                    break;
                default:
                    mask = AttentionMask.none();
            }
            Float64Attention.Heads f = new Float64Attention.Heads();
            // treat [B, H, L, d] as B·H batches of one head
            f.batch = b * h;
            f.heads = 1;
            f.kvHeads = 1;
            f.l = l;
            f.s = s;
            f.dk = q.dim(3);
            f.dv = v.dim(3);
            f.scale = 0.5;
            f.q = Float64Attention.toDouble(q.data());
            f.k = Float64Attention.toDouble(k.data());
            f.v = Float64Attention.toDouble(v.data());
            f.masked = masked;
            f.additive = additive;
            f.run();
            Tensor expected = st.tensor("out_" + kase);
            double[] bound = new double[f.eo.length];
            for (int i = 0; i < bound.length; i++) {
                assertEquals(expected.data()[i], f.o[i], Float64Attention.EPS * Math.abs(f.o[i]) + 1e-12, "oracle vs PyTorch");
                bound[i] = 2 * (f.eo[i] + Float64Attention.EPS * Math.abs(f.o[i]));
            }
            Tensor out = Attention.scaledDotProduct(q, k, v, mask, Attention.defaultScale(q), kernels);
            assertArrayEquals(new int[]{b, h, l, v.dim(3)}, out.shape());
            compare("sdpa " + kase + " " + kernels.name(), expected.data(), out.data(), bound, mask);
        }
    }

    static Stream<Arguments> sdpaCases() {
        List<Arguments> list = new ArrayList<>();
        for (Kernels k : new Kernels[]{Kernels.best(), Kernels.reference()}) {
            for (String c : new String[]{"none", "causal", "additive"}) {
                list.add(Arguments.of(c, k));
            }
        }
        return list.stream();
    }

    @AfterAll
    static void printStats() {
        assertTrue(!STATS.isEmpty());
        System.out.println("Golden tests vs PyTorch: max |error| and max |error|/bound per case");
        STATS.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-60s max|err| %.3e  ratio %.4f%n", k, v[0], v[1]));
    }
}
