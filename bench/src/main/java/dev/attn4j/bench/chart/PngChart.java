package dev.attn4j.bench.chart;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** Writes a {@link Chart} as PNG through Java2D and {@link ImageIO} (headless). */
public final class PngChart {
    private PngChart() {
    }

    /** Draws the chart into a new image. */
    public static BufferedImage render(Chart chart) {
        System.setProperty("java.awt.headless", "true");
        Layout lay = new Layout(chart);
        BufferedImage img = new BufferedImage(lay.width, lay.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, lay.width, lay.height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(chart.title, 12, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(chart.subtitle, 12, 42);
            for (int i = 0; i < chart.panels.size(); i++) {
                panel(g, lay, i, chart.panels.get(i));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Writes {@link #render} to {@code file}. */
    public static void write(Chart chart, Path file) throws IOException {
        if (!ImageIO.write(render(chart), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK's ImageIO");
        }
    }

    private static void panel(Graphics2D g, Layout lay, int i, Chart.Panel p) {
        int[] box = lay.plotBox(i);
        double[] r = Layout.ranges(p);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(p.title, box[0], box[1] - 12);
        g.setFont(small);
        for (double t : Layout.xTicks(r)) {
            double x = Layout.px(t, r, box);
            draw(g, x, box[1], x, box[1] + box[3], new Color(0xE0E0E0), 1, false);
            centered(g, Layout.fmt(t), x, box[1] + box[3] + 16);
        }
        for (double t : Layout.yTicks(r)) {
            double y = Layout.py(t, r, box);
            draw(g, box[0], y, box[0] + box[2], y, new Color(0xE0E0E0), 1, false);
            String s = Layout.fmt(t);
            g.setColor(Color.BLACK);
            g.drawString(s, (float) (box[0] - 6 - g.getFontMetrics().stringWidth(s)), (float) (y + 4));
        }
        g.setColor(new Color(0x333333));
        g.drawRect(box[0], box[1], box[2], box[3]);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        centered(g, p.xLabel, box[0] + box[2] / 2.0, box[1] + box[3] + 36);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, box[0] - 48.0, box[1] + box[3] / 2.0);
        centered(g, p.yLabel, box[0] - 48.0, box[1] + box[3] / 2.0);
        g.setTransform(saved);
        g.setFont(small);
        for (Chart.HLine l : p.lines) {
            double y = Layout.py(l.y(), r, box);
            draw(g, box[0], y, box[0] + box[2], y, Color.decode(l.color()), 1.5f, true);
        }
        for (Chart.Series s : p.series) {
            Color c = Color.decode(s.color());
            Path2D.Double path = new Path2D.Double();
            boolean first = true;
            for (double[] pt : s.points()) {
                if (pt[0] > 0 && pt[1] > 0) {
                    double x = Layout.px(pt[0], r, box), y = Layout.py(pt[1], r, box);
                    if (first) {
                        path.moveTo(x, y);
                        first = false;
                    } else {
                        path.lineTo(x, y);
                    }
                }
            }
            g.setColor(c);
            g.setStroke(stroke(2, s.dashed()));
            g.draw(path);
            for (double[] pt : s.points()) {
                if (pt[0] > 0 && pt[1] > 0) {
                    g.fill(new Ellipse2D.Double(Layout.px(pt[0], r, box) - 3, Layout.py(pt[1], r, box) - 3, 6, 6));
                }
            }
        }
        int[] lo = lay.legendOrigin(i);
        int row = 0;
        for (Chart.Series s : p.series) {
            legend(g, lo[0], lo[1] + row++ * Layout.LEGEND_H, Color.decode(s.color()), s.dashed(), s.name());
        }
        for (Chart.HLine l : p.lines) {
            legend(g, lo[0], lo[1] + row++ * Layout.LEGEND_H, Color.decode(l.color()), true, l.name());
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color c, boolean dashed, String name) {
        draw(g, x, y + 9, x + 24, y + 9, c, 2, dashed);
        g.setColor(Color.BLACK);
        g.drawString(name, x + 30, y + 13);
    }

    private static void draw(Graphics2D g, double x1, double y1, double x2, double y2, Color c, float w, boolean dashed) {
        g.setColor(c);
        g.setStroke(stroke(w, dashed));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    private static Stroke stroke(float w, boolean dashed) {
        return dashed ? new BasicStroke(w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[]{6f, 4f}, 0f)
                : new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static void centered(Graphics2D g, String s, double x, double y) {
        g.setColor(Color.BLACK);
        g.drawString(s, (float) (x - g.getFontMetrics().stringWidth(s) / 2.0), (float) y);
    }
}
