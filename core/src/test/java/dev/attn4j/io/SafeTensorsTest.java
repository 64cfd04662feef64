package dev.attn4j.io;

import dev.attn4j.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    /** kind of malformed input → cases tried, printed after the tests. */
    static final Map<String, Integer> KINDS = new TreeMap<>();

    @TempDir
    Path dir;

    static Path fixture(String name) {
        try {
            return Paths.get(SafeTensorsTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsEveryFloatDtypeWrittenByPyTorch() throws IOException {
        try (SafeTensors st = SafeTensors.open(fixture("dtypes.safetensors"))) {
            assertEquals(List.of("f16", "f16_as_f32", "bf16", "bf16_as_f32", "f64", "bool"), st.names());
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals("F16", st.dtype("f16"));
            assertArrayEquals(st.tensor("f16_as_f32").data(), st.tensor("f16").data());
            assertEquals("BF16", st.dtype("bf16"));
            assertArrayEquals(st.tensor("bf16_as_f32").data(), st.tensor("bf16").data());
            assertArrayEquals(new float[]{1f, (float) (1.0 / 3.0), -0f}, st.tensor("f64").data());
            assertArrayEquals(new float[]{1f, 0f, 1f}, st.tensor("bool").data());
            assertArrayEquals(new long[]{10}, st.shape("f16"));
        }
    }

    @Test
    void halfPrecisionConversionIsExactForEveryBitPattern() {
        for (int bits = 0; bits < 65536; bits++) {
            float f = Dtype.halfToFloat((short) bits);
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            double expected = exp == 0 ? mant * Math.pow(2, -24)
                    : exp == 31 ? (mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
            if ((bits & 0x8000) != 0) {
                expected = -expected;
            }
            if (Double.isNaN(expected)) {
                assertTrue(Float.isNaN(f), "bits " + bits);
            } else {
                assertEquals(expected, f, 0.0, "bits " + Integer.toHexString(bits));
                assertEquals((bits & 0x8000) != 0, (Float.floatToRawIntBits(f) & 0x80000000) != 0, "sign of " + bits);
            }
        }
    }

    @Test
    void writerRoundTripsBitwise() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b.weight", Tensor.wrap(new float[]{1.5f, -0f, Float.MIN_VALUE, Float.NaN, Float.POSITIVE_INFINITY, 3e38f}, 2, 3));
        t.put("a \"quoted\" \\ name ü", Tensor.wrap(new float[]{7f}, 1));
        t.put("empty", Tensor.zeros(0, 4));
        t.put("rank4", Tensor.wrap(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 2, 1, 2, 2));
        Path p = dir.resolve("x.safetensors");
        SafeTensors.write(p, t, Map.of("k", "v ü"));
        assertEquals(0, (Files.size(p) - 8 - (4 * 15)) % 8, "header padded to 8 bytes");
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(List.copyOf(t.keySet()), st.names());
            assertEquals(Map.of("k", "v ü"), st.metadata());
            for (String name : t.keySet()) {
                Tensor r = st.tensor(name);
                assertArrayEquals(t.get(name).shape(), r.shape(), name);
                for (int i = 0; i < r.size(); i++) {
                    assertEquals(Float.floatToRawIntBits(t.get(name).data()[i]), Float.floatToRawIntBits(r.data()[i]));
                }
            }
            assertThrows(IllegalArgumentException.class, () -> st.tensor("missing"));
            assertThrows(NullPointerException.class, () -> st.tensor(null));
        }
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(p, Map.of("__metadata__", Tensor.zeros(1)), Map.of()));
    }

    @Test
    void scalarsBecomeShapeOneAndUnrepresentableTensorsAreReported() throws IOException {
        Path p = file("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"r5\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1],\"data_offsets\":[4,8]},"
                + "\"f8\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[8,10]}}", 10);
        try (SafeTensors st = SafeTensors.open(p)) {
            assertArrayEquals(new int[]{1}, st.tensor("s").shape());
            assertMessage(assertThrows(MalformedFileException.class, () -> st.tensor("r5")), "rank 5");
            assertMessage(assertThrows(MalformedFileException.class, () -> st.tensor("f8")), "F8_E4M3");
        }
    }

    // ---- malformed files: one case per kind, each must name its problem ----

    @Test
    void truncatedFiles() throws IOException {
        reject("truncated", bytes(new byte[0]), "fewer than the 8-byte");
        reject("truncated", bytes(new byte[]{1, 0, 0}), "fewer than the 8-byte");
        byte[] valid = Files.readAllBytes(fixture("dtypes.safetensors"));
        reject("truncated", bytes(java.util.Arrays.copyOf(valid, 40)), "runs past the end");
        reject("truncated", bytes(java.util.Arrays.copyOf(valid, valid.length - 1)), "outside");
    }

    @Test
    void headerLengthBeyondFileOrAbsurd() throws IOException {
        reject("header length", raw(1000, "{}"), "runs past the end");
        reject("header length", raw(SafeTensors.MAX_HEADER_BYTES + 1, "{}"), "exceeds the limit");
        reject("header length", raw(-1L, "{}"), "exceeds the limit");
        reject("header length", raw(1L << 62, "{}"), "exceeds the limit");
        reject("header length", raw(0, ""), "too short");
    }

    @Test
    void invalidJson() throws IOException {
        String[] bad = {"{ ", "{\"a\":}", "{\"a\":1,}", "[1,2", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":\"x}",
                "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{} x", "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{a:1}",
                "{\"a\":\"tab\there\"}", "{\"a\":1e}", "nul"};
        for (String h : bad) {
            reject("invalid JSON", file(h, 0), "invalid JSON");
        }
        reject("invalid JSON", file("[".repeat(100_000), 0), "nesting deeper");
        reject("invalid JSON", file("[1]", 0), "must be a JSON object");
    }

    @Test
    void unknownDtype() throws IOException {
        reject("unknown dtype", file("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype \"F33\"");
        reject("unknown dtype", file("{\"a\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "unknown dtype");
        reject("unknown dtype", file("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype must be a string");
    }

    @Test
    void badShapes() throws IOException {
        reject("shape overflow", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4), "overflows");
        reject("shape overflow", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3037000500,3037000500],\"data_offsets\":[0,4]}}", 4), "overflows");
        reject("shape overflow", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4), "out of range");
        reject("shape invalid", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "negative");
        reject("shape invalid", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "expected an integer");
        reject("shape invalid", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4), "must be an integer");
        reject("shape invalid", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "needs 8 bytes");
    }

    @Test
    void badDataOffsets() throws IOException {
        String two = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        reject("data_offsets overlap", file(two, 12), "overlap");
        reject("data_offsets order", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "out of order");
        reject("data_offsets outside", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 8), "outside");
        reject("data_offsets outside", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8), "2 entries");
        reject("data_offsets outside", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 8), "negative");
    }

    @Test
    void duplicateNames() throws IOException {
        reject("duplicate names", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "duplicate key \"a\"");
        // the same name spelled with an escape is the same name
        reject("duplicate names", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"\\u0061\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "duplicate key");
    }

    @Test
    void missingOrMistypedFields() throws IOException {
        reject("missing fields", file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "missing field \"dtype\"");
        reject("missing fields", file("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing field \"shape\"");
        reject("missing fields", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "missing field \"data_offsets\"");
        reject("missing fields", file("{\"a\":[1]}", 4), "must be an object");
        reject("missing fields", file("{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4), "must be an array");
        reject("missing fields", file("{\"__metadata__\":{\"k\":1}}", 0), "must be a string");
        reject("missing fields", file("{\"__metadata__\":[]}", 0), "must be an object");
    }

    @Test
    void nonUtf8Header() throws IOException {
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};
        for (byte[] b : bad) {
            byte[] json = ("{\"" + "x".repeat(b.length) + "\":{}}").getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(b, 0, json, 2, b.length);
            reject("non-UTF-8 header", raw(json.length, json), "not valid UTF-8");
        }
    }

    @Test
    void fileSystemErrorsStayPlainIoExceptions() {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.open(dir.resolve("does-not-exist")));
        assertFalse(e instanceof MalformedFileException);
        assertThrows(NullPointerException.class, () -> SafeTensors.open(null));
    }

    @AfterAll
    static void printCounts() {
        System.out.println("SafeTensors malformed inputs tried per kind: " + KINDS);
    }

    // ---- helpers ----

    private void reject(String kind, Path p, String messagePart) {
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> {
            try (SafeTensors st = SafeTensors.open(p)) {
                for (String n : st.names()) {
                    st.tensor(n);
                }
            }
        }, kind);
        assertMessage(e, messagePart);
        KINDS.merge(kind, 1, Integer::sum);
    }

    static void assertMessage(Exception e, String part) {
        assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" should contain \"" + part + "\"");
    }

    /** A file with a correct header length, the given JSON header and dataBytes zero bytes of data. */
    private Path file(String json, int dataBytes) throws IOException {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(j.length).put(j);
        return bytes(b.array());
    }

    private Path raw(long headerLen, String json) throws IOException {
        return raw(headerLen, json.getBytes(StandardCharsets.UTF_8));
    }

    private Path raw(long headerLen, byte[] json) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(json);
        return bytes(b.array());
    }

    private int counter;

    private Path bytes(byte[] b) throws IOException {
        Path p = dir.resolve("bad" + (counter++) + ".safetensors");
        Files.write(p, b);
        return p;
    }
}
