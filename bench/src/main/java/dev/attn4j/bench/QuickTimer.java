package dev.attn4j.bench;

import java.util.Arrays;

/**
 * Quick-mode timing (not JMH): warm up, then time repeated runs and take the median. Budgets keep the whole
 * report near two minutes; JMH ({@code --full}) is the careful measurement.
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
        long t0 = System.nanoTime();
        int warm = 0;
        while (warm < MIN_WARMUP_RUNS || (System.nanoTime() - t0) * 1e-9 < WARMUP_SECONDS) {
            long s = System.nanoTime();
            body.run();
            double dt = (System.nanoTime() - s) * 1e-9;
            warm++;
            // Slow bodies are long enough to be compiled (on-stack replacement) after one or two runs.
            if (dt > 1.0 || dt > 0.2 && warm >= 2) {
                break;
            }
        }
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
}
