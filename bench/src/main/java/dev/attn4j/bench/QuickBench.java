package dev.attn4j.bench;

import dev.attn4j.AttentionMask;
import dev.attn4j.Kernels;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.ScoreMask;
import dev.attn4j.Tensor;
import dev.attn4j.bench.peers.EjmlGemm;
import dev.attn4j.bench.peers.GemmPeer;
import dev.attn4j.bench.peers.NetlibGemm;
import dev.attn4j.bench.peers.OrtMha;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Quick mode: times the key kernels, MHA and the peers with {@link QuickTimer} (median after warm-up), in one
 * JVM, one after the other, so every ratio printed comes from the same run. Slow implementations are timed
 * only at sizes where one call is short enough (estimated from their rate at the previous size); beyond that
 * they are "n/a", never extrapolated.
 *
 * <p>With more than one thread, attn4j runs as the library offers it: GEMM on {@link Kernels#parallel}, MHA
 * on a {@link MultiHeadAttention} built with an executor; both on the pool the caller owns.
 */
final class QuickBench {
    /**
     * Longest single call (estimated) we time: short for the float64 reference and the scalar fallback, which
     * are only there for the speed-up columns; longer for the peers; attn4j's active kernels are timed at every
     * size, they are what the report is about.
     */
    static final double REFERENCE_CALL_LIMIT = 0.12;
    static final double SCALAR_CALL_LIMIT = 0.6;
    static final double PEER_CALL_LIMIT = 1.5;
    static final double BEST_CALL_LIMIT = 6.0;

    static final int[] GEMM_SIZES = {32, 64, 128, 256, 512, 1024};
    static final int[] MHA_LENGTHS = {128, 512, 2048};
    static final int[] CAUSAL_LENGTHS = {512, 2048};
    static final int[] DECODE_CACHE = {1024, 4096, 16384, 32768};
    static final int[] SOFTMAX_COLS = {256, 1024, 4096};
    static final int[] WSUM_N = {1024, 8192, 32768};
    static final int[] FLASH_LEN = {128, 512, 2048};
    static final int E = OrtMha.EMBED_DIM;
    static final int H = OrtMha.NUM_HEADS;

    final Kernels best = Kernels.best();
    final Kernels scalar = Kernels.scalar();
    final Kernels reference = Kernels.reference();
    final ReportOptions options;
    /** Threads for attn4j's GEMM and MHA (and ONNX Runtime's intra-op pool). */
    final int threads;
    /** Helps the calling thread when threads &gt; 1 (threads − 1 workers suffice); owned by the caller. */
    final ExecutorService pool;
    final Progress progress;
    final List<Measurement> results = new ArrayList<>();
    /** Peer name → "ok: detail" or "absent: reason" or "disagrees: …". */
    final Map<String, String> peers = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();
    private final Map<String, Double> lastRate = new HashMap<>();

    /** Whether the peak was measured on vectors (else scalar chains: a reference figure, not a ceiling). */
    boolean vectorPeak;
    double peakGflops1;
    double peakGflopsN;
    double bandwidthGBs;
    /** Read bandwidth as four streams side by side (NaN without the Vector API). */
    double bandwidth4GBs = Double.NaN;
    /** The same two from the median run rather than the best (what medians of other timings compare with). */
    double bandwidthMedianGBs;
    double bandwidth4MedianGBs = Double.NaN;
    /** The form of each read loop that was fastest and timed (see VectorAnchors.fastestRead). */
    String readLoop = "";
    String readLoop4 = "";
    String peakLabel;

    /**
     * @param pool used when options.threads() &gt; 1 (then not null); not shut down here
     */
    QuickBench(ReportOptions options, ExecutorService pool, Progress progress) {
        this.options = options;
        this.threads = options.threads();
        if (threads > 1 && pool == null) {
            throw new IllegalArgumentException("pool: needed for " + threads + " threads");
        }
        this.pool = pool;
        this.progress = progress;
    }

    /** k on this run's threads: the library's parallel kernels when threads &gt; 1. */
    Kernels onThreads(Kernels k) {
        return threads > 1 ? k.parallel(pool, threads) : k;
    }

    /** The library's MHA with these weights on k, split over this run's threads. */
    MultiHeadAttention mhaOn(MhaWeights w, Kernels k) {
        return w.build(k, pool, threads);
    }

    /** Runs body(0 … n−1), body(0) on the calling thread and the others on the pool; waits for all. */
    private void onAllThreads(int n, IntConsumer body) throws Exception {
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            int id = i;
            tasks.add(pool.submit(() -> body.accept(id)));
        }
        body.accept(0);
        for (Future<?> f : tasks) {
            f.get();
        }
    }

    String bestName() {
        return best.name();
    }

    /** The peak the attn4j rows are compared with: N threads' worth when running N threads. */
    double peakFor(String op) {
        return threads > 1 && (op.startsWith("gemm") || op.startsWith("mha")) ? peakGflopsN : peakGflops1;
    }

    // ---------------------------------------------------------------- anchors

    void anchors() throws Exception {
        progress.show("anchors: FMA peak");
        boolean vec = MachineInfo.vectorModulePresent();
        vectorPeak = vec;
        int lanes = vec ? VectorAnchors.lanes() : 1;
        long iters = 2_000_000;
        float[] sink = new float[1];
        QuickTimer.Timing t = QuickTimer.time(() -> sink[0] += vec ? VectorAnchors.fmaChains(iters, sink[0])
                : ScalarAnchors.fmaChains(iters, sink[0]));
        double flops = iters * 10.0 * lanes * 2;
        // A ceiling: the fastest run is the estimate (other work on shared cores only slows runs down).
        peakGflops1 = flops / t.minSeconds() * 1e-9;
        peakLabel = vec ? "FMA peak (Java, " + lanes * 32 + "-bit chains)" : "FMA peak (Java, scalar chains: no Vector API)";
        if (threads > 1) {
            int n = threads;
            QuickTimer.Timing tn = QuickTimer.time(() -> onAllThreads(n, i -> {
                float r = vec ? VectorAnchors.fmaChains(iters, i) : ScalarAnchors.fmaChains(iters, i);
                if (r == 42f) {
                    sink[0]++;
                }
            }));
            peakGflopsN = n * flops / tn.minSeconds() * 1e-9;
        } else {
            peakGflopsN = peakGflops1;
        }
        progress.show("anchors: read bandwidth");
        float[] big = new float[32 << 20];   // 128 MiB: far beyond any cache
        for (int i = 0; i < big.length; i += 1024) {
            big[i] = i;
        }
        // on vectors, the fastest of the loop's forms (start offset, vector size: VectorAnchors.fastestRead)
        int[] one = vec ? VectorAnchors.fastestRead(big, false) : null;
        readLoop = vec ? loopName(one) : "scalar";
        QuickTimer.Timing b = QuickTimer.time(() -> sink[0] += vec ? VectorAnchors.read(big, false, one[0] == 1, one[1])
                : ScalarAnchors.readSum(big));
        bandwidthGBs = 4.0 * big.length / b.minSeconds() * 1e-9;
        bandwidthMedianGBs = 4.0 * big.length / b.medianSeconds() * 1e-9;
        if (vec) {
            int[] four = VectorAnchors.fastestRead(big, true);
            readLoop4 = loopName(four);
            QuickTimer.Timing b4 = QuickTimer.time(() -> sink[0] += VectorAnchors.read(big, true, four[0] == 1, four[1]));
            bandwidth4GBs = 4.0 * big.length / b4.minSeconds() * 1e-9;
            bandwidth4MedianGBs = 4.0 * big.length / b4.medianSeconds() * 1e-9;
        }
        if (sink[0] == 42f) {
            notes.add("");   // keeps the sums alive
        }
    }

    private static String loopName(int[] form) {
        return (form[0] == 1 ? "256" : String.valueOf(VectorAnchors.lanes() * 32)) + "-bit loads from float " + form[1];
    }

    // ---------------------------------------------------------------- timing helpers

    /** A timing waiting for its group: everything measured at one operation and size runs interleaved. */
    private record Pending(String op, String size, double x, String impl, double work, String unit,
                           QuickTimer.Body setup, QuickTimer.Body body) {
    }

    private final List<Pending> pending = new ArrayList<>();

    /**
     * Queues body for the current group unless the estimated call time (from this implementation's rate on
     * op at the previous size) exceeds its limit: then it is n/a at this size.
     */
    private void measure(String op, String size, double x, String impl, double work, String unit,
                         QuickTimer.Body body) {
        measure(op, size, x, impl, work, unit, null, body);
    }

    /** As above, with {@code setup} run untimed before every call of body (null for none). */
    private void measure(String op, String size, double x, String impl, double work, String unit,
                         QuickTimer.Body setup, QuickTimer.Body body) {
        Double rate = lastRate.get(op + "|" + impl);
        double limit = impl.equals("reference") ? REFERENCE_CALL_LIMIT
                : impl.equals(best.name()) ? BEST_CALL_LIMIT
                : impl.equals("scalar") ? SCALAR_CALL_LIMIT : PEER_CALL_LIMIT;
        if (rate != null && work / (rate * 1e9) > limit) {
            return;
        }
        pending.add(new Pending(op, size, x, impl, work, unit, setup, body));
    }

    /** Times the queued group in alternation and records the results. */
    private void flush() throws Exception {
        if (pending.isEmpty()) {
            return;
        }
        Pending first = pending.get(0);
        progress.show(first.op() + " " + first.size() + ": " + pending.size() + " implementation"
                + (pending.size() == 1 ? "" : "s") + " interleaved");
        QuickTimer.Body[] bodies = new QuickTimer.Body[pending.size()];
        QuickTimer.Body[] setups = new QuickTimer.Body[pending.size()];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = pending.get(i).body();
            setups[i] = pending.get(i).setup();
        }
        QuickTimer.Timing[] t = QuickTimer.timeInterleaved(bodies, setups);
        for (int i = 0; i < bodies.length; i++) {
            Pending p = pending.get(i);
            Measurement m = new Measurement(p.op(), p.size(), p.x(), p.impl(), t[i].medianSeconds(), p.work(),
                    p.unit(), t[i].runs());
            results.add(m);
            lastRate.put(p.op() + "|" + p.impl(), m.rate());
        }
        pending.clear();
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2f * r.nextFloat() - 1f;
        }
        return a;
    }

    // ---------------------------------------------------------------- GEMM

    void gemm() throws Exception {
        List<GemmPeer> gemmPeers = new ArrayList<>();
        loadGemmPeer(gemmPeers, "EJML", EjmlGemm::new);
        loadGemmPeer(gemmPeers, "netlib", NetlibGemm::new);
        Random r = new Random(11);
        for (int n : GEMM_SIZES) {
            float[] a = random(r, n * n);
            float[] b = random(r, n * n);
            float[] c = new float[n * n];
            double flops = 2.0 * n * n * n;
            String size = n + "³";
            for (Kernels k : impls()) {
                Kernels kt = onThreads(k);
                measure("gemm", size, n, k.name(), flops, "GFLOPS",
                        () -> kt.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n));
            }
            // attn4j's product (untimed) is what each peer must agree with before it is timed.
            float[] expect = new float[n * n];
            onThreads(best).gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, expect, 0, n);
            for (GemmPeer p : gemmPeers) {
                float[] pc = new float[n * n];
                p.multiply(n, n, n, a, b, pc);
                Agreement.Check chk = Agreement.compare(expect, pc, n * n,
                        4.0 * n * AccuracyCheck.EPS * n);   // |terms| ≤ 1, n of them: γ_n·n, both sides
                if (!chk.ok()) {
                    peers.put(p.name(), String.format(Locale.ROOT, "disagrees at n=%d: max |diff| %.2e > %.2e",
                            n, chk.maxAbsDiff(), chk.tolerance()));
                    continue;
                }
                measure("gemm", size, n, p.name(), flops, "GFLOPS", () -> p.multiply(n, n, n, a, b, pc));
            }
            flush();
        }
    }

    private interface PeerFactory {
        GemmPeer create() throws Exception;
    }

    private void loadGemmPeer(List<GemmPeer> list, String label, PeerFactory f) {
        try {
            GemmPeer p = f.create();
            list.add(p);
            peers.put(p.name(), "ok: " + p.detail());
        } catch (Exception | LinkageError e) {
            peers.put(label, "absent: " + e);
        }
    }

    // ---------------------------------------------------------------- small kernels

    void kernels() throws Exception {
        Random r = new Random(12);
        int rows = 256;
        for (int cols : SOFTMAX_COLS) {
            float[] x0 = random(r, rows * cols);
            float[] x = x0.clone();
            for (Kernels k : impls()) {
                measure("softmax", rows + "×" + cols, cols, k.name(), (double) rows * cols, "Gelem/s", () -> {
                    // Refill from x0 so every call sees the same inputs (softmax is in place).
                    System.arraycopy(x0, 0, x, 0, x.length);
                    k.scaledSoftmax(rows, cols, 0.125f, x, 0, cols, ScoreMask.none());
                });
            }
            flush();
        }
        int d = 64;
        for (int n : WSUM_N) {
            float[] w = random(r, n);
            float[] v = random(r, n * d);
            float[] o = new float[d];
            for (Kernels k : impls()) {
                measure("weightedSum", "n=" + n + ", d=" + d, n, k.name(), 2.0 * n * d, "GFLOPS",
                        () -> k.weightedSum(n, d, w, 0, v, 0, d, o, 0));
            }
            flush();
        }
        for (int len : FLASH_LEN) {
            float[] q = random(r, len * d);
            float[] kk = random(r, len * d);
            float[] v = random(r, len * d);
            float[] o = new float[len * d];
            float scale = (float) (1 / Math.sqrt(d));
            for (Kernels k : impls()) {
                measure("flashAttention", "L=S=" + len + ", d=" + d, len, k.name(), 4.0 * len * len * d, "GFLOPS",
                        () -> k.flashAttention(len, len, d, d, scale, q, 0, d, kk, 0, d, v, 0, d, ScoreMask.none(),
                                o, 0, d));
            }
            flush();
        }
    }

    private List<Kernels> impls() {
        return best == scalar ? List.of(reference, scalar) : List.of(reference, scalar, best);
    }

    // ---------------------------------------------------------------- MHA and decode

    void mha(Path outDir) throws Exception {
        MhaWeights weights = MhaWeights.random(E, H, 2024);
        Map<OrtMha.Graph, OrtMha> ort = new LinkedHashMap<>();
        for (OrtMha.Graph g : OrtMha.Graph.values()) {
            progress.show("loading ONNX Runtime, graph " + g.label());
            try {
                OrtMha o = new OrtMha(g, outDir.resolve("onnx"), threads, weights.inProjWeight(),
                        weights.inProjBias(), weights.outProjWeight(), weights.outProjBias());
                ort.put(g, o);
                peers.put(g.label(), "ok: " + o.detail());
            } catch (Exception | LinkageError e) {
                peers.put(g.label(), "absent: " + e);
            }
        }
        Map<Kernels, MultiHeadAttention> modules = new LinkedHashMap<>();
        for (Kernels k : impls()) {
            modules.put(k, mhaOn(weights, k));
        }
        try {
            Random r = new Random(13);
            for (int len : MHA_LENGTHS) {
                mhaAt(modules, ort, r, len, false);
            }
            for (int len : CAUSAL_LENGTHS) {
                mhaAt(modules, ort, r, len, true);
            }
        } finally {
            for (OrtMha o : ort.values()) {
                o.close();
            }
        }
        decode(modules);
    }

    private void mhaAt(Map<Kernels, MultiHeadAttention> modules, Map<OrtMha.Graph, OrtMha> ort, Random r, int len,
                       boolean causal) throws Exception {
        float[] x = random(r, len * E);
        Tensor xt = Tensor.wrap(x, 1, len, E);
        AttentionMask mask = causal ? AttentionMask.causal() : AttentionMask.none();
        String op = causal ? "mha causal" : "mha";
        String size = "N=" + len;
        double flops = MhaFlops.forwardFlops(1, len, E, causal);
        Object[] sink = new Object[1];
        for (Map.Entry<Kernels, MultiHeadAttention> e : modules.entrySet()) {
            MultiHeadAttention m = e.getValue();
            measure(op, size, len, e.getKey().name(), flops, "GFLOPS", () -> sink[0] = m.forward(xt, mask));
        }
        // attn4j's output, for the agreement check of each peer before it is timed.
        float[] expect = modules.get(best).forward(xt, mask).data();
        double tol = Agreement.mhaTolerance(E, E / H, len, expect, expect.length);
        for (Map.Entry<OrtMha.Graph, OrtMha> e : ort.entrySet()) {
            OrtMha o = e.getValue();
            if (o.graph().causal() != causal) {
                continue;
            }
            String name = o.graph().label();
            if (peers.getOrDefault(name, "").startsWith("disagrees")) {
                continue;
            }
            float[] py = new float[len * E];
            o.forward(x, 1, len, py);
            Agreement.Check chk = Agreement.compare(expect, py, py.length, tol);
            if (!chk.ok()) {
                peers.put(name, String.format(Locale.ROOT, "disagrees with attn4j at N=%d: max |diff| %.2e > %.2e",
                        len, chk.maxAbsDiff(), chk.tolerance()));
                continue;
            }
            notes.add(String.format(Locale.ROOT, "%s agrees with attn4j at %s %s: max |diff| %.1e ≤ %.1e",
                    name, op, size, chk.maxAbsDiff(), chk.tolerance()));
            measure(op, size, len, name, flops, "GFLOPS", () -> o.forward(x, 1, len, py));
        }
        flush();
    }

    /**
     * One decode step (a token against a KV cache of t earlier tokens) on the library's
     * {@code forward(token, token, token, cache)}; the cache is brought back to t tokens, untimed, before
     * every step (see {@link DecodeFixture}).
     */
    private void decode(Map<Kernels, MultiHeadAttention> modules) throws Exception {
        int max = DECODE_CACHE[DECODE_CACHE.length - 1];
        // One cache for every kernel: the modules share heads and width, and each step refills it first.
        DecodeFixture fx = new DecodeFixture(modules.get(best), max, 14);
        Object[] sink = new Object[1];
        for (int t : DECODE_CACHE) {
            for (Kernels k : best == scalar ? List.of(scalar) : List.of(scalar, best)) {
                MultiHeadAttention m = modules.get(k);
                measure("decode", "cache=" + t, t, k.name(), MhaFlops.decodeFlops(t, E), "GFLOPS",
                        () -> fx.refill(t), () -> sink[0] = fx.step(m));
            }
            flush();
        }
    }

    // ---------------------------------------------------------------- lookup for tables

    Measurement find(String op, String size, String impl) {
        for (Measurement m : results) {
            if (m.op().equals(op) && m.size().equals(size) && m.impl().equals(impl)) {
                return m;
            }
        }
        return null;
    }

    /** Shows one progress line on stderr, overwritten in place. */
    static final class Progress {
        private final PrintStream err;
        private final long start = System.nanoTime();
        private int lastLen;

        Progress(PrintStream err) {
            this.err = err;
        }

        void show(String what) {
            String s = String.format(Locale.ROOT, "[%5.1fs] %s", (System.nanoTime() - start) * 1e-9, what);
            err.print("\r" + s + " ".repeat(Math.max(0, lastLen - s.length())));
            err.flush();
            lastLen = s.length();
        }

        void clear() {
            if (lastLen > 0) {
                err.print("\r" + " ".repeat(lastLen) + "\r");
                err.flush();
                lastLen = 0;
            }
        }

        double elapsed() {
            return (System.nanoTime() - start) * 1e-9;
        }
    }
}
