package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * A/B comparison of two builds of {@code attn4j-simd} in one JVM, for kernel work on a noisy machine.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar dev.attn4j.bench.AbCompare \
 *     A.jar B.jar (gemm|gemm-2t|gemv|gemm-nt|gemm-nt-2t|proj|proj-2t|mha|mha-2t|gemm-pv|gemm-qk|flash|flash-causal|flash-heads|flash-heads-2t|flash-heads-causal|softmax|decode) N [rounds]</pre>
 *
 * Each jar's {@code dev.attn4j.simd.SimdKernels} is loaded by its own class loader (the core classes are
 * shared), both are warmed up for 3 s, then every round times a batch of calls of each (as many as take about
 * 1 ms), in alternating order, in thread CPU time; the result is the median over rounds of time(A) ÷ time(B),
 * with its quartiles. Both builds run in the same phases of the machine, so the ratio holds where separate runs
 * differ by tens of percent. Shapes: gemm N³ NN; gemv y = x·B with B of N × N (m = 1, the direct path);
 * gemm-nt N³ NT (gemm-nt-2t on two threads); gemm-2t N³ NN on two threads (the -2t bodies are timed on the wall
 * clock);
 * proj and proj-2t an MHA projection (N, 512, 512) NN, weights packed once, with a bias, on one or two threads;
 * mha and mha-2t a multi-head self-attention forward (E = 512, h = 8, N tokens) on one or two threads;
 * gemm-pv (N, 64, N) NN; gemm-qk (N, N, 64) NT; flash one head of [N, 64] queries, keys and values; flash-heads 8 such heads side
 * by side in rows of 512, one call per head (flash-heads-2t on two threads, flash-heads-causal with a causal mask); softmax N rows of N; decode
 * the kernels of one decode step, 8 heads of 64 against N cached tokens.
 */
public final class AbCompare {
    /** The operations, as the usage line lists them. */
    static final String OPS = "gemm|gemm-2t|gemv|gemm-nt|gemm-nt-2t|proj|proj-2t|mha|mha-2t|gemm-pv|gemm-qk|flash|flash-causal"
            + "|flash-heads|flash-heads-2t|flash-heads-causal|softmax|decode";

    private AbCompare() {
    }

