package dev.attn4j.simd;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Run in a fresh JVM by {@link PollutedProfilesTest}: first exercises every Vector API operation the kernels
 * use on every float vector class (64, 128, 256, 512 bits and {@code SPECIES_MAX}, as another library in the
 * same JVM would), so the type profiles inside the JDK's shared {@code FloatVector} code are megamorphic;
 * then warms up each kernel until C2 has compiled it and measures the bytes it allocates per call.
 *
 * <p>A kernel whose vectors C2 could not bind to their concrete class boxes every vector (kilobytes per
 * call at these sizes); a kernel that stays in registers allocates nothing, or a few bytes for a lane-sum
 * buffer. Prints one line per kernel, {@code name bytesPerCall}, then {@code canary bytesPerCall} for a loop
 * written without the casts, and exits 1 if a kernel allocates more than {@link #LIMIT} bytes per call.
 */
public final class PollutedProfilesMain {
    /** Bytes per call allowed: a 48-byte lane buffer, a mask object; boxing costs thousands at these sizes. */
    static final double LIMIT = 256;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static float sink;

    private PollutedProfilesMain() {
    }

    public static void main(String[] args) {
        Kernels k = Kernels.best();
        if (!k.name().startsWith("simd")) {
            System.out.println("not simd: " + k.name());
            System.exit(2);
        }
        pollute(Integer.getInteger("pollute.iterations", 3000));
        Random r = new Random(3);
        float[] a = random(r, 700 * 700);
        float[] b = random(r, 700 * 700);
        float[] c = new float[700 * 700];
        float[] w = random(r, 2000);
        float[] o = new float[2000];
        float[] x0 = random(r, 64 * 300);
        float[] x = new float[x0.length];
        List<String> failed = new ArrayList<>();
        check(failed, "gemm-nn-64", () -> k.gemm(false, false, 64, 64, 64, 1f, a, 0, 64, b, 0, 64, 0f, c, 0, 64));
        check(failed, "gemm-nn-96x96x300-beta1",
                () -> k.gemm(false, false, 96, 96, 300, 1f, a, 0, 300, b, 0, 96, 1f, c, 0, 96));
        check(failed, "gemm-nt-96x96x64", () -> k.gemm(false, true, 96, 96, 64, 0.5f, a, 0, 64, b, 0, 64, 0f, c, 0, 96));
        check(failed, "gemm-tn-37x29x131", () -> k.gemm(true, false, 37, 29, 131, 1f, a, 0, 37, b, 0, 29, 2f, c, 0, 29));
        check(failed, "gemm-narrow-200x64x200",
                () -> k.gemm(false, false, 200, 64, 200, 1f, a, 0, 200, b, 0, 64, 0f, c, 0, 64));
        check(failed, "gemm-direct-m1", () -> k.gemm(false, false, 1, 500, 300, 1f, a, 0, 300, b, 0, 500, 0f, c, 0, 500));
        check(failed, "gemm-direct-m2-beta1",
                () -> k.gemm(false, false, 2, 37, 300, 1f, a, 0, 300, b, 0, 37, 1f, c, 0, 37));
        ScoreMask none = ScoreMask.none();
        ScoreMask causal = ScoreMask.causal();
        check(failed, "softmax", () -> {
            System.arraycopy(x0, 0, x, 0, x.length);
            k.scaledSoftmax(64, 300, 0.125f, x, 0, 300, none);
        });
        check(failed, "softmax-rows-64x256", () -> {
            // rows of whole vectors at every width: the pipelined path (SimdExp.softmaxRows)
            System.arraycopy(x0, 0, x, 0, 64 * 256);
            k.scaledSoftmax(64, 256, 0.125f, x, 0, 256, none);
        });
        check(failed, "softmax-causal", () -> {
            System.arraycopy(x0, 0, x, 0, x.length);
            k.scaledSoftmax(64, 300, 0.125f, x, 0, 300, causal);
        });
        check(failed, "weightedSum-d64", () -> k.weightedSum(2000, 64, w, 0, a, 0, 64, o, 0));
        check(failed, "weightedSum-d37", () -> k.weightedSum(2000, 37, w, 0, a, 0, 37, o, 0));
        check(failed, "gemv-d64", () -> k.gemv(2000, 64, a, 0, 64, w, 0, o, 0));
        check(failed, "gemv-d37", () -> k.gemv(2000, 37, a, 0, 37, w, 0, o, 0));
        check(failed, "flash-200-d64", () -> k.flashAttention(200, 200, 64, 64, 0.125f, a, 0, 64, b, 0, 64,
                a, 50_000, 64, none, c, 0, 64));
        check(failed, "flash-200-d64-causal", () -> k.flashAttention(200, 200, 64, 64, 0.125f, a, 0, 64, b, 0, 64,
                a, 50_000, 64, causal, c, 0, 64));
        check(failed, "flash-150x170-dv37", () -> k.flashAttention(150, 170, 40, 37, 0.125f, a, 0, 40, b, 0, 40,
                a, 50_000, 37, none, c, 0, 37));
        // the same kind of loop without the casts: shows whether the pollution bites on this JVM
        VectorSpecies<Float> s = VectorWidth.SPECIES;
        System.out.printf(Locale.ROOT, "canary %.0f%n", bytesPerCall(() -> {
            FloatVector acc = FloatVector.zero(s);
            for (int i = 0; i + s.length() <= 4096; i += s.length()) {
                acc = acc.add(FloatVector.fromArray(s, a, i));
            }
            acc.intoArray(o, 0);
        }, Double.NEGATIVE_INFINITY, 40, 15e9));
        if (!failed.isEmpty()) {
            System.out.println("boxing: " + failed);
            System.exit(1);
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return v;
    }

    /** Every operation the kernels use, on every float vector class this JVM has. */
    static void pollute(int iterations) {
        List<VectorSpecies<Float>> species = List.of(FloatVector.SPECIES_MAX, FloatVector.SPECIES_64,
                FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512);
        float[] arr = new float[64];
        float[] out = new float[64];
        for (int i = 0; i < arr.length; i++) {
            arr[i] = i * 0.25f - 3f;
        }
        for (int it = 0; it < iterations; it++) {
            for (VectorSpecies<Float> sp : species) {
                FloatVector a = FloatVector.fromArray(sp, arr, 0);
                FloatVector b = FloatVector.broadcast(sp, 1.5f);
                FloatVector z = FloatVector.zero(sp);
                FloatVector v = a.fma(b, z).mul(b).mul(2f).add(b).add(1f).sub(b).sub(1f).max(b).min(b).div(b).neg();
                VectorMask<Float> lt = a.lt(b);
                VectorMask<Float> lt0 = a.lt(0f);
                VectorMask<Float> eq = a.eq(b);
                v = v.blend(b, lt).blend(0f, lt0).blend(z, eq).fma(2f, 1f);
                v = v.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(1).reinterpretAsFloats();
                v.intoArray(out, 0);
                sink += v.reduceLanes(VectorOperators.MAX) + v.toArray()[0];
            }
        }
    }

    private static void check(List<String> failed, String name, Runnable call) {
        double perCall = bytesPerCall(call, LIMIT, 400, 60e9);
        System.out.printf(Locale.ROOT, "%s %.0f%n", name, perCall);
        if (perCall > LIMIT) {
            failed.add(name + " " + Math.round(perCall) + " bytes/call");
        }
    }

    /**
     * The fewest bytes allocated per call over rounds of warm-up and measurement, stopping once at most
     * {@code enough}: C2 compiles in the background, so the first rounds run interpreted or in C1 code (for
     * longer when other processes keep both cores busy: a 40-round, 15 s cap once ended before C2 had compiled the
     * m = 2 direct GEMM on JDK 25, on a loaded machine), or once {@code maxRounds} rounds or {@code maxNanos} have
     * passed.
     */
    private static double bytesPerCall(Runnable call, double enough, int maxRounds, double maxNanos) {
        long thread = Thread.currentThread().getId();
        double best = Double.MAX_VALUE;
        long start = System.nanoTime();
        for (int round = 0; round < maxRounds && System.nanoTime() - start < maxNanos; round++) {
            for (int i = 0; i < 300; i++) {
                call.run();
            }
            long before = THREADS.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 100; i++) {
                call.run();
            }
            best = Math.min(best, (THREADS.getThreadAllocatedBytes(thread) - before) / 100.0);
            if (best <= enough) {
                break;
            }
        }
        return best;
    }
}
