package dev.attn4j.bench.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chart of rate vs size: one or more panels side by side, each with log-scaled axes (x base 2, y base 10),
 * line series with markers, and horizontal reference lines (the measured peak). Rendered by {@link SvgChart}
 * and {@link PngChart} from the same layout ({@link Layout}), so both files show the same picture.
 */
public final class Chart {
    /** A named line of (x, y) points, x ascending; y ≤ 0 or NaN points are left out. */
    public record Series(String name, String color, boolean dashed, List<double[]> points) {
        public Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(color, "color");
            points = List.copyOf(points);
        }
    }

    /** A horizontal line at {@code y}, labelled. */
    public record HLine(String name, String color, double y) {
    }

    /** One panel: title, axis labels, series and reference lines. */
    public static final class Panel {
        final String title;
        final String xLabel;
        final String yLabel;
        final List<Series> series = new ArrayList<>();
        final List<HLine> lines = new ArrayList<>();

        public Panel(String title, String xLabel, String yLabel) {
            this.title = title;
            this.xLabel = xLabel;
            this.yLabel = yLabel;
        }

        public Panel add(Series s) {
            if (!s.points().isEmpty()) {
                series.add(s);
            }
            return this;
        }

        public Panel line(HLine l) {
            if (l.y() > 0 && Double.isFinite(l.y())) {
                lines.add(l);
            }
            return this;
        }

        public List<Series> series() { return List.copyOf(series); }
        public List<HLine> lines() { return List.copyOf(lines); }
        public String title() { return title; }
    }

    final String title;
    final String subtitle;
    final List<Panel> panels = new ArrayList<>();

    public Chart(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    public Chart add(Panel p) {
        panels.add(p);
        return this;
    }

    public List<Panel> panels() {
        return List.copyOf(panels);
    }

    /** Fixed colours per implementation so every chart reads the same way. */
    public static String colorFor(String impl) {
        if (impl.startsWith("simd")) return "#d62728";
        if (impl.startsWith("parallel")) return "#ff7f0e";
        if (impl.equals("scalar")) return "#1f77b4";
        if (impl.equals("reference")) return "#7f7f7f";
        if (impl.startsWith("EJML")) return "#2ca02c";
        if (impl.startsWith("netlib")) return "#9467bd";
        if (impl.startsWith("ORT Attention")) return "#8c564b";
        if (impl.startsWith("ORT")) return "#e377c2";
        return "#17becf";
    }
}
