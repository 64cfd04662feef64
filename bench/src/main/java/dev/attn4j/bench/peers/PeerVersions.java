package dev.attn4j.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The peer library versions this bench was built against (filtered from bench/pom.xml at build time). */
public final class PeerVersions {
    private static final Properties VERSIONS = load();

    private PeerVersions() {
    }

    /** The version for a key of {@code peer-versions.properties} (ejml, netlib, onnxruntime), or "?". */
    public static String get(String key) {
        return VERSIONS.getProperty(key, "?");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = PeerVersions.class.getResourceAsStream("/dev/attn4j/bench/peer-versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
