package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.simd.SimdKernels;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.OptionalInt;

/**
 * What this JVM runs: the kernels {@link Kernels#best()} chose, their vector width, and the width the
 * JVM flags ask for. {@link SimdKernels} is touched only when the SIMD kernels are active, so the
 * fallback run (no {@code jdk.incubator.vector}) never links it.
 */
final class Widths {
    private Widths() {
    }

    static boolean simdActive() {
        return Kernels.best().name().startsWith("simd");
    }

    /** Vector bits of the active SIMD kernels; 0 when they are not active. */
    static int vectorBits() {
        return simdActive() ? SimdKernels.vectorBits() : 0;
    }

    /** Floats per vector ({@code vectorBits / 32}); 8 when SIMD is not active (a common width to probe). */
    static int lanes() {
        int bits = vectorBits();
        return bits == 0 ? 8 : bits / 32;
    }

    /** {@code -XX:MaxVectorSize=N} from the JVM's arguments, in bytes, if given. */
    static OptionalInt maxVectorSizeFlag() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        OptionalInt found = OptionalInt.empty();
        for (String a : args) {
            if (a.startsWith("-XX:MaxVectorSize=")) {
                found = OptionalInt.of(Integer.parseInt(a.substring("-XX:MaxVectorSize=".length())));
            }
        }
        return found;
    }

    /** A one-line description of the configuration, for summaries. */
    static String describe() {
        return Kernels.best().name() + " on " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + " (" + System.getProperty("os.arch") + ")"
                + maxVectorSizeFlag().stream().mapToObj(b -> " MaxVectorSize=" + b).findFirst().orElse("")
                + (System.getProperty("attn4j.vectorBits") != null
                ? " attn4j.vectorBits=" + System.getProperty("attn4j.vectorBits") : "");
    }
}
