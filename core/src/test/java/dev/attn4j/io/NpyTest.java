package dev.attn4j.io;

import dev.attn4j.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static dev.attn4j.io.SafeTensorsTest.assertMessage;
import static dev.attn4j.io.SafeTensorsTest.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyTest {
    static final Map<String, Integer> KINDS = new TreeMap<>();

    @TempDir
    Path dir;

    /** np.arange(12, dtype=np.float32).reshape(3, 4) / 8, as make_fixtures.py writes it. */
    private static float[] a() {
        float[] a = new float[12];
        for (int i = 0; i < 12; i++) {
            a[i] = i / 8f;
        }
        return a;
    }

    @Test
    void readsFilesWrittenByNumPy() throws IOException {
        for (String f : new String[]{"npy_f4.npy", "npy_f2.npy", "npy_v2.npy", "npy_v3.npy"}) {
            Tensor t = Npy.read(fixture(f));
            assertArrayEquals(new int[]{3, 4}, t.shape(), f);
            assertArrayEquals(a(), t.data(), f); // i/8 is exact in f2 and f4
        }
        Tensor t8 = Npy.read(fixture("npy_f8.npy"));
        float[] expected = new float[12];
        for (int i = 0; i < 12; i++) {
            expected[i] = (float) ((double) (i / 8f) / 3);
        }
        assertArrayEquals(expected, t8.data());
        Tensor s = Npy.read(fixture("npy_scalar.npy"));
        assertArrayEquals(new int[]{1}, s.shape());
        assertEquals(2.5f, s.data()[0]);
    }

    @Test
    void rejectsWhatItDoesNotRead() {
        reject("unsupported layout", fixture("npy_fortran.npy"), "Fortran");
        reject("unsupported dtype", fixture("npy_object.npy"), "object dtypes");
        reject("unsupported dtype", fixture("npy_bigendian.npy"), "big-endian");
        reject("unsupported dtype", fixture("npy_int.npy"), "'<i4' is not supported");
    }

    @Test
    void writeRoundTripsAndNumPyLayout() throws IOException {
        Tensor t = Tensor.wrap(new float[]{1, -2, Float.NaN, 4e-40f, 5, 6}, 3, 2);
        Path p = dir.resolve("t.npy");
        Npy.write(p, t);
        byte[] b = Files.readAllBytes(p);
        assertEquals(0, (b.length - 24) % 64, "data starts at a multiple of 64");
        String header = new String(b, 10, b.length - 10 - 24, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", header.trim());
        assertEquals(t, Npy.read(p));
        Npy.write(p, Tensor.wrap(new float[]{7}, 1));
        assertEquals(Tensor.wrap(new float[]{7}, 1), Npy.read(p));
        byte[] one = Files.readAllBytes(p);
        assertEquals(true, new String(one, StandardCharsets.ISO_8859_1).contains("'shape': (1,)"));
    }

    @Test
    void malformedFiles() throws IOException {
        reject("truncated", bytes(new byte[]{(byte) 0x93, 'N', 'U'}), "too few");
        byte[] valid = Files.readAllBytes(fixture("npy_f4.npy"));
        reject("truncated", bytes(java.util.Arrays.copyOf(valid, valid.length - 1)), "truncated");
        reject("truncated", bytes(java.util.Arrays.copyOf(valid, 60)), "runs past the end");
        byte[] magic = valid.clone();
        magic[1] = 'X';
        reject("bad magic", bytes(magic), "magic");
        byte[] version = valid.clone();
        version[6] = 4;
        reject("bad version", bytes(version), "version 4.0");
        reject("header length", npy(2, 0xffffffffL, "{}"), "exceeds the limit");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,) "), "expected ',' or '}'");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}"), "unexpected header key");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'shape': (2,)}"), "no 'fortran_order'");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}"), "True or False");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}"), "must be a tuple");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}"), "non-negative");
        reject("invalid header", npy(1, -1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}"), "duplicate key");
        reject("invalid header", npy(1, -1, "(" .repeat(10_000)), "nesting too deep");
        reject("invalid header", npy(1, -1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"), "structured");
        reject("shape overflow", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4)}"), "overflows");
        reject("shape overflow", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}"), "too large integer");
        reject("shape overflow", npy(1, -1, "{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000)}"), "truncated");
        byte[] v3 = npy3("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'é': 1}", new byte[]{(byte) 0xff});
        reject("non-UTF-8 header", bytes(v3), "not valid UTF-8");
    }

    @AfterAll
    static void printCounts() {
        System.out.println("Npy malformed inputs tried per kind: " + KINDS);
    }

    private void reject(String kind, Path p, String part) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Npy.read(p), kind);
        assertMessage(e, part);
        KINDS.merge(kind, 1, Integer::sum);
    }

    /** An .npy of the given version with the header text; headerLen -1 means its true length. No data. */
    private Path npy(int version, long headerLen, String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        int pre = version == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(pre + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        long len = headerLen < 0 ? h.length : headerLen;
        if (version == 1) {
            b.putShort((short) len);
        } else {
            b.putInt((int) len);
        }
        b.put(h);
        return bytes(b.array());
    }

    /** A v3 file whose header's first non-ASCII byte is replaced by {@code bad}. */
    private static byte[] npy3(String header, byte[] bad) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < h.length; i++) {
            if (h[i] < 0) {
                h[i] = bad[0];
                break;
            }
        }
        ByteBuffer b = ByteBuffer.allocate(12 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0}).putInt(h.length).put(h);
        return b.array();
    }

    private int counter;

    private Path bytes(byte[] b) throws IOException {
        Path p = dir.resolve("bad" + (counter++) + ".npy");
        Files.write(p, b);
        return p;
    }
}
