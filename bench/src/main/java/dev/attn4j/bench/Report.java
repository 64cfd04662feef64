package dev.attn4j.bench;

import dev.attn4j.Kernels;
import dev.attn4j.bench.chart.Chart;
import dev.attn4j.bench.chart.PngChart;
import dev.attn4j.bench.chart.SvgChart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;

/**
 * The main job: what runs, the seeds' worked example, SIMD-vs-reference accuracy, a quick benchmark of the
 * kernels, MHA and the peers with a table and a chart, and optionally the JMH suite.
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector -jar bench/target/attn4j-report.jar [--full] [--threads N]
 *        [--out DIR] [--json]
 * </pre>
 * Exit code 0 on success (a peer that cannot load is reported absent, not a failure), 2 on bad arguments,
 * 1 when a correctness check fails.
 */
public final class Report {
    private final ReportOptions options;
    private final PrintStream out;
    private final QuickBench.Progress progress;

    Report(ReportOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.progress = new QuickBench.Progress(err);
    }

    public static void main(String[] args) throws Exception {
        ReportOptions o;
        try {
            o = ReportOptions.parse(Arrays.asList(args));
        } catch (IllegalArgumentException e) {
            System.err.println("attn4j report: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (o.help()) {
            System.out.println(ReportOptions.USAGE);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = new Report(o, out, err).run();
        // ONNX Runtime and ForkJoin workers must not keep the JVM alive.
        System.exit(code);
    }

    int run() throws Exception {
        Files.createDirectories(options.out());
        Map<String, Object> json = new LinkedHashMap<>();
        boolean ok = true;

        heading("1. What runs");
        Map<String, String> machine = MachineInfo.collect();
        machine.forEach((k, v) -> out.printf(Locale.ROOT, "  %-18s %s%n", k, v));
        boolean simd = Kernels.best().name().startsWith("simd");
        if (!simd) {
            out.println("  NOTE: the SIMD kernels are not active; every 'attn4j' figure below is the scalar FALLBACK.");
            out.println("        Run with: java --add-modules jdk.incubator.vector -jar bench/target/attn4j-report.jar");
        }
        json.put("machine", machine);
        json.put("options", Map.of("threads", options.threads(), "full", options.full(), "out", options.out().toString()));

        heading("2. Worked example: parameter-free self-attention softmax(E·Eᵀ)·E on " + Kernels.best().name());
        ok &= WorkedExamples.print(out, Kernels.best());

        heading("3. Accuracy against the float64 reference (random inputs; ratio = max |err| / derived bound, ≤ 1 is within)");
        List<Map<String, Object>> acc = new ArrayList<>();
        List<Kernels> checked = simd ? List.of(Kernels.best(), Kernels.scalar()) : List.of(Kernels.scalar());
        out.printf(Locale.ROOT, "  %-10s %-22s %-18s %12s %10s%n", "kernels", "operation", "shape", "max |err|", "ratio");
        for (Kernels k : checked) {
            for (AccuracyCheck.Result r : AccuracyCheck.run(k, Kernels.reference(), 7)) {
                out.printf(Locale.ROOT, "  %-10s %-22s %-18s %12.2e %10.3f %s%n", k.name(), r.kernel(), r.shape(),
                        r.maxAbsError(), r.maxRatio(), r.withinBound() ? "ok" : "EXCEEDS BOUND");
                ok &= r.withinBound();
                acc.add(Map.of("kernels", k.name(), "operation", r.kernel(), "shape", r.shape(),
                        "maxAbsError", r.maxAbsError(), "ratioToBound", r.maxRatio()));
            }
        }
        json.put("accuracy", acc);

        heading("4. QUICK MODE timings (median of repeated runs after warm-up; NOT JMH — use --full for JMH)");
        out.printf(Locale.ROOT, "  threads: %d%s%n", options.threads(), options.threads() > 1
                ? " (attn4j GEMM on Kernels.parallel, MHA on MultiHeadAttention with an executor; ORT intra-op = " + options.threads()
                + "; EJML and netlib run 1 thread)" : "");
        QuickBench qb;
        // The library never creates threads: the report owns the pool its parallel kernels and MHA run on.
        ForkJoinPool pool = options.threads() > 1 ? new ForkJoinPool(options.threads() - 1) : null;
        try {
            qb = new QuickBench(options, pool, progress);
            qb.anchors();
            qb.gemm();
            qb.kernels();
            qb.mha(options.out());
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
        progress.clear();
        printAnchorsAndPeers(qb);
        printMainTable(qb);
        printAllRates(qb);
        for (String n : qb.notes) {
            if (!n.isEmpty()) {
                out.println("  " + n);
            }
        }
        json.put("anchors", Map.of("fmaPeakGflops1Thread", qb.peakGflops1, "fmaPeakGflopsAllThreads", qb.peakGflopsN,
                "readBandwidthGBs", qb.bandwidthGBs, "readBandwidth4StreamsGBs", qb.bandwidth4GBs,
                "readLoop", qb.readLoop, "readLoop4Streams", qb.readLoop4, "peakLabel", qb.peakLabel));
        json.put("peers", qb.peers);
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Measurement m : qb.results) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("op", m.op());
            e.put("size", m.size());
            e.put("x", m.x());
            e.put("impl", m.impl());
            e.put("medianSeconds", m.seconds());
            e.put("rate", m.rate());
            e.put("unit", m.unit());
            e.put("runs", m.runs());
            ms.add(e);
        }
        json.put("quick", ms);

        heading("5. Chart");
        Chart chart = ReportChart.build(qb, machine.get("CPU"), machine.get("JDK"), options.threads());
        Path svg = options.out().resolve("attn4j-gflops.svg");
        SvgChart.write(chart, svg);
        out.println("  SVG: " + svg.toAbsolutePath());
        Path png = options.out().resolve("attn4j-gflops.png");
        try {
            PngChart.write(chart, png);
            out.println("  PNG: " + png.toAbsolutePath());
        } catch (IOException | RuntimeException | LinkageError e) {
            out.println("  PNG: not written (" + e + "); the SVG has the same chart");
        }

        if (options.full()) {
            heading("6. FULL MODE: the JMH suite (" + options.include() + ")");
            List<Map<String, Object>> jmh = FullRun.run(options, out, progress);
            json.put("jmh", jmh);
        }

        json.put("ok", ok);
        if (options.json()) {
            Path jf = options.out().resolve("report.json");
            Files.writeString(jf, Json.write(json), StandardCharsets.UTF_8);
            out.println();
            out.println("JSON: " + jf.toAbsolutePath());
        }
        out.println();
        out.printf(Locale.ROOT, "Done in %.0f s. Correctness checks: %s%n", progress.elapsed(), ok ? "all passed" : "SOME FAILED");
        return ok ? 0 : 1;
    }

    private void heading(String s) {
        progress.clear();
        out.println();
        out.println("== " + s);
    }

    private void printAnchorsAndPeers(QuickBench qb) {
        out.printf(Locale.ROOT, "  %s: %.1f GFLOPS on 1 thread%s; read bandwidth %.1f GB/s (1 thread, 128 MiB, one stream,"
                        + " %s)%s; best of the runs%n",
                qb.peakLabel, qb.peakGflops1,
                options.threads() > 1 ? String.format(Locale.ROOT, ", %.1f on %d threads", qb.peakGflopsN, options.threads()) : "",
                qb.bandwidthGBs, qb.readLoop, Double.isNaN(qb.bandwidth4GBs) ? ""
                        : String.format(Locale.ROOT, ", %.1f GB/s as four streams side by side (%s)", qb.bandwidth4GBs,
                        qb.readLoop4));
        out.println("  peers:");
        qb.peers.forEach((k, v) -> out.printf(Locale.ROOT, "    %-22s %s%n", k, v));
    }

    /** Peers compared with attn4j for an operation. */
    static List<String> peersFor(String op, QuickBench qb) {
        List<String> names = new ArrayList<>();
        for (String p : qb.peers.keySet()) {
            boolean gemmPeer = p.startsWith("EJML") || p.startsWith("netlib");
            boolean causalPeer = p.contains("causal");
            if (op.equals("gemm") && gemmPeer || op.equals("mha") && p.startsWith("ORT") && !causalPeer
                    || op.equals("mha causal") && causalPeer) {
                names.add(p);
            }
        }
        return names;
    }

    private void printMainTable(QuickBench qb) {
        String best = qb.bestName();
        out.println();
        out.printf(Locale.ROOT, "  attn4j = %s%s. ×ref, ×scalar: speed-up over the float64 reference and the scalar fallback;"
                + " attn4j ÷ peer: >1 means attn4j is faster; n/a: not timed at that size (too slow), absent: peer not loaded.%n",
                best, best.startsWith("simd") ? "" : " (FALLBACK)");
        String fmt = "  %-15s %-18s %9s %9s %7s %8s %8s  %s%n";
        out.printf(Locale.ROOT, fmt, "operation", "size", "ms", "rate", "%peak", "×ref", "×scalar", "attn4j ÷ peer");
        out.println("  " + "-".repeat(118));
        Set<String> seen = new LinkedHashSet<>();
        for (Measurement m : qb.results) {
            String key = m.op() + "|" + m.size();
            if (!seen.add(key)) {
                continue;
            }
            Measurement a = qb.find(m.op(), m.size(), best);
            if (a == null) {
                continue;
            }
            Measurement ref = qb.find(m.op(), m.size(), "reference");
            Measurement sc = qb.find(m.op(), m.size(), "scalar");
            // Without the Vector API the FMA chains are scalar, which C2's auto-vectorized loops outrun:
            // no ceiling, so no fraction of it.
            String pct = a.unit().equals("GFLOPS") && qb.vectorPeak
                    ? String.format(Locale.ROOT, "%.0f%%", 100 * a.rate() / qb.peakFor(m.op())) : "—";
            StringBuilder peerCol = new StringBuilder();
            for (String p : peersFor(m.op(), qb)) {
                Measurement pm = qb.find(m.op(), m.size(), p);
                String status = qb.peers.get(p);
                String v = pm != null ? String.format(Locale.ROOT, "%.2f", a.rate() / pm.rate())
                        : status.startsWith("absent") ? "absent" : status.startsWith("disagrees") ? "disagrees" : "n/a";
                peerCol.append(peerCol.length() == 0 ? "" : ", ").append(p).append(' ').append(v);
            }
            out.printf(Locale.ROOT, fmt, m.op(), m.size(), String.format(Locale.ROOT, "%.3f", a.seconds() * 1e3),
                    String.format(Locale.ROOT, "%.2f", a.rate()) + (a.unit().equals("GFLOPS") ? "" : "*"), pct,
                    ratio(a, ref), best.equals("scalar") ? "—" : ratio(a, sc), peerCol);
        }
        Measurement longest = null;
        for (Measurement m : qb.results) {
            if (m.op().equals("decode") && m.impl().equals(best) && (longest == null || m.x() > longest.x())) {
                longest = m;
            }
        }
        if (longest != null) {
            // one step reads every cached key and value once: 2 · tokens · E floats (the 4·E² weights not counted)
            double gbs = 2.0 * longest.x() * QuickBench.E * 4 / longest.seconds() * 1e-9;
            // medians against medians: the anchors' best runs are what the header shows
            out.printf(Locale.ROOT, "  decode %s reads its keys and values at %.1f GB/s (median step): %.2f of the one-stream read"
                            + " bandwidth (%.1f GB/s, median run)%s%n",
                    longest.size(), gbs, gbs / qb.bandwidthMedianGBs, qb.bandwidthMedianGBs,
                    Double.isNaN(qb.bandwidth4MedianGBs) ? "" : String.format(Locale.ROOT,
                            ", %.2f of the four-stream one (%.1f GB/s)", gbs / qb.bandwidth4MedianGBs, qb.bandwidth4MedianGBs));
        }
        out.println("  rate: GFLOPS, or * Gelem/s for softmax (its flop count is not meaningful); %peak vs "
                + "the FMA-chain peak measured above" + (qb.vectorPeak ? "." : " (— here: without the Vector API there"
                + " is no vector FMA peak to measure)."));
    }

    private static String ratio(Measurement a, Measurement b) {
        return b == null ? "n/a" : String.format(Locale.ROOT, "%.1f", a.rate() / b.rate());
    }

    /** Every implementation's rate per operation and size: the numbers behind the chart. */
    private void printAllRates(QuickBench qb) {
        List<String> impls = new ArrayList<>();
        for (Measurement m : qb.results) {
            if (!impls.contains(m.impl())) {
                impls.add(m.impl());
            }
        }
        out.println();
        out.println("  All implementations, rate (GFLOPS; * = Gelem/s), same run:");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %-15s %-18s", "operation", "size"));
        for (String i : impls) {
            h.append(String.format(Locale.ROOT, " %17s", shorten(i)));
        }
        out.println(h);
        Set<String> seen = new LinkedHashSet<>();
        for (Measurement m : qb.results) {
            if (!seen.add(m.op() + "|" + m.size())) {
                continue;
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-15s %-18s", m.op(), m.size()));
            for (String i : impls) {
                Measurement x = qb.find(m.op(), m.size(), i);
                row.append(String.format(Locale.ROOT, " %17s", x == null ? "·"
                        : String.format(Locale.ROOT, "%.2f", x.rate()) + (x.unit().equals("GFLOPS") ? "" : "*")));
            }
            out.println(row);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 17 ? s : s.substring(0, 17);
    }
}
