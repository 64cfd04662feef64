package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Soak run (a benchmark, not a unit test): millions of small kernel calls from several threads, with the
 * heap used after a full GC sampled between rounds. Pack buffers and scratch are per thread and bounded,
 * so the figure must stay flat; a leak shows as growth from round to round.
 *
 * <pre>java --add-modules jdk.incubator.vector -Xmx256m -cp bench/target/attn4j-report.jar dev.attn4j.bench.Soak [calls] [threads]</pre>
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        long calls = args.length > 0 ? Long.parseLong(args[0]) : 4_000_000L;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = 8;
        Kernels kernels = Kernels.best();
        System.out.println("soak: kernels=" + kernels.name() + " calls=" + calls + " threads=" + threads
                + " rounds=" + rounds);
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Long> heap = new ArrayList<>();
        heap.add(usedAfterGc(mem));
        long perTask = calls / rounds / threads;
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = round * 1000L + t;
                fs.add(pool.submit(() -> smallCalls(kernels, perTask, seed)));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            heap.add(usedAfterGc(mem));
            System.out.printf("round %d: %,d calls, heap after GC %,d KiB%n", round + 1,
                    perTask * threads * (round + 1), heap.get(heap.size() - 1) / 1024);
        }
        pool.shutdown();
        double secs = (System.nanoTime() - t0) / 1e9;
        long first = heap.get(1);
        long last = heap.get(heap.size() - 1);
        System.out.printf("soak: %,d calls in %.1f s; heap after GC: start %,d KiB, after round 1 %,d KiB, "
                        + "end %,d KiB (growth after round 1: %+,d KiB)%n",
                perTask * threads * rounds, secs, heap.get(0) / 1024, first / 1024, last / 1024, (last - first) / 1024);
    }

    /** A mix of small calls of every kernel, sizes varying so every fringe path runs. */
    private static void smallCalls(Kernels k, long count, long seed) {
        Random r = new Random(seed);
        float[] a = new float[64 * 64];
        float[] b = new float[64 * 64];
        float[] c = new float[64 * 64];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
            b[i] = r.nextFloat() - 0.5f;
        }
        for (long i = 0; i < count; i++) {
            int m = 1 + (int) (i % 17);
            int n = 1 + (int) (i % 29);
            int d = 1 + (int) (i % 33);
            switch ((int) (i & 3)) {
                case 0:
                    k.gemm((i & 4) != 0, (i & 8) != 0, m, n, d, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 64);
                    break;
                case 1:
                    System.arraycopy(a, 0, c, 0, m * 64);
                    k.scaledSoftmax(m, n, 0.5f, c, 0, 64, (i & 4) != 0 ? ScoreMask.causal() : ScoreMask.none());
                    break;
                case 2:
                    k.weightedSum(n, d, a, 0, b, 0, 64, c, 0);
                    break;
                default:
                    k.flashAttention(m, n, d, d, 0.25f, a, 0, 64, b, 0, 64, b, 64 * 32, 64,
                            (i & 4) != 0 ? ScoreMask.causal() : ScoreMask.none(), c, 0, 64);
            }
        }
    }

    private static long usedAfterGc(MemoryMXBean mem) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
