package dev.attn4j.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * The report's command line: {@code [--full] [--threads N] [--out DIR] [--json] [--include REGEX] [--help]}.
 *
 * @param full    also run the JMH suite (longer)
 * @param threads threads for parallel GEMM/MHA and for ONNX Runtime's intra-op pool
 * @param out     where the chart, JSON and ORT graph files go
 * @param json    also write (and print the path of) a machine-readable result file
 * @param include JMH include pattern for {@code --full}
 * @param help    print usage and exit
 */
public record ReportOptions(boolean full, int threads, Path out, boolean json, String include, boolean help) {
    public static final Path DEFAULT_OUT = Path.of("bench", "target", "report");
    public static final String DEFAULT_INCLUDE = "dev\\.attn4j\\.bench\\..*Bench.*";

    public static final String USAGE = String.join("\n",
            "usage: java --add-modules jdk.incubator.vector -jar bench/target/attn4j-report.jar [options]",
            "  --full          also run the JMH benchmarks (long: minutes per benchmark class)",
            "  --threads N     threads for parallel GEMM/MHA and ONNX Runtime intra-op (default 1)",
            "  --out DIR       output directory for chart, JSON, ORT graph (default " + DEFAULT_OUT + ")",
            "  --json          also write results as JSON (report.json in the output directory)",
            "  --include REGEX JMH benchmarks to run with --full (default " + DEFAULT_INCLUDE + ")",
            "  --help          this text");

    /**
     * Parses arguments.
     *
     * @throws IllegalArgumentException naming the bad argument
     */
    public static ReportOptions parse(List<String> args) {
        boolean full = false;
        boolean json = false;
        boolean help = false;
        int threads = 1;
        Path out = DEFAULT_OUT;
        String include = DEFAULT_INCLUDE;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--full" -> full = true;
                case "--json" -> json = true;
                case "--help", "-h" -> help = true;
                case "--threads" -> {
                    String v = value != null ? value : next(args, i++, a);
                    try {
                        threads = Integer.parseInt(v.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--threads needs a whole number but got '" + v + "'");
                    }
                    if (threads < 1 || threads > 1024) {
                        throw new IllegalArgumentException("--threads must be between 1 and 1024 but was " + threads);
                    }
                }
                case "--out" -> out = Path.of(value != null ? value : next(args, i++, a));
                case "--include" -> include = value != null ? value : next(args, i++, a);
                default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "'\n" + USAGE);
            }
        }
        return new ReportOptions(full, threads, out, json, include, help);
    }

    private static String next(List<String> args, int i, String option) {
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i + 1);
    }
}
