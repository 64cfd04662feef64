package dev.attn4j;

import dev.attn4j.io.MalformedFileException;
import dev.attn4j.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.attn4j.AttentionTest.assertMessage;
import static dev.attn4j.TestData.assertClose;
import static dev.attn4j.TestData.bools;
import static dev.attn4j.TestData.permuteRows;
import static dev.attn4j.TestData.permutation;
import static dev.attn4j.TestData.randomMha;
import static dev.attn4j.TestData.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiHeadAttentionTest {
    private static final double EPS = 0x1p-24;

    @TempDir
    Path dir;

    static Stream<Kernels> kernels() {
        return Stream.of(Kernels.best(), Kernels.reference());
    }

    /**
     * Reordering keys changes only the order of the S-term sums (softmax denominator and Σ p·v), so outputs
     * agree to a few S·ε relative to the output's magnitude (values here are O(1)).
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void permutingKeysWithTheirMaskEntriesLeavesOutputUnchanged(Kernels kernels) {
        Random rnd = new Random(10);
        int b = 2, l = 5, s = 9, e = 8, h = 2, kd = 6, vd = 5;
        MultiHeadAttention mha = randomMha(rnd, e, h, h, kd, vd, true).kernels(kernels).build();
        Tensor q = uniform(rnd, 1, b, l, e);
        Tensor k = uniform(rnd, 1, b, s, kd);
        Tensor v = uniform(rnd, 1, b, s, vd);
        boolean[] blocked = bools(rnd, 0.3, b * h * l * s);
        boolean[] pad = bools(rnd, 0.2, b * s);
        Tensor add = uniform(rnd, 1, l, s);
        int[] p = permutation(rnd, s);
        boolean[] blockedP = new boolean[blocked.length];
        for (int n = 0; n < b * h * l; n++) {
            for (int j = 0; j < s; j++) {
                blockedP[n * s + j] = blocked[n * s + p[j]];
            }
        }
        boolean[] padP = new boolean[pad.length];
        Tensor addP = Tensor.zeros(l, s);
        for (int j = 0; j < s; j++) {
            for (int bb = 0; bb < b; bb++) {
                padP[bb * s + j] = pad[bb * s + p[j]];
            }
            for (int i = 0; i < l; i++) {
                addP.data()[i * s + j] = add.data()[i * s + p[j]];
            }
        }
        AttentionMask mask = AttentionMask.blocked(blocked, b * h, l, s).and(AttentionMask.keyPadding(pad, b, s))
                .and(AttentionMask.additive(add));
        AttentionMask maskP = AttentionMask.blocked(blockedP, b * h, l, s).and(AttentionMask.keyPadding(padP, b, s))
                .and(AttentionMask.additive(addP));
        Tensor out = mha.forward(q, k, v, mask);
        Tensor outP = mha.forward(q, permuteRows(k, p), permuteRows(v, p), maskP);
        assertClose(out.data(), outP.data(), 8 * (s + e) * EPS, "keys permuted");
        MultiHeadAttention.Result w = mha.forwardWithWeights(q, k, v, mask, false);
        MultiHeadAttention.Result wP = mha.forwardWithWeights(q, permuteRows(k, p), permuteRows(v, p), maskP, false);
        for (int n = 0; n < b * h * l; n++) {
            for (int j = 0; j < s; j++) {
                assertEquals(w.weights().data()[n * s + p[j]], wP.weights().data()[n * s + j], 8 * s * EPS,
                        "weight columns follow their keys");
            }
        }
    }

    /** Each output row depends only on its own query row, so permuting queries permutes outputs bitwise. */
    @ParameterizedTest
    @MethodSource("kernels")
    void permutingQueriesPermutesOutputRows(Kernels kernels) {
        Random rnd = new Random(11);
        int b = 2, l = 70, s = 6, e = 8, h = 4;
        MultiHeadAttention mha = randomMha(rnd, e, h, 2, e, e, true).kernels(kernels).build();
        Tensor q = uniform(rnd, 1, b, l, e);
        Tensor k = uniform(rnd, 1, b, s, e);
        Tensor v = uniform(rnd, 1, b, s, e);
        boolean[] blocked = bools(rnd, 0.3, b * l * s);
        int[] p = permutation(rnd, l);
        boolean[] blockedP = new boolean[blocked.length];
        for (int bb = 0; bb < b; bb++) {
            for (int i = 0; i < l; i++) {
                System.arraycopy(blocked, (bb * l + p[i]) * s, blockedP, (bb * l + i) * s, s);
            }
        }
        Tensor out = mha.forward(q, k, v, AttentionMask.blocked(blocked, b, l, s));
        Tensor outP = mha.forward(permuteRows(q, p), k, v, AttentionMask.blocked(blockedP, b, l, s));
        assertArrayEquals(permuteRows(out, p).data(), outP.data());
    }

    /** With a causal mask, output row i is bitwise the same whatever the inputs after i are. */
    @ParameterizedTest
    @MethodSource("kernels")
    void causalRowIgnoresLaterInputs(Kernels kernels) {
        Random rnd = new Random(12);
        int b = 2, l = 9, e = 6, h = 3;
        MultiHeadAttention mha = randomMha(rnd, e, h, h, e, e, true).kernels(kernels).build();
        Tensor x = uniform(rnd, 1, b, l, e);
        Tensor out = mha.forward(x, AttentionMask.causal());
        for (int i = 0; i < l - 1; i++) {
            Tensor changed = Tensor.wrap(x.toArray(), b, l, e);
            for (int bb = 0; bb < b; bb++) {
                for (int c = (bb * l + i + 1) * e; c < (bb + 1) * l * e; c++) {
                    changed.data()[c] = (rnd.nextFloat() * 2 - 1) * 3;
                }
            }
            Tensor out2 = mha.forward(changed, AttentionMask.causal());
            for (int bb = 0; bb < b; bb++) {
                for (int r = 0; r <= i; r++) {
                    int off = (bb * l + r) * e;
                    assertArrayEquals(Arrays.copyOfRange(out.data(), off, off + e), Arrays.copyOfRange(out2.data(), off, off + e),
                            "row " + r + " after changing rows > " + i);
                }
                int last = (bb * l + l - 1) * e;
                assertFalse(Arrays.equals(Arrays.copyOfRange(out.data(), last, last + e),
                        Arrays.copyOfRange(out2.data(), last, last + e)), "the last row does see the change");
            }
        }
    }

    /** h = 1 with identity projections and no bias is scaledDotProduct with scale 1/√E, bitwise (identity products are exact). */
    @ParameterizedTest
    @MethodSource("kernels")
    void oneHeadWithIdentityProjectionsIsScaledDotProduct(Kernels kernels) {
        Random rnd = new Random(13);
        int b = 2, l = 70, s = 11, e = 5;
        Tensor eye = Tensor.zeros(e, e);
        for (int i = 0; i < e; i++) {
            eye.data()[i * e + i] = 1;
        }
        MultiHeadAttention mha = MultiHeadAttention.builder(e, 1).bias(false).kernels(kernels)
                .qProjWeight(eye).kProjWeight(eye).vProjWeight(eye).outProjWeight(eye).build();
        Tensor q = uniform(rnd, 1, b, l, e);
        Tensor k = uniform(rnd, 1, b, s, e);
        Tensor v = uniform(rnd, 1, b, s, e);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyPadding(bools(rnd, 0.2, b * s), b, s));
        Tensor expected = Attention.scaledDotProduct(q, k, v, mask, (float) (1 / Math.sqrt(e)), kernels);
        assertArrayEquals(expected.data(), mha.forward(q, k, v, mask).data());
        assertArrayEquals(Attention.attentionWeights(q, k, mask, (float) (1 / Math.sqrt(e)), kernels).data(),
                mha.forwardWithWeights(q, k, v, mask, true).weights().data());
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void groupedQueryAttentionEqualsMhaWithRepeatedKeyValueHeads(Kernels kernels) {
        Random rnd = new Random(14);
        int b = 2, l = 6, s = 8, e = 12, h = 6, g = 2, d = e / h;
        MultiHeadAttention.Builder gb = randomMha(rnd, e, h, g, 7, 5, true).kernels(kernels);
        MultiHeadAttention gqa = gb.build();
        // the same draws as gb; expand W_k, W_v, b_k, b_v: query head i uses kv head i / (h/g)
        Map<String, Tensor> w = weightsOf(new Random(14), e, h, g, 7, 5);
        Tensor wk = repeatHeads(w.get("k"), g, h, d, 7);
        Tensor wv = repeatHeads(w.get("v"), g, h, d, 5);
        float[] ib = w.get("ib").data();
        int ekv = g * d;
        Tensor bk = repeatHeads(Tensor.wrap(Arrays.copyOfRange(ib, e, e + ekv), ekv, 1), g, h, d, 1);
        Tensor bv = repeatHeads(Tensor.wrap(Arrays.copyOfRange(ib, e + ekv, e + 2 * ekv), ekv, 1), g, h, d, 1);
        float[] fullBias = new float[3 * e];
        System.arraycopy(ib, 0, fullBias, 0, e);
        System.arraycopy(bk.data(), 0, fullBias, e, e);
        System.arraycopy(bv.data(), 0, fullBias, 2 * e, e);
        MultiHeadAttention mha = MultiHeadAttention.builder(e, h).kdim(7).vdim(5).kernels(kernels)
                .qProjWeight(w.get("q")).kProjWeight(wk).vProjWeight(wv).outProjWeight(w.get("o"))
                .inProjBias(Tensor.wrap(fullBias, 3 * e)).outProjBias(w.get("ob")).build();
        assertEquals(g, gqa.kvHeads());
        Tensor q = uniform(rnd, 1, b, l, e);
        Tensor k = uniform(rnd, 1, b, s, 7);
        Tensor v = uniform(rnd, 1, b, s, 5);
        AttentionMask mask = AttentionMask.causal();
        assertArrayEquals(mha.forward(q, k, v, mask).data(), gqa.forward(q, k, v, mask).data());
        assertArrayEquals(mha.forwardWithWeights(q, k, v, mask, false).weights().data(),
                gqa.forwardWithWeights(q, k, v, mask, false).weights().data());
        // kvHeads = h is plain MHA
        MultiHeadAttention a = randomMha(new Random(15), e, h, h, e, e, true).kernels(kernels).build();
        Random r3 = new Random(15);
        Map<String, Tensor> w3 = weightsOf(r3, e, h, h, e, e);
        MultiHeadAttention plain = MultiHeadAttention.builder(e, h).kernels(kernels).qProjWeight(w3.get("q"))
                .kProjWeight(w3.get("k")).vProjWeight(w3.get("v")).outProjWeight(w3.get("o")).inProjBias(w3.get("ib"))
                .outProjBias(w3.get("ob")).build();
        assertArrayEquals(plain.forward(q, q, q, mask).data(), a.forward(q, q, q, mask).data());
    }

    /** The same draws as {@link TestData#randomMha}. */
    private static Map<String, Tensor> weightsOf(Random rnd, int e, int h, int g, int kdim, int vdim) {
        int ekv = g * (e / h);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("q", uniform(rnd, (float) (1 / Math.sqrt(e)), e, e));
        m.put("k", uniform(rnd, (float) (1 / Math.sqrt(kdim)), ekv, kdim));
        m.put("v", uniform(rnd, (float) (1 / Math.sqrt(vdim)), ekv, vdim));
        m.put("o", uniform(rnd, (float) (1 / Math.sqrt(e)), e, e));
        m.put("ib", uniform(rnd, 0.5f, e + 2 * ekv));
        m.put("ob", uniform(rnd, 0.5f, e));
        return m;
    }

    /** [g·d, cols] → [h·d, cols], head i taking kv head i / (h/g). */
    private static Tensor repeatHeads(Tensor w, int g, int h, int d, int cols) {
        Tensor out = Tensor.zeros(h * d, cols);
        for (int i = 0; i < h; i++) {
            System.arraycopy(w.data(), (i / (h / g)) * d * cols, out.data(), i * d * cols, d * cols);
        }
        return out;
    }

    /**
     * Decoding token by token through a KvCache (GEMV path for L = 1) and in chunks (fused path) matches the
     * full causal forward pass. Different summation orders: within 8·(S + E)·ε relative.
     */
    @ParameterizedTest
    @MethodSource("kernels")
    void kvCacheDecodingMatchesFullCausalForward(Kernels kernels) {
        Random rnd = new Random(16);
        int b = 2, n = 12, e = 8, h = 4, g = 2;
        MultiHeadAttention mha = randomMha(rnd, e, h, g, e, e, true).kernels(kernels).build();
        Tensor x = uniform(rnd, 1, b, n, e);
        Tensor full = mha.forward(x, AttentionMask.causal());
        KvCache cache = mha.newCache(b, n);
        float[] stepwise = new float[b * n * e];
        // a prefill chunk of 5 tokens, then one token at a time
        int t = 0;
        for (int len : new int[]{5, 1, 1, 1, 1, 1, 1, 1}) {
            Tensor chunk = slice(x, t, len);
            Tensor o = mha.forward(chunk, chunk, chunk, cache);
            assertArrayEquals(new int[]{b, len, e}, o.shape());
            for (int bb = 0; bb < b; bb++) {
                System.arraycopy(o.data(), bb * len * e, stepwise, (bb * n + t) * e, len * e);
            }
            t += len;
            assertEquals(t, cache.length());
        }
        assertClose(full.data(), stepwise, 8 * (n + e) * EPS, "cached decoding");
        // full: the next token does not fit, and nothing changes
        Tensor one = slice(x, 0, 1);
        float[] keysBefore = cache.keys.clone();
        IllegalStateException full1 = assertThrows(IllegalStateException.class, () -> mha.forward(one, one, one, cache));
        assertMessage(full1, "KvCache full: capacity 12, 12 tokens cached, cannot append 1 more");
        assertEquals(n, cache.length());
        assertArrayEquals(keysBefore, cache.keys);
        cache.reset();
        assertEquals(0, cache.length());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> mha.forward(one, one, one, mha.newCache(3, 4))),
                "cache: expected batch 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> mha.forward(one, one, one, new KvCache(2, 4, 2, 4))),
                "kvHeads 2");
    }

    private static Tensor slice(Tensor x, int t0, int len) {
        int b = x.dim(0), n = x.dim(1), e = x.dim(2);
        Tensor y = Tensor.zeros(b, len, e);
        for (int bb = 0; bb < b; bb++) {
            System.arraycopy(x.data(), (bb * n + t0) * e, y.data(), bb * len * e, len * e);
        }
        return y;
    }

    /**
     * A thread reuses its intermediate arrays across forward calls: a small call after a larger one (whose
     * arrays are longer and hold its values), and after one with weights, gives the floats a fresh thread gets.
     */
    @Test
    void reusedIntermediatesCarryNothingBetweenCalls() throws Exception {
        Random rnd = new Random(21);
        MultiHeadAttention mha = randomMha(rnd, 16, 4, 4, 16, 16, true).build();
        Tensor small = uniform(rnd, 1, 1, 9, 16);
        Tensor large = uniform(rnd, 1, 2, 40, 16);
        float[][] fresh = new float[2][];
        Thread t = new Thread(() -> {
            fresh[0] = mha.forward(small, small, small, AttentionMask.none()).data();
            fresh[1] = mha.forward(small, small, small, AttentionMask.causal()).data();
        });
        t.start();
        t.join();
        mha.forward(large, large, large, AttentionMask.none());
        assertArrayEquals(fresh[0], mha.forward(small, small, small, AttentionMask.none()).data());
        mha.forwardWithWeights(large, large, large, AttentionMask.causal(), false);
        assertArrayEquals(fresh[1], mha.forward(small, small, small, AttentionMask.causal()).data());
        assertArrayEquals(fresh[0], mha.forward(small, small, small, AttentionMask.none()).data());
    }

    /** Issue 8: the same inputs on 1, 2, 3 and 8 threads give bitwise-identical results. */
    @Test
    void parallelExecutorIsBitwiseIdenticalToOneThread() throws Exception {
        Random rnd = new Random(17);
        int b = 2, l = 150, s = 130, e = 16, h = 4;
        MultiHeadAttention.Builder builder = randomMha(rnd, e, h, 2, 12, e, true);
        MultiHeadAttention single = builder.build();
        Tensor q = uniform(rnd, 1, b, l, e);
        Tensor k = uniform(rnd, 1, b, s, 12);
        Tensor v = uniform(rnd, 1, b, s, e);
        AttentionMask mask = AttentionMask.causal().and(AttentionMask.keyPadding(bools(rnd, 0.1, b * s), b, s));
        Tensor expected = single.forward(q, k, v, mask);
        MultiHeadAttention.Result expAvg = single.forwardWithWeights(q, k, v, mask, true);
        MultiHeadAttention.Result expHeads = single.forwardWithWeights(q, k, v, mask, false);
        KvCache c1 = single.newCache(b, 4);
        Tensor q1 = slice(q, 0, 1);
        Tensor kv1 = slice(k, 0, 1);
        Tensor v1 = slice(v, 0, 1);
        Tensor expDecode = single.forward(q1, kv1, v1, c1);
        for (int threads : new int[]{2, 3, 8}) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                AtomicInteger tasks = new AtomicInteger();
                MultiHeadAttention par = builder.executor(r -> {
                    tasks.incrementAndGet();
                    pool.execute(r);
                }, threads).parallelThreshold(0).build();
                assertEquals(threads, par.parallelism());
                assertArrayEquals(expected.data(), par.forward(q, k, v, mask).data(), threads + " threads");
                assertTrue(tasks.get() > 0, "work was handed to the executor");
                MultiHeadAttention.Result avg = par.forwardWithWeights(q, k, v, mask, true);
                assertArrayEquals(expAvg.output().data(), avg.output().data());
                assertArrayEquals(expAvg.weights().data(), avg.weights().data());
                assertArrayEquals(expHeads.weights().data(), par.forwardWithWeights(q, k, v, mask, false).weights().data());
                assertArrayEquals(expDecode.data(), par.forward(q1, kv1, v1, par.newCache(b, 4)).data());
            } finally {
                pool.shutdownNow();
            }
        }
        // an executor that refuses work: the calling thread does everything
        MultiHeadAttention refused = builder.executor(r -> {
            throw new RejectedExecutionException("full");
        }, 4).parallelThreshold(0).build();
        assertArrayEquals(expected.data(), refused.forward(q, k, v, mask).data());
    }

    /** Issue 9 "under load", small: many threads share one instance; every result bitwise equals the precomputed one. */
    @Test
    void sharedInstanceUnderConcurrentCalls() throws Exception {
        Random rnd = new Random(18);
        int e = 8;
        ExecutorService helpers = Executors.newFixedThreadPool(2);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            MultiHeadAttention mha = randomMha(rnd, e, 2, 2, e, e, true).executor(helpers, 3).parallelThreshold(0).build();
            Tensor[] inputs = new Tensor[4];
            Tensor[] expected = new Tensor[4];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = uniform(rnd, 1, 2, 20 + 30 * i, e);
                expected[i] = mha.forward(inputs[i], AttentionMask.causal());
            }
            Future<?>[] f = new Future<?>[8];
            for (int t = 0; t < f.length; t++) {
                int id = t;
                f[t] = callers.submit(() -> {
                    for (int c = 0; c < 40; c++) {
                        int i = (id + c) % inputs.length;
                        assertArrayEquals(expected[i].data(), mha.forward(inputs[i], AttentionMask.causal()).data());
                    }
                    return null;
                });
            }
            for (Future<?> x : f) {
                x.get();
            }
        } finally {
            callers.shutdownNow();
            helpers.shutdownNow();
        }
    }

    @Test
    void fullyMaskedQueryRowsGiveZeroAttentionAndWeights() {
        Random rnd = new Random(19);
        int e = 4, l = 3, s = 5;
        MultiHeadAttention.Builder builder = randomMha(rnd, e, 2, 2, e, e, true).kernels(Kernels.reference());
        MultiHeadAttention mha = builder.build();
        Tensor q = uniform(rnd, 1, 2, l, e);
        Tensor kv = uniform(rnd, 1, 2, s, e);
        boolean[] pad = new boolean[2 * s];
        Arrays.fill(pad, s, 2 * s, true); // batch 1: every key is padding
        MultiHeadAttention.Result r = mha.forwardWithWeights(q, kv, kv, AttentionMask.keyPadding(pad, 2, s), true);
        Random again = new Random(19);
        Map<String, Tensor> w = weightsOf(again, e, 2, 2, e, e);
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < s; j++) {
                assertEquals(0f, r.weights().data()[(l + i) * s + j]);
            }
            // zero attention row → the output is exactly the output bias
            assertArrayEquals(w.get("ob").data(), Arrays.copyOfRange(r.output().data(), (l + i) * e, (l + i + 1) * e));
        }
    }

    @Test
    void unbatchedInputsAreOneBatch() {
        Random rnd = new Random(20);
        MultiHeadAttention mha = randomMha(rnd, 6, 3, 3, 6, 6, true).build();
        Tensor x = uniform(rnd, 1, 4, 6);
        Tensor out = mha.forward(x, AttentionMask.causal());
        assertArrayEquals(new int[]{4, 6}, out.shape());
        assertArrayEquals(mha.forward(x.reshape(1, 4, 6), AttentionMask.causal()).data(), out.data());
        MultiHeadAttention.Result r = mha.forwardWithWeights(x, x, x, AttentionMask.none(), false);
        assertArrayEquals(new int[]{3, 4, 4}, r.weights().shape());
    }

    @Test
    void fromPyTorchInfersGroupedHeadsAndRejectsIncompleteFiles() throws IOException {
        Random rnd = new Random(21);
        int e = 8, h = 4, g = 2, d = 2;
        Map<String, Tensor> w = weightsOf(rnd, e, h, g, 3, 5);
        Map<String, Tensor> file = new LinkedHashMap<>();
        file.put("m.q_proj_weight", w.get("q"));
        file.put("m.k_proj_weight", w.get("k"));
        file.put("m.v_proj_weight", w.get("v"));
        file.put("m.in_proj_bias", w.get("ib"));
        file.put("m.out_proj.weight", w.get("o"));
        file.put("m.out_proj.bias", w.get("ob"));
        Path p = dir.resolve("gqa.safetensors");
        SafeTensors.write(p, file, Map.of());
        try (SafeTensors st = SafeTensors.open(p)) {
            MultiHeadAttention mha = MultiHeadAttention.fromPyTorch(st, "m.", h);
            assertEquals(g, mha.kvHeads());
            assertEquals(3, mha.kdim());
            assertEquals(5, mha.vdim());
            assertEquals(d, mha.headDim());
            assertTrue(mha.hasBias());
            assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.fromPyTorch(st, "m.", 3)),
                    "numHeads: 3 does not divide embedDim 8");
            assertMessage(assertThrows(MalformedFileException.class, () -> MultiHeadAttention.fromPyTorch(st, "x.", 4)),
                    "no tensor \"x.out_proj.weight\"");
        }
        file.remove("m.out_proj.bias");
        SafeTensors.write(p, file, Map.of());
        try (SafeTensors st = SafeTensors.open(p)) {
            assertMessage(assertThrows(MalformedFileException.class, () -> MultiHeadAttention.fromPyTorch(st, "m.", 4)),
                    "out_proj.bias is absent");
        }
    }

    @Test
    void badArgumentsNameTheArgumentAndShapes() {
        Random rnd = new Random(22);
        MultiHeadAttention mha = randomMha(rnd, 8, 2, 2, 48, 8, true).build();
        Tensor q = Tensor.zeros(2, 9, 8);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> mha.forward(q, Tensor.zeros(2, 9, 40), Tensor.zeros(2, 9, 8), AttentionMask.none())),
                "key: expected [2, S, 48] but was [2, 9, 40]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> mha.forward(q, Tensor.zeros(2, 9, 48), Tensor.zeros(2, 7, 8), AttentionMask.none())),
                "value: expected [2, 9, 8] but was [2, 7, 8]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> mha.forward(Tensor.zeros(2, 9, 7), Tensor.zeros(2, 9, 48), Tensor.zeros(2, 9, 8), AttentionMask.none())),
                "query: expected [B, L, 8] or [L, 8] but was [2, 9, 7]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> mha.forward(q, Tensor.zeros(3, 9, 48), Tensor.zeros(3, 9, 8), AttentionMask.none())),
                "key: expected [2, S, 48] but was [3, 9, 48]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> mha.forward(q, Tensor.zeros(2, 9, 48), Tensor.zeros(2, 9, 8), AttentionMask.blocked(new boolean[3 * 81], 3, 9, 9))),
                "expected N = 2 (batch) or 4 (batch·heads)");
        assertThrows(NullPointerException.class, () -> mha.forward(null, q, q, AttentionMask.none()));
        assertThrows(NullPointerException.class, () -> mha.forward(q, q, q, (AttentionMask) null));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 3)), "numHeads: 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).kvHeads(3)),
                "kvHeads: 3 must be ≥ 1 and divide numHeads 4");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).build()),
                "weights: set inProjWeight");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4)
                .inProjWeight(Tensor.zeros(24, 7)).build()), "inProjWeight: expected [24, 8] but was [24, 7]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).kdim(5)
                .inProjWeight(Tensor.zeros(24, 8)).build()), "needs kdim = vdim = embedDim");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).kvHeads(2)
                .qProjWeight(Tensor.zeros(8, 8)).kProjWeight(Tensor.zeros(8, 8)).vProjWeight(Tensor.zeros(4, 8))
                .outProjWeight(Tensor.zeros(8, 8)).bias(false).build()), "kProjWeight: expected [4, 8] but was [8, 8]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4)
                .inProjWeight(Tensor.zeros(24, 8)).outProjWeight(Tensor.zeros(8, 8)).build()), "inProjBias: not set");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4).bias(false)
                .inProjWeight(Tensor.zeros(24, 8)).outProjWeight(Tensor.zeros(8, 8)).outProjBias(Tensor.zeros(8)).build()),
                "outProjBias: set but bias(false)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> MultiHeadAttention.builder(8, 4)
                .executor(Runnable::run, 0)), "parallelism");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new KvCache(1, 1, 1, 0)), "capacity");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new KvCache(50_000, 1, 1, 50_000)), "too large");
    }

    @Test
    void weightsAreCopiedAtBuild() {
        Random rnd = new Random(23);
        Tensor wq = uniform(rnd, 1, 4, 4);
        Tensor x = uniform(rnd, 1, 1, 3, 4);
        MultiHeadAttention mha = MultiHeadAttention.builder(4, 2).bias(false).kernels(Kernels.reference())
                .qProjWeight(wq).kProjWeight(uniform(rnd, 1, 4, 4)).vProjWeight(uniform(rnd, 1, 4, 4))
                .outProjWeight(uniform(rnd, 1, 4, 4)).build();
        Tensor before = mha.forward(x, AttentionMask.none());
        Arrays.fill(wq.data(), 0f);
        assertEquals(before, mha.forward(x, AttentionMask.none()));
        assertTrue(mha.toString().contains("numHeads=2"));
    }
}
