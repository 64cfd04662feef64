package dev.attn4j.props;

import dev.attn4j.Kernels;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Makes the configuration of a run provable: which kernels {@link Kernels#best()} chose, at which width,
 * and what the provider logged. The width runs set {@code -Dattn4j.expectKernels} (e.g. {@code simd-128},
 * {@code scalar}); without it the SIMD kernels must be active, so a run that silently fell back fails.
 */
class KernelSelectionTest {

    @Test
    void theExpectedKernelsAreActive() {
        String name = Kernels.best().name();
        String expect = System.getProperty("attn4j.expectKernels", "").trim();
        if (expect.isEmpty()) {
            assertTrue(name.startsWith("simd"), "SIMD kernels must be active in this run, but best() is " + name
                    + " (" + Widths.describe() + "); set -Dattn4j.expectKernels=scalar for the fallback run");
        } else {
            assertEquals(expect, name, "kernels chosen (" + Widths.describe() + ")");
        }
        System.out.println("attn4j kernels: " + Widths.describe());
    }

    @Test
    void theSimdWidthMatchesTheJvmFlags() {
        if (!Widths.simdActive()) {
            assertEquals("scalar", Kernels.best().name());
            return;
        }
        int bits = Widths.vectorBits();
        assertEquals("simd-" + bits, Kernels.best().name());
        assertTrue(bits >= 128 && Integer.bitCount(bits) == 1, "vector bits " + bits);
        String forced = System.getProperty("attn4j.vectorBits");
        if (forced != null && !forced.isBlank()) {
            assertEquals(Integer.parseInt(forced.trim()), bits, "-Dattn4j.vectorBits=" + forced);
        }
        OptionalInt maxBytes = Widths.maxVectorSizeFlag();
        if (maxBytes.isPresent()) {
            assertTrue(bits <= 8 * maxBytes.getAsInt(),
                    bits + "-bit vectors exceed -XX:MaxVectorSize=" + maxBytes.getAsInt());
        }
    }

    /**
     * The provider logs exactly one line about its choice: a WARNING naming the fix when it falls back
     * to the scalar kernels on its own, an INFO line naming the SIMD kernels otherwise.
     */
    @Test
    void theProviderLoggedItsChoiceOnce() {
        SuiteListener.install();
        String mode = System.getProperty("attn4j.kernels", "auto").trim();
        List<LogRecord> warnings = SuiteListener.records(Level.WARNING);
        List<LogRecord> infos = SuiteListener.records(Level.INFO);
        String name = Kernels.best().name();
        if (mode.equals("auto") && name.equals("scalar")) {
            assertEquals(1, warnings.size(), "fallback must log exactly one WARNING: " + messages(warnings));
            String w = warnings.get(0).getMessage();
            assertTrue(w.contains("--add-modules jdk.incubator.vector"), "the WARNING names the fix: " + w);
            assertEquals(0, infos.size(), "no INFO besides the WARNING: " + messages(infos));
        } else {
            assertEquals(0, warnings.size(), "no WARNING when " + name + " is active: " + messages(warnings));
            assertEquals(1, infos.size(), "one INFO line naming the choice: " + messages(infos));
            assertTrue(infos.get(0).getMessage().contains(name), infos.get(0).getMessage());
        }
    }

    private static List<String> messages(List<LogRecord> rs) {
        return rs.stream().map(LogRecord::getMessage).toList();
    }
}
