package dev.attn4j.bench.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Writes a {@link Chart} as a standalone SVG 1.1 document, by hand (no charting dependency). */
public final class SvgChart {
    private SvgChart() {
    }

    /** The SVG text of the chart. */
    public static String render(Chart chart) {
        Layout lay = new Layout(chart);
        StringBuilder sb = new StringBuilder(16_384);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n",
                lay.width, lay.height, lay.width, lay.height));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", lay.width, lay.height));
        text(sb, 12, 22, 16, "start", "bold", chart.title);
        text(sb, 12, 42, 11, "start", "normal", chart.subtitle);
        for (int i = 0; i < chart.panels.size(); i++) {
            panel(sb, lay, i, chart.panels.get(i));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Writes {@link #render} to {@code file} (UTF-8). */
    public static void write(Chart chart, Path file) throws IOException {
        Files.writeString(file, render(chart), StandardCharsets.UTF_8);
    }

    private static void panel(StringBuilder sb, Layout lay, int i, Chart.Panel p) {
        int[] box = lay.plotBox(i);
        double[] r = Layout.ranges(p);
        sb.append("<g class=\"panel\" data-title=\"").append(esc(p.title)).append("\">\n");
        text(sb, box[0], box[1] - 12, 13, "start", "bold", p.title);
        sb.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>\n",
                box[0], box[1], box[2], box[3]));
        for (double t : Layout.xTicks(r)) {
            double x = Layout.px(t, r, box);
            line(sb, x, box[1], x, box[1] + box[3], "#e0e0e0", 1, false);
            text(sb, x, box[1] + box[3] + 16, 11, "middle", "normal", Layout.fmt(t));
        }
        for (double t : Layout.yTicks(r)) {
            double y = Layout.py(t, r, box);
            line(sb, box[0], y, box[0] + box[2], y, "#e0e0e0", 1, false);
            text(sb, box[0] - 6, y + 4, 11, "end", "normal", Layout.fmt(t));
        }
        text(sb, box[0] + box[2] / 2.0, box[1] + box[3] + 36, 12, "middle", "normal", p.xLabel);
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">%s</text>\n",
                box[0] - 48.0, box[1] + box[3] / 2.0, box[0] - 48.0, box[1] + box[3] / 2.0, esc(p.yLabel)));
        for (Chart.HLine l : p.lines) {
            double y = Layout.py(l.y(), r, box);
            sb.append("<g class=\"hline\" data-name=\"").append(esc(l.name())).append("\">");
            line(sb, box[0], y, box[0] + box[2], y, l.color(), 1.5, true);
            sb.append("</g>\n");
        }
        for (Chart.Series s : p.series) {
            sb.append("<g class=\"series\" data-name=\"").append(esc(s.name())).append("\">");
            StringBuilder pts = new StringBuilder();
            for (double[] pt : s.points()) {
                if (pt[0] > 0 && pt[1] > 0) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", Layout.px(pt[0], r, box), Layout.py(pt[1], r, box)));
                }
            }
            sb.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"")
                    .append(s.dashed() ? " stroke-dasharray=\"6,4\"" : "")
                    .append(" points=\"").append(pts.toString().trim()).append("\"/>");
            for (double[] pt : s.points()) {
                if (pt[0] > 0 && pt[1] > 0) {
                    sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>",
                            Layout.px(pt[0], r, box), Layout.py(pt[1], r, box), s.color()));
                }
            }
            sb.append("</g>\n");
        }
        int[] lo = lay.legendOrigin(i);
        int row = 0;
        for (Chart.Series s : p.series) {
            legend(sb, lo[0], lo[1] + row++ * Layout.LEGEND_H, s.color(), s.dashed(), s.name());
        }
        for (Chart.HLine l : p.lines) {
            legend(sb, lo[0], lo[1] + row++ * Layout.LEGEND_H, l.color(), true, l.name());
        }
        sb.append("</g>\n");
    }

    private static void legend(StringBuilder sb, int x, int y, String color, boolean dashed, String name) {
        line(sb, x, y + 9, x + 24, y + 9, color, 2, dashed);
        text(sb, x + 30, y + 13, 11, "start", "normal", name);
    }

    private static void line(StringBuilder sb, double x1, double y1, double x2, double y2, String color, double w,
                             boolean dashed) {
        sb.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>",
                x1, y1, x2, y2, color, w, dashed ? " stroke-dasharray=\"6,4\"" : ""));
    }

    private static void text(StringBuilder sb, double x, double y, int size, String anchor, String weight, String s) {
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" font-weight=\"%s\">%s</text>\n",
                x, y, size, anchor, weight, esc(s)));
    }

    /** Escapes the five XML special characters. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
