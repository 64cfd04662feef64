package dev.attn4j.bench;

import dev.attn4j.bench.chart.Chart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the report's chart from quick-mode results: GEMM and MHA panels, GFLOPS vs size, with the peak. */
final class ReportChart {
    private ReportChart() {
    }

    static Chart build(QuickBench qb, String cpu, String jdk, int threads) {
        Chart c = new Chart("attn4j quick mode: GFLOPS vs size (median, same run)",
                cpu + " · JDK " + jdk + " · " + threads + " thread" + (threads == 1 ? "" : "s")
                        + " · not JMH; 2 shared cores are noisy");
        c.add(panel(qb, "gemm", "GEMM C = A·B (n×n×n)", "n"));
        c.add(panel(qb, "mha", "Multi-head self-attention E=512, h=8, B=1", "sequence length N"));
        return c;
    }

    static Chart.Panel panel(QuickBench qb, String op, String title, String xLabel) {
        Chart.Panel p = new Chart.Panel(title, xLabel, "GFLOPS");
        Map<String, List<double[]>> byImpl = new LinkedHashMap<>();
        for (Measurement m : qb.results) {
            if (m.op().equals(op)) {
                byImpl.computeIfAbsent(m.impl(), k -> new ArrayList<>()).add(new double[]{m.x(), m.rate()});
            }
        }
        for (Map.Entry<String, List<double[]>> e : byImpl.entrySet()) {
            String impl = e.getKey();
            boolean peer = !(impl.equals("reference") || impl.equals("scalar") || impl.startsWith("simd"));
            String name = impl.equals(qb.bestName()) ? "attn4j " + impl
                    : impl.equals("scalar") || impl.equals("reference") ? "attn4j " + impl : impl + " (peer)";
            p.add(new Chart.Series(name, Chart.colorFor(impl), peer, e.getValue()));
        }
        double peak = qb.peakFor(op);
        p.line(new Chart.HLine(String.format(Locale.ROOT, "%s: %.0f GFLOPS", qb.peakLabel, peak), "#000000", peak));
        return p;
    }
}
