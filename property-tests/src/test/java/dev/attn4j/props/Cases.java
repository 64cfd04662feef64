package dev.attn4j.props;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the cases each property actually checked (not merely generated), per label, and prints a
 * summary when the test run ends ({@link SuiteListener}), also to {@code target/props-summary.txt}.
 */
final class Cases {
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private Cases() {
    }

    static void count(String label) {
        COUNTS.computeIfAbsent(label, x -> new AtomicLong()).incrementAndGet();
    }

    static void add(String label, long n) {
        COUNTS.computeIfAbsent(label, x -> new AtomicLong()).addAndGet(n);
    }

    static long get(String label) {
        AtomicLong v = COUNTS.get(label);
        return v == null ? 0 : v.get();
    }

    static String summary() {
        StringBuilder sb = new StringBuilder("attn4j property suite, " + Widths.describe() + "\n");
        long total = 0;
        for (Map.Entry<String, AtomicLong> e : new TreeMap<>(COUNTS).entrySet()) {
            sb.append(String.format("  %-44s %,10d%n", e.getKey(), e.getValue().get()));
            String key = e.getKey();
            if (!key.startsWith("stress:") && !key.contains("seen") && !key.contains("(per op)")
                    && !key.contains("shapes with")) {
                total += e.getValue().get();
            }
        }
        sb.append(String.format("  %-44s %,10d%n", "total cases checked", total));
        return sb.toString();
    }

    static void writeSummary() {
        String s = summary();
        System.out.println(s);
        try {
            Path dir = Path.of(System.getProperty("attn4j.props.summaryDir", "target"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("props-summary.txt"), s, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("could not write props-summary.txt: " + e);
        }
    }
}
