package dev.attn4j.bench;

import java.util.Arrays;

/**
 * Quick-mode timing (not JMH): warm up, then time repeated runs and take the median. Budgets keep the whole
 * report near two minutes; JMH ({@code --full}) is the careful measurement.
 *
 * <p>{@link #timeInterleaved} times several implementations of one operation in alternation (round robin),
 * so a burst of load from other processes on shared cores hits all of them alike and their ratio stays
 * meaningful even when the absolute times do not.
 */
public final class QuickTimer {
    /** Warm-up: at least this many runs and this much time, so C2 has compiled the kernel. */
    static final int MIN_WARMUP_RUNS = 3;
    static final double WARMUP_SECONDS = 0.4;
    /** Measurement: at least this many runs and this much time, at most MAX_RUNS runs. */
    static final int MIN_RUNS = 5;
    static final double MEASURE_SECONDS = 0.35;
    static final int MAX_RUNS = 200;

    private QuickTimer() {
    }

    /** A median over {@code runs} timed runs, with the fastest and slowest for spread. */
    public record Timing(double medianSeconds, double minSeconds, double maxSeconds, int runs) {
    }

    /** A run that may throw a checked exception (ONNX Runtime does). */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Warms up and times {@code body}; one run that takes long cuts warm-up and runs down to the minimum. */
    public static Timing time(Body body) throws Exception {
        fixedWarmUp(body, null);
        double[] times = new double[MAX_RUNS];
        int n = 0;
        long m0 = System.nanoTime();
        while (n < MAX_RUNS && (n < MIN_RUNS || (System.nanoTime() - m0) * 1e-9 < MEASURE_SECONDS)) {
            long s = System.nanoTime();
            body.run();
            times[n++] = (System.nanoTime() - s) * 1e-9;
            if (n >= 3 && times[n - 1] > 0.3) {
                break;
            }
        }
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        double median = n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
        return new Timing(median, t[0], t[n - 1], n);
    }

    /** Rounds of {@link #timeInterleaved}: at least MIN_RUNS, up to this many, within this much time. */
    static final int MAX_ROUNDS = 41;
    static final double INTERLEAVED_SECONDS = 1.5;
    /** Each sample of a fast body is a batch of calls lasting about this long, so the timer's jitter is small. */
    static final double BATCH_SECONDS = 0.005;

    /**
     * Warms up each body, then runs rounds in which every body runs one batch; returns each body's median
     * time per call over the rounds, in the order given.
     */
    public static Timing[] timeInterleaved(Body[] bodies) throws Exception {
        return timeInterleaved(bodies, new Body[bodies.length]);
    }

    /**
     * As {@link #timeInterleaved(Body[])}, but {@code setups[i]}, when not null, runs before every call of
     * {@code bodies[i]} and is not timed (e.g. to bring a KV cache back to a fixed length).
     */
    public static Timing[] timeInterleaved(Body[] bodies, Body[] setups) throws Exception {
        int b = bodies.length;
        if (setups.length != b) {
            throw new IllegalArgumentException("setups: " + setups.length + " for " + b + " bodies");
        }
        int[] batch = new int[b];
        for (int i = 0; i < b; i++) {
            double last = warmUp(bodies[i], setups[i]);
            batch[i] = (int) Math.max(1, Math.min(1_000_000, Math.ceil(BATCH_SECONDS / Math.max(last, 1e-9))));
        }
        double[][] samples = new double[b][MAX_ROUNDS];
        int rounds = 0;
        long t0 = System.nanoTime();
        while (rounds < MAX_ROUNDS && (rounds < MIN_RUNS || (System.nanoTime() - t0) * 1e-9 < INTERLEAVED_SECONDS)) {
            // Alternate the order each round so no body always runs right after the same neighbour.
            for (int j = 0; j < b; j++) {
                int i = rounds % 2 == 0 ? j : b - 1 - j;
                samples[i][rounds] = batch(bodies[i], setups[i], batch[i]) / batch[i];
            }
            rounds++;
            // Slow groups (a second or more per round) stop after the minimum of 3 rounds.
            if (rounds >= 3 && (System.nanoTime() - t0) * 1e-9 / rounds > 1.0) {
                break;
            }
        }
        Timing[] out = new Timing[b];
        for (int i = 0; i < b; i++) {
            double[] t = Arrays.copyOf(samples[i], rounds);
            Arrays.sort(t);
            double median = rounds % 2 == 1 ? t[rounds / 2] : 0.5 * (t[rounds / 2 - 1] + t[rounds / 2]);
            out[i] = new Timing(median, t[0], t[rounds - 1], rounds);
        }
        return out;
    }

    /** Seconds spent in {@code calls} calls of body; setup (if any) runs untimed before each. */
    private static double batch(Body body, Body setup, int calls) throws Exception {
        if (setup == null) {
            long s = System.nanoTime();
            for (int r = 0; r < calls; r++) {
                body.run();
            }
            return (System.nanoTime() - s) * 1e-9;
        }
        long total = 0;
        for (int r = 0; r < calls; r++) {
            setup.run();
            long s = System.nanoTime();
            body.run();
            total += System.nanoTime() - s;
        }
        return total * 1e-9;
    }

    /** A run longer than this ends warm-up after the second run: slow bodies are compiled (OSR) by then. */
    static final double SLOW_RUN_SECONDS = 0.2;

    /**
     * At least {@link #MIN_WARMUP_RUNS} runs and {@link #WARMUP_SECONDS}, cut short by a slow body (a run over
     * 1 s, or over {@link #SLOW_RUN_SECONDS} from the second run on). Returns the duration of the last run
     * (setup excluded); it exceeds SLOW_RUN_SECONDS exactly when the warm-up was cut short.
     */
    private static double fixedWarmUp(Body body, Body setup) throws Exception {
        long t0 = System.nanoTime();
        int warm = 0;
        double dt = 0;
        while (warm < MIN_WARMUP_RUNS || (System.nanoTime() - t0) * 1e-9 < WARMUP_SECONDS) {
            dt = batch(body, setup, 1);
            warm++;
            if (dt > 1.0 || dt > SLOW_RUN_SECONDS && warm >= 2) {
                break;
            }
        }
        return dt;
    }

    /** Longest warm-up of one body when its speed keeps changing (C2 still compiling): the report's budget. */
    static final double WARMUP_MAX_SECONDS = 3.0;

    /**
     * Warm-up as in {@link #time}, then on until the body's speed has settled: rounds of about 50 ms, until two
     * rounds in a row run within 3% of the round before (or {@link #WARMUP_MAX_SECONDS} pass). A fixed warm-up
     * was not enough: with peers' code in the compile queue, C2's compile of a kernel sometimes landed inside
     * the timed rounds, and the report then timed the profiled C1 code (fused attention at L = 128 read 11
     * GFLOPS instead of 55). Returns the duration of the last run (setup excluded).
     */
    static double warmUp(Body body, Body setup) throws Exception {
        long t0 = System.nanoTime();
        double dt = fixedWarmUp(body, setup);
        if (dt > SLOW_RUN_SECONDS) {
            return dt;
        }
        int calls = (int) Math.max(1, Math.min(1_000_000, Math.ceil(0.05 / Math.max(dt, 1e-9))));
        double previous = batch(body, setup, calls) / calls;
        int settled = 0;
        while (settled < 2 && (System.nanoTime() - t0) * 1e-9 < WARMUP_MAX_SECONDS) {
            double now = batch(body, setup, calls) / calls;
            settled = Math.abs(now - previous) <= 0.03 * previous ? settled + 1 : 0;
            previous = now;
        }
        return previous;
    }
}
