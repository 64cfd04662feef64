package dev.attn4j.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportOptionsTest {
    @Test
    void defaults() {
        ReportOptions o = ReportOptions.parse(List.of());
        assertFalse(o.full());
        assertFalse(o.json());
        assertFalse(o.help());
        assertEquals(1, o.threads());
        assertEquals(Path.of("bench", "target", "report"), o.out());
        assertEquals(ReportOptions.DEFAULT_INCLUDE, o.include());
    }

    @Test
    void everyOptionBothSpellings() {
        ReportOptions o = ReportOptions.parse(List.of("--full", "--threads", "4", "--out", "/tmp/x", "--json",
                "--include", "MhaBench"));
        assertTrue(o.full());
        assertTrue(o.json());
        assertEquals(4, o.threads());
        assertEquals(Path.of("/tmp/x"), o.out());
        assertEquals("MhaBench", o.include());
        ReportOptions e = ReportOptions.parse(List.of("--threads=3", "--out=o"));
        assertEquals(3, e.threads());
        assertEquals(Path.of("o"), e.out());
    }

    @Test
    void badArgumentsNameTheOption() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(List.of("--threads", "two"))).getMessage().contains("--threads"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(List.of("--threads", "0"))).getMessage().contains("between 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(List.of("--threads"))).getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(List.of("--out", "--json"))).getMessage().contains("--out needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ReportOptions.parse(List.of("--fast"))).getMessage().contains("unknown option '--fast'"));
    }
}
