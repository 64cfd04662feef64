package dev.attn4j.props;

import dev.attn4j.Kernels;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Runs once per test JVM, before any test: starts recording what attn4j logs (so a test can assert
 * that the fallback logged exactly one WARNING), then lets {@link Kernels#best()} make its one choice.
 * At the end it prints the case counts ({@link Cases#writeSummary()}). Registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class SuiteListener implements LauncherSessionListener {
    /** Held strongly: java.util.logging keeps loggers only weakly. */
    private static final Logger ATTN4J = Logger.getLogger("dev.attn4j");
    private static final List<LogRecord> RECORDS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Cases.writeSummary();
    }

    /** Idempotent; also called by the tests that read the records, in case a runner skipped the listener. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        ATTN4J.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                RECORDS.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        ATTN4J.setLevel(Level.ALL);
        installed = true;
        Kernels.best(); // the provider chooses (and logs) now, while the handler listens
    }

    /** Records at exactly the given level logged by attn4j so far. */
    static List<LogRecord> records(Level level) {
        return RECORDS.stream().filter(r -> r.getLevel().equals(level)).toList();
    }
}
