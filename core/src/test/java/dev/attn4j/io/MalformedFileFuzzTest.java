package dev.attn4j.io;

import dev.attn4j.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static dev.attn4j.io.SafeTensorsTest.fixture;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates valid files byte by byte and truncates them at every length; each result must be a valid read
 * or a {@link MalformedFileException} — never another exception type, never an error (OOM, stack
 * overflow), never a hang, and never more allocation than a small multiple of the file's size.
 */
class MalformedFileFuzzTest {
    /** Values written over each byte: bit flips, extremes, and JSON / Python-literal punctuation. */
    private static final int[] OVERWRITES = {0x00, 0xff, 0x80, '"', '[', '}', ',', '9', '-', '\\', '(', '\''};
    /** Allocation allowed per read: the decoded header and its parse tree are a few tens of bytes per file byte. */
    private static final long ALLOC_PER_FILE_BYTE = 200;
    private static final long ALLOC_FIXED = 1 << 20;

    private static final Map<String, long[]> COUNTS = new LinkedHashMap<>();

    @TempDir
    Path dir;

    private interface Reader {
        void read(Path p) throws IOException;
    }

    private static void readSafeTensors(Path p) throws IOException {
        try (SafeTensors st = SafeTensors.open(p)) {
            for (String n : st.names()) {
                st.dtype(n);
                st.shape(n);
                Tensor t = st.tensor(n);
                assertTrue(t.size() >= 0);
            }
            st.metadata();
        }
    }

    @Test
    void safetensorsMutations() throws IOException {
        Path written = dir.resolve("small.safetensors");
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.wrap(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.wrap(new float[]{-1}, 1));
        SafeTensors.write(written, t, Map.of("k", "v"));
        fuzz("safetensors (attn4j writer)", Files.readAllBytes(written), Long.MAX_VALUE, MalformedFileFuzzTest::readSafeTensors);
        fuzz("safetensors dtypes (PyTorch)", Files.readAllBytes(fixture("dtypes.safetensors")), Long.MAX_VALUE,
                MalformedFileFuzzTest::readSafeTensors);
        byte[] mha = Files.readAllBytes(fixture("mha_nobias.safetensors"));
        fuzz("safetensors MHA (PyTorch)", mha, headerEnd(mha), MalformedFileFuzzTest::readSafeTensors);
    }

    @Test
    void npyMutations() throws IOException {
        for (String f : new String[]{"npy_f4.npy", "npy_f2.npy", "npy_v3.npy", "npy_scalar.npy"}) {
            fuzz("npy " + f, Files.readAllBytes(fixture(f)), Long.MAX_VALUE, Npy::read);
        }
    }

    private static long headerEnd(byte[] b) {
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (b[i] & 0xff);
        }
        return 8 + n;
    }

    /**
     * Every byte before {@code fullUpTo} gets every overwrite; later bytes (tensor data, which cannot make a
     * file malformed) get one in 16. Then every truncation, then 200 random multi-byte mutations.
     */
    private void fuzz(String name, byte[] valid, long fullUpTo, Reader reader) {
        long[] c = COUNTS.computeIfAbsent(name, k -> new long[3]); // tried, valid, rejected
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            // tmpfs when present: tens of thousands of tiny files are written
            Path shm = Path.of("/dev/shm");
            Path p = (Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempFile(shm, "attn4j-fuzz", ".bin")
                    : dir.resolve("fuzz.bin"));
            try {
                fuzzInto(name, valid, fullUpTo, reader, c, p);
            } finally {
                Files.deleteIfExists(p);
            }
        });
    }

    private static void fuzzInto(String name, byte[] valid, long fullUpTo, Reader reader, long[] c, Path p) throws IOException {
        {
            byte[] buf = valid.clone();
            for (int i = 0; i < valid.length; i++) {
                for (int v : OVERWRITES) {
                    if (i >= fullUpTo && (i % 16 != 0 || v != 0xff)) {
                        continue;
                    }
                    if ((byte) v == valid[i]) {
                        continue;
                    }
                    buf[i] = (byte) v;
                    one(name, p, buf, buf.length, reader, c, "byte " + i + " := 0x" + Integer.toHexString(v));
                }
                buf[i] = valid[i];
            }
            for (int len = 0; len < valid.length; len++) {
                if (len > fullUpTo && len % 16 != 0) {
                    continue;
                }
                one(name, p, valid, len, reader, c, "truncated to " + len);
            }
            Random rnd = new Random(42);
            for (int r = 0; r < 200; r++) {
                byte[] m = valid.clone();
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
                }
                one(name, p, m, m.length, reader, c, "random mutation " + r);
            }
        }
    }

    private static void one(String name, Path p, byte[] bytes, int len, Reader reader, long[] c, String what)
            throws IOException {
        Files.write(p, java.util.Arrays.copyOf(bytes, len));
        c[0]++;
        long before = allocated();
        try {
            reader.read(p);
            c[1]++;
        } catch (MalformedFileException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                fail(name + ", " + what + ": MalformedFileException without a message");
            }
            c[2]++;
        } catch (Throwable t) {
            fail(name + ", " + what + ": expected a valid read or MalformedFileException but got " + t, t);
        }
        long used = allocated() - before;
        if (before >= 0 && used > ALLOC_FIXED + ALLOC_PER_FILE_BYTE * len) {
            fail(name + ", " + what + ": allocated " + used + " bytes reading a " + len + "-byte file");
        }
    }

    /** Bytes allocated by this thread so far, or -1 when the JVM cannot tell. */
    private static long allocated() {
        java.lang.management.ThreadMXBean b = ManagementFactory.getThreadMXBean();
        if (b instanceof com.sun.management.ThreadMXBean) {
            return ((com.sun.management.ThreadMXBean) b).getThreadAllocatedBytes(Thread.currentThread().getId());
        }
        return -1;
    }

    @AfterAll
    static void printCounts() {
        long total = 0;
        System.out.println("Malformed-file fuzzing: file → mutated files read (valid result / MalformedFileException)");
        for (Map.Entry<String, long[]> e : COUNTS.entrySet()) {
            long[] c = e.getValue();
            total += c[0];
            System.out.printf("  %-32s %6d (%d valid / %d rejected)%n", e.getKey(), c[0], c[1], c[2]);
        }
        System.out.println("  total mutated files: " + total);
        assertTrue(total > 5_000, "the fuzzing ran");
    }
}
