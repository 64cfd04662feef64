package dev.attn4j.bench;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Two probes of how this machine's caches treat the fused attention's spread heads.
 *
 * <pre>java --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar dev.attn4j.bench.MemoryProbe</pre>
 *
 * <ul>
 *   <li>re-read: a 4 MiB array read again (four streams on the preferred species from float 0, {@link
 *       VectorAnchors#read}; not the fastest form {@link PeakBench#readBandwidth} picks) right after its last read,
 *       and after about 0.1, 1 and 10 ms of register-only work ({@link PeakBench#fmaChains}): how long the L3 keeps
 *       data the core no longer touches;</li>
 *   <li>row copies: one head's K and V rows (N = 512, d = 64) out of 8 heads side by side, into contiguous buffers,
 *       head after head, by {@code System.arraycopy} per row and by vectors per row, with and without 0.66 ms of
 *       register-only work between heads (the time a head's arithmetic takes at N = 512).</li>
 * </ul>
 * Medians, wall-clock time of the measured part only.
 */
public final class MemoryProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int N = 512;
    static final int HEADS = SpreadHeads.HEADS;
    static final int D = SpreadHeads.D;
    static final int LD = HEADS * D;
    /** FMA steps of about 0.66 ms at ~115 GFLOPS (12 chains of 16 lanes, 2 flops each per step). */
    static final int HEAD_WORK_STEPS = 200_000;

    static float sink;

    private MemoryProbe() {
    }

    static void copyByArraycopy(float[] src, int head, float[] dst) {
        SpreadHeads.copyHead(src, N, head, dst);
    }

    static void copyByVectors(float[] src, int head, float[] dst) {
        for (int r = 0; r < N; r++) {
            int from = r * LD + head * D;
            int to = r * D;
            for (int c = 0; c < D; c += S.length()) {
                FloatVector.fromArray(S, src, from + c).intoArray(dst, to + c);
            }
        }
    }

    /** Median µs per head for copying K and V of each head in turn, with {@code steps} FMA steps between heads. */
    static double copyMicros(boolean vectors, int steps, float[] k, float[] v, float[] kd, float[] vd, int rounds) {
        double[] t = new double[rounds];
        for (int round = -3; round < rounds; round++) {
            long sum = 0;
            for (int h = 0; h < HEADS; h++) {
                long t0 = System.nanoTime();
                if (vectors) {
                    copyByVectors(k, h, kd);
                    copyByVectors(v, h, vd);
                } else {
                    copyByArraycopy(k, h, kd);
                    copyByArraycopy(v, h, vd);
                }
                sum += System.nanoTime() - t0;
                if (steps > 0) {
                    sink += PeakBench.fmaChains(steps);
                }
            }
            if (round >= 0) {
                t[round] = sum / 1e3 / HEADS;
            }
        }
        Arrays.sort(t);
        return t[rounds / 2];
    }

    public static void main(String[] args) {
        float[] buf = new float[1 << 20];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = i % 7;
        }
        System.out.println("# re-read of a 4 MiB array after register-only work (medians of 21)");
        for (int steps : new int[] {0, 30_000, 300_000, 3_000_000}) {
            double[] r = new double[21];
            for (int rep = -5; rep < r.length; rep++) {
                if (steps > 0) {
                    sink += PeakBench.fmaChains(steps);
                }
                long t0 = System.nanoTime();
                sink += VectorAnchors.read(buf, true, false, 0);
                long t = System.nanoTime() - t0;
                if (rep >= 0) {
                    r[rep] = 4.0 * buf.length / t;
                }
            }
            Arrays.sort(r);
            System.out.printf("after %,10d FMA steps: %6.1f GB/s%n", steps, r[r.length / 2]);
        }
        float[] k = new float[N * LD];
        float[] v = new float[N * LD];
        for (int i = 0; i < k.length; i++) {
            k[i] = i;
            v[i] = -i;
        }
        float[] kd = new float[N * D];
        float[] vd = new float[N * D];
        System.out.println("# K and V rows of one of 8 spread heads (N = 512, d = 64) copied, µs per head (medians of 21)");
        for (int steps : new int[] {0, HEAD_WORK_STEPS}) {
            for (boolean vectors : new boolean[] {false, true}) {
                System.out.printf("%-24s %s: %6.1f µs%n", vectors ? "vectors per row" : "System.arraycopy per row",
                        steps == 0 ? "heads back to back" : "0.66 ms of work between heads",
                        copyMicros(vectors, steps, k, v, kd, vd, 21));
            }
        }
        if (sink == 42f) {
            System.out.println();
        }
    }
}
