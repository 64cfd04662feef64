package dev.attn4j.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --full}: runs the JMH benchmarks bundled in this jar through the JMH Runner API (one fork each,
 * with the Vector API flag and a fixed heap) and tabulates the scores.
 */
final class FullRun {
    private FullRun() {
    }

    static List<Map<String, Object>> run(ReportOptions o, PrintStream out, QuickBench.Progress progress)
            throws RunnerException {
        Options opts = new OptionsBuilder()
                .include(o.include())
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx3g", "--add-modules=jdk.incubator.vector")
                .param("threads", String.valueOf(o.threads()))
                .shouldFailOnError(false)
                .build();
        out.println("  JMH: 1 fork, 3×1 s warm-up, 5×1 s measurement per benchmark; this takes a while.");
        Collection<RunResult> results = new Runner(opts, new JmhProgress(progress, out)).run();
        List<Map<String, Object>> rows = new ArrayList<>();
        String fmt = "  %-40s %-44s %12s %-8s %10s %9s%n";
        out.printf(Locale.ROOT, fmt, "benchmark", "params", "score", "unit", "± error", "GFLOPS");
        for (RunResult r : results) {
            var p = r.getParams();
            StringBuilder params = new StringBuilder();
            Map<String, String> pm = new LinkedHashMap<>();
            for (String k : p.getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ",").append(k).append('=').append(p.getParam(k));
                pm.put(k, p.getParam(k));
            }
            var s = r.getPrimaryResult();
            String name = p.getBenchmark().replace("dev.attn4j.bench.", "");
            double gflops = gflops(name, pm, s.getScore(), s.getScoreUnit());
            out.printf(Locale.ROOT, fmt, name, params, String.format(Locale.ROOT, "%.3f", s.getScore()),
                    s.getScoreUnit(), String.format(Locale.ROOT, "%.3f", s.getScoreError()),
                    Double.isNaN(gflops) ? "" : String.format(Locale.ROOT, "%.2f", gflops));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", name);
            row.put("params", params.toString());
            row.put("score", s.getScore());
            row.put("error", s.getScoreError());
            row.put("unit", s.getScoreUnit());
            row.put("gflops", gflops);
            rows.add(row);
        }
        return rows;
    }

    /**
     * GFLOPS for the benchmarks of this class's package whose flop count is known from their parameters
     * (the peer and MHA benchmarks); NaN for the others, whose own javadoc gives their rate.
     */
    static double gflops(String benchmark, Map<String, String> params, double score, String unit) {
        double seconds = switch (unit) {
            case "ms/op" -> score * 1e-3;
            case "us/op" -> score * 1e-6;
            case "ns/op" -> score * 1e-9;
            case "s/op" -> score;
            default -> Double.NaN;
        };
        double flops = Double.NaN;
        try {
            if (benchmark.startsWith("PeerGemmBench.")) {
                double n = Double.parseDouble(params.get("n"));
                flops = 2 * n * n * n;
            } else if (benchmark.equals("MhaBench.forward")) {
                flops = MhaFlops.forwardFlops(1, Integer.parseInt(params.get("n")), MhaBench.E,
                        Boolean.parseBoolean(params.get("causal")));
            } else if (benchmark.equals("MhaBench.decodeStep")) {
                flops = MhaFlops.decodeFlops(Integer.parseInt(params.get("cache")), MhaBench.E);
            } else if (benchmark.startsWith("PeerMhaBench.")) {
                flops = MhaFlops.forwardFlops(1, Integer.parseInt(params.get("n")), MhaBench.E,
                        params.get("impl").toLowerCase(Locale.ROOT).endsWith("causal"));
            }
        } catch (RuntimeException e) {
            flops = Double.NaN;   // a parameter missing or renamed: no GFLOPS, the time still stands
        }
        return flops / seconds * 1e-9;
    }
}