    /** The kernels an op runs on: k, or for the -2t ops k on two threads (the caller and one pool thread). */
    private static Kernels threads(Kernels k, String op) {
        return op.endsWith("-2t") ? k.parallel(new java.util.concurrent.ForkJoinPool(1), 2) : k;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: AbCompare A.jar B.jar (" + OPS + ") N [rounds]");
            System.exit(2);
        }
        Kernels a = load(args[0]);
        Kernels b = load(args[1]);
        String op = args[2];
        int n = Integer.parseInt(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 31;
        if (n < 1 || rounds < 1) {
            throw new IllegalArgumentException("N and rounds must be ≥ 1 but were " + n + " and " + rounds);
        }
        Runnable ra = body(a, op, n);
        Runnable rb = body(b, op, n);
        long w0 = System.nanoTime();
        long warm = w0 + 3_000_000_000L;
        long calls = 0;
        while (System.nanoTime() < warm) {
            ra.run();
            rb.run();
            calls += 2;
        }
        // calls per timed sample: enough for about 1 ms, so the clock reading (0.85 µs for thread CPU time) stays
        // below 0.1% of a sample even for the shortest bodies
        int batch = (int) Math.max(1, Math.min(100_000, 1_000_000L * calls / Math.max(1, System.nanoTime() - w0)));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // two-thread bodies are timed on the wall clock (the helper thread's CPU time is not the caller's)
        boolean wall = op.endsWith("-2t");
        double[] ratio = new double[rounds];
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            boolean aFirst = (i & 1) == 0;
            for (int j = 0; j < 2; j++) {
                boolean runA = aFirst == (j == 0);
                long t0 = wall ? System.nanoTime() : mx.getCurrentThreadCpuTime();
                Runnable body = runA ? ra : rb;
                for (int c = 0; c < batch; c++) {
                    body.run();
                }
                double t = ((wall ? System.nanoTime() : mx.getCurrentThreadCpuTime()) - t0) / (double) batch;
                if (runA) {
                    ta[i] = t;
                } else {
                    tb[i] = t;
                }
            }
            ratio[i] = ta[i] / tb[i];
        }
        Arrays.sort(ratio);
        Arrays.sort(ta);
        Arrays.sort(tb);
        System.out.printf(Locale.ROOT, "%s N=%d, %d rounds of %d calls: time(A)/time(B) median %.3f "
                        + "(quartiles %.3f, %.3f); median %s ms per call A %.4f, B %.4f%n", op, n, rounds, batch,
                ratio[rounds / 2], ratio[rounds / 4], ratio[(3 * rounds) / 4], wall ? "wall" : "CPU",
                ta[rounds / 2] / 1e6, tb[rounds / 2] / 1e6);
    }

    private static Kernels load(String jar) throws Exception {
        File f = new File(jar);
        if (!f.isFile()) {
            throw new IllegalArgumentException("not a file: " + jar);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {f.toURI().toURL()}, AbCompare.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                // the jar's own simd classes first, so the benchmark jar's copy of them is not used
                if (name.startsWith("dev.attn4j.simd.")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        if (c == null) {
                            c = findClass(name);
                        }
                        if (resolve) {
                            resolveClass(c);
                        }
                        return c;
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return (Kernels) loader.loadClass("dev.attn4j.simd.SimdKernels").getConstructor().newInstance();
    }

    private static Runnable body(Kernels k, String op, int n) {
        Random r = new Random(1);
        int d = 64;
        switch (op) {
            case "gemm", "gemm-2t" -> {
                float[] x = QuickBench.random(r, n * n);
                float[] y = QuickBench.random(r, n * n);
                float[] c = new float[n * n];
                Kernels g = threads(k, op);
                return () -> g.gemm(false, false, n, n, n, 1f, x, 0, n, y, 0, n, 0f, c, 0, n);
            }
            case "gemv" -> {
                // y = x·B, B of N×N (a decode step's projection): the direct path, memory-bound
                float[] x = QuickBench.random(r, n);
                float[] b = QuickBench.random(r, n * n);
                float[] out = new float[n];
                return () -> k.gemm(false, false, 1, n, n, 1f, x, 0, n, b, 0, n, 0f, out, 0, n);
            }
            case "gemm-nt", "gemm-nt-2t" -> {
                // C = A·Bᵀ, N³ (ParallelBench's GEMM shape): op(B) is packed through a transpose
                float[] x = QuickBench.random(r, n * n);
                float[] y = QuickBench.random(r, n * n);
                float[] c = new float[n * n];
                Kernels g = threads(k, op);
                return () -> g.gemm(false, true, n, n, n, 1f, x, 0, n, y, 0, n, 0f, c, 0, n);
            }
            case "proj", "proj-2t" -> {
                // an MHA projection with E = 512 as the layer runs it, y = x·Wᵀ + b: (N, 512, 512) NN with the
                // weights packed once and the bias, on one thread or two
                float[] x = QuickBench.random(r, n * 512);
                float[] bias = QuickBench.random(r, 512);
                float[] c = new float[n * 512];
                Kernels g = threads(k, op);
                Kernels.PackedMatrix w = g.pack(false, 512, 512, QuickBench.random(r, 512 * 512), 0, 512);
                return () -> g.gemm(false, n, 1f, x, 0, 512, w, bias, 0, c, 0, 512);
            }
            case "mha", "mha-2t" -> {
                // a multi-head self-attention forward, E = 512, h = 8, N tokens, on one thread or two
                MhaWeights weights = MhaWeights.random(512, 8, 2024);
                dev.attn4j.MultiHeadAttention mha = op.endsWith("-2t")
                        ? weights.build(k, new java.util.concurrent.ForkJoinPool(1), 2) : weights.build(k);
                dev.attn4j.Tensor x = dev.attn4j.Tensor.wrap(QuickBench.random(r, n * 512), 1, n, 512);
                return () -> mha.forward(x, dev.attn4j.AttentionMask.none());
            }
            case "gemm-pv" -> {
                // attention's P·V: (N, 64, N) NN
                float[] x = QuickBench.random(r, n * n);
                float[] y = QuickBench.random(r, n * d);
                float[] c = new float[n * d];
                return () -> k.gemm(false, false, n, d, n, 1f, x, 0, n, y, 0, d, 0f, c, 0, d);
            }
            case "gemm-qk" -> {
                // attention's Q·Kᵀ: (N, N, 64) NT
                float[] x = QuickBench.random(r, n * d);
                float[] y = QuickBench.random(r, n * d);
                float[] c = new float[n * n];
                return () -> k.gemm(false, true, n, n, d, 1f, x, 0, d, y, 0, d, 0f, c, 0, n);
            }
            case "flash-heads", "flash-heads-2t", "flash-heads-causal" -> {
                // 8 heads of 64 side by side in [N, 512] rows, one flashAttention call per head (MHA's layout), on one
                // thread or two
                Kernels k2 = threads(k, op);
                int heads = 8;
                int ld = heads * d;
                float[] q = QuickBench.random(r, n * ld);
                float[] kk = QuickBench.random(r, n * ld);
                float[] v = QuickBench.random(r, n * ld);
                float[] o = new float[n * ld];
                ScoreMask mask = op.endsWith("causal") ? ScoreMask.causal(0) : ScoreMask.none();
                return () -> {
                    for (int h = 0; h < heads; h++) {
                        k2.flashAttention(n, n, d, d, 0.125f, q, h * d, ld, kk, h * d, ld, v, h * d, ld,
                                mask, o, h * d, ld);
                    }
                };
            }
            case "flash", "flash-causal" -> {
                float[] q = QuickBench.random(r, n * d);
                float[] kk = QuickBench.random(r, n * d);
                float[] v = QuickBench.random(r, n * d);
                float[] o = new float[n * d];
                ScoreMask mask = op.equals("flash") ? ScoreMask.none() : ScoreMask.causal(0);
                return () -> k.flashAttention(n, n, d, d, 0.125f, q, 0, d, kk, 0, d, v, 0, d, mask, o, 0, d);
            }
            case "softmax" -> {
                float[] src = QuickBench.random(r, n * n);
                float[] w = new float[n * n];
                return () -> {
                    System.arraycopy(src, 0, w, 0, w.length);
                    k.scaledSoftmax(n, n, 0.125f, w, 0, n, ScoreMask.none());
                };
            }
            case "decode" -> {
                // the kernels of one decode step of 8 heads, d = 64, against N cached tokens held as a KvCache
                // holds them (transposed per head, rows N + 32 floats apart): q·Kᵀ, softmax, p·V as GEMV
                int heads = 8;
                int stride = n + 32;
                float[] q = QuickBench.random(r, heads * d);
                float[] kt = QuickBench.random(r, heads * d * stride);
                float[] vt = QuickBench.random(r, heads * d * stride);
                float[] p = new float[n];
                float[] o = new float[heads * d];
                return () -> {
                    for (int h = 0; h < heads; h++) {
                        k.gemm(false, false, 1, n, d, 1f, q, h * d, d, kt, h * d * stride, stride, 0f, p, 0, n);
                        k.scaledSoftmax(1, n, 0.125f, p, 0, n, ScoreMask.none());
                        k.gemv(d, n, vt, h * d * stride, stride, p, 0, o, h * d);
                    }
                };
            }
            default -> throw new IllegalArgumentException("op must be one of " + OPS + " but was " + op);
        }
    }
}
