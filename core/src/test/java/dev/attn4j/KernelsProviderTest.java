package dev.attn4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider in core's own test JVM, which has neither attn4j-simd on the class path nor
 * jdk.incubator.vector in the boot layer: every path to SIMD must fall back or fail with a reason.
 * (attn4j-simd's tests check that SIMD is chosen when it can be, and the warning in a forked JVM.)
 */
class KernelsProviderTest {

    @Test
    void autoFallsBackToScalarWithOneWarningNamingTheFlag() {
        RecordingLogger log = new RecordingLogger();
        Kernels k = KernelsProvider.choose("auto", log);
        assertEquals("scalar", k.name());
        assertEquals(1, log.records.size(), log.records.toString());
        String msg = log.records.get(0);
        assertTrue(msg.startsWith("WARNING"), msg);
        assertTrue(msg.contains("--add-modules jdk.incubator.vector"), msg);
    }

    @Test
    void forcingEachChoice() {
        assertEquals("reference", KernelsProvider.choose("reference", new RecordingLogger()).name());
        assertEquals("scalar", KernelsProvider.choose(" Scalar ", new RecordingLogger()).name());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelsProvider.choose("simd", new RecordingLogger()));
        assertTrue(e.getMessage().contains("jdk.incubator.vector"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelsProvider.choose("fast", new RecordingLogger()));
    }

    @Test
    void bestIsStableAndReferenceIsTheOracle() {
        assertTrue(Kernels.best() == Kernels.best());
        assertEquals("reference", Kernels.reference().name());
    }

    /** Captures what the provider logs, one string per record: "LEVEL message". */
    static final class RecordingLogger implements System.Logger {
        final List<String> records = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            records.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(level + " " + format);
        }
    }
}
