package dev.attn4j.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.PrintStream;
import java.util.Collection;

/**
 * JMH output for the report: one progress line (benchmark, parameters, iteration) instead of JMH's full log,
 * and JMH's error lines passed through so a failing benchmark is visible. Results are tabulated by
 * {@link FullRun} at the end.
 */
final class JmhProgress implements OutputFormat {
    private final QuickBench.Progress progress;
    private final PrintStream out;
    private int started;

    JmhProgress(QuickBench.Progress progress, PrintStream out) {
        this.progress = progress;
        this.out = out;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        started++;
        progress.show("JMH #" + started + " " + label(params));
    }

    @Override
    public void iteration(BenchmarkParams params, IterationParams it, int iteration) {
        String phase = it.getType() == IterationType.WARMUP ? "warm-up" : "measure";
        progress.show("JMH #" + started + " " + label(params) + " " + phase + " " + iteration + "/" + it.getCount());
    }

    private static String label(BenchmarkParams p) {
        StringBuilder sb = new StringBuilder(p.getBenchmark().replace("dev.attn4j.bench.", ""));
        for (String k : p.getParamsKeys()) {
            sb.append(' ').append(k).append('=').append(p.getParam(k));
        }
        return sb.toString();
    }

    @Override
    public void iterationResult(BenchmarkParams params, IterationParams it, int iteration, IterationResult r) {
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
    }

    @Override
    public void startRun() {
    }

    @Override
    public void endRun(Collection<RunResult> results) {
        progress.clear();
    }

    @Override
    public void print(String s) {
        passErrors(s);
    }

    @Override
    public void println(String s) {
        passErrors(s);
    }

    @Override
    public void verbosePrintln(String s) {
        passErrors(s);
    }

    /** JMH reports a failed benchmark through these; everything else is left out. */
    private void passErrors(String s) {
        if (s != null && (s.contains("<failure>") || s.contains("Exception") || s.contains("ERROR"))) {
            progress.clear();
            out.println("  JMH: " + s.strip());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public void write(int b) {
        // output of the forked JVMs: not shown
    }

    @Override
    public void write(byte[] b) {
    }
}
