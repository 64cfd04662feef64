package dev.attn4j.bench.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Geometry shared by the SVG and PNG renderers: panel boxes, log-scale mapping and tick positions. Pure
 * arithmetic, no drawing.
 */
final class Layout {
    static final int PANEL_W = 560;
    static final int PANEL_H = 400;
    static final int HEADER = 56;
    static final int LEFT = 70;
    static final int RIGHT = 20;
    static final int TOP = 36;
    static final int BOTTOM = 56;
    static final int LEGEND_H = 18;

    final int width;
    final int height;
    final int legendRows;

    Layout(Chart chart) {
        int maxLegend = 0;
        for (Chart.Panel p : chart.panels) {
            maxLegend = Math.max(maxLegend, p.series.size() + p.lines.size());
        }
        this.legendRows = maxLegend;
        this.width = Math.max(1, chart.panels.size()) * PANEL_W;
        this.height = HEADER + PANEL_H + legendRows * LEGEND_H + 16;
    }

    /** The plot area of panel i: x0, y0 (top), w, h in pixels. */
    int[] plotBox(int i) {
        int x0 = i * PANEL_W + LEFT;
        int y0 = HEADER + TOP;
        return new int[]{x0, y0, PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM};
    }

    /** Legend origin of panel i. */
    int[] legendOrigin(int i) {
        return new int[]{i * PANEL_W + LEFT, HEADER + PANEL_H};
    }

    /** Axis ranges of a panel in log space: {log2 xmin, log2 xmax, log10 ymin, log10 ymax}. */
    static double[] ranges(Chart.Panel p) {
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (Chart.Series s : p.series) {
            for (double[] pt : s.points()) {
                if (!(pt[1] > 0) || !(pt[0] > 0)) {
                    continue;
                }
                xmin = Math.min(xmin, pt[0]);
                xmax = Math.max(xmax, pt[0]);
                ymin = Math.min(ymin, pt[1]);
                ymax = Math.max(ymax, pt[1]);
            }
        }
        for (Chart.HLine l : p.lines) {
            ymin = Math.min(ymin, l.y());
            ymax = Math.max(ymax, l.y());
        }
        if (!Double.isFinite(xmin)) {
            xmin = 1;
            xmax = 2;
        }
        if (!Double.isFinite(ymin)) {
            ymin = 1;
            ymax = 10;
        }
        double lx0 = Math.floor(log2(xmin)), lx1 = Math.ceil(log2(xmax));
        if (lx1 <= lx0) {
            lx1 = lx0 + 1;
        }
        double ly0 = Math.floor(Math.log10(ymin)), ly1 = Math.ceil(Math.log10(ymax * 1.05));
        if (ly1 <= ly0) {
            ly1 = ly0 + 1;
        }
        return new double[]{lx0, lx1, ly0, ly1};
    }

    static double px(double x, double[] r, int[] box) {
        return box[0] + (log2(x) - r[0]) / (r[1] - r[0]) * box[2];
    }

    static double py(double y, double[] r, int[] box) {
        return box[1] + box[3] - (Math.log10(y) - r[2]) / (r[3] - r[2]) * box[3];
    }

    /** Tick values on the x axis: powers of two across the range. */
    static List<Double> xTicks(double[] r) {
        List<Double> t = new ArrayList<>();
        for (int e = (int) r[0]; e <= (int) r[1]; e++) {
            t.add(Math.pow(2, e));
        }
        return t;
    }

    /** Tick values on the y axis: 1, 2, 5 × powers of ten across the range. */
    static List<Double> yTicks(double[] r) {
        List<Double> t = new ArrayList<>();
        for (int e = (int) r[2]; e <= (int) r[3]; e++) {
            for (int m : new int[]{1, 2, 5}) {
                double v = m * Math.pow(10, e);
                double lv = Math.log10(v);
                if (lv >= r[2] - 1e-9 && lv <= r[3] + 1e-9) {
                    t.add(v);
                }
            }
        }
        return t;
    }

    static String fmt(double v) {
        if (v >= 1024 && Math.abs(v / 1024 - Math.rint(v / 1024)) < 1e-9) {
            return (long) (v / 1024) + "k";
        }
        if (v >= 1 && Math.abs(v - Math.rint(v)) < 1e-9) {
            return String.valueOf((long) Math.rint(v));
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
