package dev.attn4j.bench;

import dev.attn4j.bench.chart.Chart;
import dev.attn4j.bench.chart.PngChart;
import dev.attn4j.bench.chart.SvgChart;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartTest {
    static Chart sample() {
        Chart.Panel gemm = new Chart.Panel("GEMM", "n", "GFLOPS")
                .add(new Chart.Series("attn4j simd-256", "#d62728", false,
                        List.of(new double[]{64, 5}, new double[]{256, 20}, new double[]{1024, 30})))
                .add(new Chart.Series("EJML <peer> & co", "#2ca02c", true,
                        List.of(new double[]{64, 2}, new double[]{256, 1.5})))
                .add(new Chart.Series("empty", "#000000", false, List.of()))
                .line(new Chart.HLine("FMA peak", "#000000", 80));
        Chart.Panel mha = new Chart.Panel("MHA", "N", "GFLOPS")
                .add(new Chart.Series("ORT Attention (peer)", "#8c564b", true, List.of(new double[]{128, 80})))
                .line(new Chart.HLine("FMA peak", "#000000", 80));
        return new Chart("title", "subtitle").add(gemm).add(mha);
    }

    @Test
    void svgIsWellFormedXmlWithTheExpectedSeries() throws Exception {
        String svg = SvgChart.render(sample());
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        NodeList groups = doc.getElementsByTagName("g");
        List<String> series = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int panels = 0;
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            switch (g.getAttribute("class")) {
                case "series" -> {
                    series.add(g.getAttribute("data-name"));
                    // one point per data point, in a polyline with that many coordinates
                    String pts = ((Element) g.getElementsByTagName("polyline").item(0)).getAttribute("points");
                    assertEquals(g.getElementsByTagName("circle").getLength(), pts.trim().split("\\s+").length);
                }
                case "hline" -> lines.add(g.getAttribute("data-name"));
                case "panel" -> panels++;
                default -> { }
            }
        }
        assertEquals(2, panels);
        // The empty series is left out; the name with <, > and & survives escaping.
        assertEquals(List.of("attn4j simd-256", "EJML <peer> & co", "ORT Attention (peer)"), series);
        assertEquals(List.of("FMA peak", "FMA peak"), lines);
        assertTrue(svg.contains("EJML &lt;peer&gt; &amp; co"));
    }

    @Test
    void higherRatesAreDrawnHigher() throws Exception {
        String svg = SvgChart.render(sample());
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        Element first = (Element) doc.getElementsByTagName("polyline").item(0);
        String[] pts = first.getAttribute("points").split("\\s+");
        double y5 = Double.parseDouble(pts[0].split(",")[1]);
        double y30 = Double.parseDouble(pts[2].split(",")[1]);
        double x64 = Double.parseDouble(pts[0].split(",")[0]);
        double x1024 = Double.parseDouble(pts[2].split(",")[0]);
        assertTrue(y30 < y5, "30 GFLOPS must be above 5 GFLOPS (SVG y grows downwards)");
        assertTrue(x1024 > x64);
    }

    @Test
    void pngHasTheLayoutSizeAndIsNotBlank() {
        BufferedImage img = PngChart.render(sample());
        assertEquals(2 * 560, img.getWidth());
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                if (rgb == 0xd62728) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 20, "the attn4j series colour should appear, found " + coloured + " pixels");
    }
}
