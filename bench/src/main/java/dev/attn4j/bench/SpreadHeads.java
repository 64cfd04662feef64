package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Where the fused attention of several heads side by side spends its time: the same 8 heads of d = 64 in five
 * layouts, timed in one JVM in alternating order, in thread CPU time per head.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar dev.attn4j.bench.SpreadHeads N causal [rounds]</pre>
 *
 * <ul>
 *   <li>{@code one head}: one head's Q, K, V and O, each in an array of its own, 8 times over (they stay in L2 at
 *       N = 512);</li>
 *   <li>{@code head-major}: 8 heads, each with arrays of its own ([H, N, d]);</li>
 *   <li>{@code spread}: 8 heads side by side in rows of 8·d ([N, H·d], what a projection writes and what
 *       {@code FlashAttentionBench} times);</li>
 *   <li>{@code K,V spread}, {@code Q,O spread}: one side spread, the other head-major.</li>
 * </ul>
 *
 * Before timing, every layout's output is checked bitwise against the head-major one: the kernel copies spread
 * rows into contiguous buffers and must give the same floats.
 */
public final class SpreadHeads {
    static final int HEADS = 8;
    static final int D = 64;
    static final String[] LAYOUTS = {"one head", "head-major", "spread", "K,V spread", "Q,O spread"};

    final int n;
    final ScoreMask mask;
    final Kernels kernels;
    final float scale = (float) (1 / Math.sqrt(D));
    /** [N, H·d]: the heads side by side. */
    final float[] q;
    final float[] k;
    final float[] v;
    final float[] o;
    /** The same values as [H][N·d]. */
    final float[][] qh = new float[HEADS][];
    final float[][] kh = new float[HEADS][];
    final float[][] vh = new float[HEADS][];
    final float[][] oh = new float[HEADS][];

    SpreadHeads(Kernels kernels, int n, boolean causal) {
        this.kernels = kernels;
        this.n = n;
        this.mask = causal ? ScoreMask.causal() : ScoreMask.none();
        int ld = HEADS * D;
        Random rnd = new Random(7);
        q = FlashAttentionBench.fill(n * ld, rnd);
        k = FlashAttentionBench.fill(n * ld, rnd);
        v = FlashAttentionBench.fill(n * ld, rnd);
        o = new float[n * ld];
        for (int h = 0; h < HEADS; h++) {
            qh[h] = headOf(q, h);
            kh[h] = headOf(k, h);
            vh[h] = headOf(v, h);
            oh[h] = new float[n * D];
        }
    }

    private float[] headOf(float[] spread, int h) {
        float[] out = new float[n * D];
        copyHead(spread, n, h, out);
        return out;
    }

    /** Head h's rows of a [rows, H·d] array into dst as [rows, d], by {@code System.arraycopy} per row. */
    static void copyHead(float[] spread, int rows, int h, float[] dst) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(spread, r * HEADS * D + h * D, dst, r * D, D);
        }
    }

    /** Whether the layout holds K and V side by side in rows of H·d (else head-major). */
    static boolean kvSpread(int layout) {
        return layout == 2 || layout == 3;
    }

    /** Whether the layout holds Q and O side by side in rows of H·d (else head-major). */
    static boolean qoSpread(int layout) {
        return layout == 2 || layout == 4;
    }

    /** Runs all heads (for {@code one head}: head 0 eight times) in the given layout. */
    void run(int layout) {
        if (layout < 0 || layout >= LAYOUTS.length) {
            throw new IllegalArgumentException("layout " + layout);
        }
        int ld = HEADS * D;
        boolean kv = kvSpread(layout);
        boolean qo = qoSpread(layout);
        for (int h = 0; h < HEADS; h++) {
            int head = layout == 0 ? 0 : h;
            int s = h * D;
            kernels.flashAttention(n, n, D, D, scale,
                    qo ? q : qh[head], qo ? s : 0, qo ? ld : D,
                    kv ? k : kh[head], kv ? s : 0, kv ? ld : D,
                    kv ? v : vh[head], kv ? s : 0, kv ? ld : D, mask,
                    qo ? o : oh[head], qo ? s : 0, qo ? ld : D);
        }
    }

    /**
     * Checks that the spread layouts give the head-major layout's bits, head by head; throws naming the first
     * layout and head that differ.
     */
    void checkSameBits() {
        run(1);
        float[][] want = new float[HEADS][];
        for (int h = 0; h < HEADS; h++) {
            want[h] = oh[h].clone();
        }
        for (int layout = 2; layout <= 4; layout++) {
            Arrays.fill(o, Float.NaN);
            for (float[] a : oh) {
                Arrays.fill(a, Float.NaN);
            }
            run(layout);
            for (int h = 0; h < HEADS; h++) {
                float[] got = qoSpread(layout) ? headOf(o, h) : oh[h];
                if (!Arrays.equals(want[h], got)) {
                    throw new IllegalStateException(LAYOUTS[layout] + " differs from head-major at head " + h
                            + " (N = " + n + ")");
                }
            }
        }
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: SpreadHeads N causal [rounds]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        boolean causal = Boolean.parseBoolean(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 101;
        if (n < 1 || rounds < 1) {
            throw new IllegalArgumentException("N and rounds must be ≥ 1 but were " + n + " and " + rounds);
        }
        Kernels kernels = Kernels.best();
        if (!kernels.name().startsWith("simd")) {
            throw new IllegalStateException("SIMD kernels are not active: " + kernels.name());
        }
        SpreadHeads b = new SpreadHeads(kernels, n, causal);
        b.checkSameBits();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long warm = System.nanoTime() + 4_000_000_000L;
        while (System.nanoTime() < warm) {
            for (int layout = 0; layout < LAYOUTS.length; layout++) {
                b.run(layout);
            }
        }
        double[][] us = new double[LAYOUTS.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int layout = 0; layout < LAYOUTS.length; layout++) {
                long t0 = mx.getCurrentThreadCpuTime();
                b.run(layout);
                us[layout][r] = (mx.getCurrentThreadCpuTime() - t0) / 1e3 / HEADS;
            }
        }
        double flops = (causal ? 2.0 : 4.0) * n * (double) n * D;
        System.out.printf("# %s, %s, N = %d, %s, %d heads of %d, medians of %d rounds (thread CPU time)%n",
                kernels.name(), Runtime.version(), n, causal ? "causal" : "no mask", HEADS, D, rounds);
        for (int layout = 0; layout < LAYOUTS.length; layout++) {
            Arrays.sort(us[layout]);
            double t = us[layout][rounds / 2];
            System.out.printf("%-12s %9.1f µs per head  %6.1f GFLOPS%n", LAYOUTS[layout], t, flops / t / 1e3);
        }
    }
}
