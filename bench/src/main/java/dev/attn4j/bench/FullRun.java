package dev.attn4j.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

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

    static List<Map<String, Object>> run(ReportOptions o, PrintStream out) throws RunnerException {
        Options opts = new OptionsBuilder()
                .include(o.include())
                .forks(1)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx3g", "--add-modules=jdk.incubator.vector")
                .param("threads", String.valueOf(o.threads()))
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(false)
                .build();
        out.println("  JMH: 1 fork, 3×1 s warm-up, 5×1 s measurement per benchmark; this takes a while.");
        Collection<RunResult> results = new Runner(opts).run();
        List<Map<String, Object>> rows = new ArrayList<>();
        String fmt = "  %-60s %-34s %12s %-12s %10s%n";
        out.printf(Locale.ROOT, fmt, "benchmark", "params", "score", "unit", "± error");
        for (RunResult r : results) {
            var p = r.getParams();
            StringBuilder params = new StringBuilder();
            for (String k : p.getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ",").append(k).append('=').append(p.getParam(k));
            }
            var s = r.getPrimaryResult();
            String name = p.getBenchmark().replace("dev.attn4j.bench.", "");
            out.printf(Locale.ROOT, fmt, name, params, String.format(Locale.ROOT, "%.3f", s.getScore()),
                    s.getScoreUnit(), String.format(Locale.ROOT, "%.3f", s.getScoreError()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("benchmark", name);
            row.put("params", params.toString());
            row.put("score", s.getScore());
            row.put("error", s.getScoreError());
            row.put("unit", s.getScoreUnit());
            rows.add(row);
        }
        return rows;
    }
}
