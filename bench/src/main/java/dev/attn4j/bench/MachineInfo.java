package dev.attn4j.bench;

import dev.attn4j.Kernels;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What this run is measuring on: kernels, vector species, JDK, CPU and its SIMD flags. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /** True when {@code jdk.incubator.vector} is in the boot layer (i.e. --add-modules was given). */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Ordered key → value facts for printing and JSON. */
    public static Map<String, String> collect() {
        Map<String, String> m = new LinkedHashMap<>();
        Kernels best = Kernels.best();
        m.put("kernels", best.name() + (best.name().startsWith("simd") ? "" : "  (FALLBACK: no Vector API)"));
        m.put("vector module", vectorModulePresent() ? "jdk.incubator.vector present" : "absent (no --add-modules)");
        if (vectorModulePresent()) {
            m.put("preferred species", VectorAnchors.preferredSpecies());
        }
        m.put("JDK", System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor", "?") + ", " + System.getProperty("java.vm.name", "?") + ")");
        m.put("CPU", cpuModel());
        m.put("cores (JVM)", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("CPU flags", cpuFlags());
        String mvs = jvmFlag("-XX:MaxVectorSize");
        m.put("-XX:MaxVectorSize", mvs == null ? "not set" : mvs);
        m.put("max heap", Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }

    static String cpuModel() {
        for (String line : cpuinfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
    }

    /** The SIMD flags among avx2, avx512f, fma, asimd, sve the kernel reports for the first CPU. */
    static String cpuFlags() {
        for (String line : cpuinfo()) {
            if (line.startsWith("flags") || line.startsWith("Features")) {
                Set<String> have = Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                List<String> parts = new ArrayList<>();
                for (String f : new String[]{"avx2", "fma", "avx512f", "asimd", "sve"}) {
                    if (f.equals("asimd") || f.equals("sve")) {
                        if (have.contains(f)) {
                            parts.add(f);
                        }
                    } else {
                        parts.add(f + (have.contains(f) ? "=yes" : "=no"));
                    }
                }
                return String.join(" ", parts);
            }
        }
        return "unknown (no /proc/cpuinfo)";
    }

    private static List<String> cpuinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The value of a -XX flag given on the command line, or null. */
    static String jvmFlag(String prefix) {
        try {
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith(prefix + "=")) {
                    return a.substring(prefix.length() + 1);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // java.management absent: report it unset.
        }
        return null;
    }
}
