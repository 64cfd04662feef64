package dev.attn4j.io;

import dev.attn4j.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0: the magic {@code \x93NUMPY}, a version,
 * a little-endian header length (2 bytes in v1, 4 in v2/v3), a Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, then the data in C order.
 *
 * <p>Reads little-endian {@code <f4}, {@code <f8} and {@code <f2} (converted to float32), C order, rank 0–4
 * (rank 0 becomes shape [1]). Everything else — Fortran order, object or structured dtypes, big-endian
 * or integer data, a truncated file, a malformed header — is a {@link MalformedFileException} naming it.
 * Nothing is read outside the file; allocation is bounded by the file size (the float32 result of {@code <f2}
 * data is twice its stored size).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** The header dict is a few hundred bytes; anything beyond this is not a real file. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private Npy() {
    }

    /**
     * Reads an .npy file as a float32 tensor.
     *
     * @throws MalformedFileException if the file is malformed or holds data this reader does not support
     * @throws IOException            if the file cannot be read
     */
    public static Tensor read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        String name = String.valueOf(path.getFileName());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 10) {
                throw new MalformedFileException(name + ": file has " + size + " bytes, too few for an .npy preamble (truncated?)");
            }
            ByteBuffer pre = read(ch, 0, 12 <= size ? 12 : 10, name);
            for (int i = 0; i < MAGIC.length; i++) {
                if (pre.get(i) != MAGIC[i]) {
                    throw new MalformedFileException(name + ": not an .npy file (the magic \\x93NUMPY is missing)");
                }
            }
            int major = pre.get(6) & 0xff;
            int minor = pre.get(7) & 0xff;
            if (major < 1 || major > 3 || minor != 0) {
                throw new MalformedFileException(name + ": unsupported .npy format version " + major + "." + minor
                        + " (1.0, 2.0 and 3.0 are read)");
            }
            long headerLen;
            long headerStart;
            if (major == 1) {
                headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff;
                headerStart = 10;
            } else {
                if (size < 12) {
                    throw new MalformedFileException(name + ": file has " + size + " bytes, too few for a v"
                            + major + " preamble (truncated?)");
                }
                headerLen = pre.order(ByteOrder.LITTLE_ENDIAN).getInt(8) & 0xffffffffL;
                headerStart = 12;
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new MalformedFileException(name + ": header length " + headerLen + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (headerStart + headerLen > size) {
                throw new MalformedFileException(name + ": header length " + headerLen + " runs past the end of the "
                        + size + "-byte file (truncated?)");
            }
            ByteBuffer hb = read(ch, headerStart, (int) headerLen, name);
            String header;
            try {
                header = (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(hb).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedFileException(name + ": header is not valid UTF-8");
            }
            Map<String, Object> dict = new PyLiteral(header, name + ": header").dict();
            for (String key : dict.keySet()) {
                if (!key.equals("descr") && !key.equals("fortran_order") && !key.equals("shape")) {
                    throw new MalformedFileException(name + ": unexpected header key '" + Json.abbreviate(key) + "'");
                }
            }
            Dtype dtype = dtype(name, require(name, dict, "descr"));
            Object fortran = require(name, dict, "fortran_order");
            if (!(fortran instanceof Boolean)) {
                throw new MalformedFileException(name + ": fortran_order must be True or False but is " + fortran);
            }
            if ((Boolean) fortran) {
                throw new MalformedFileException(name + ": Fortran-order arrays are not supported (save with C order, "
                        + "e.g. np.ascontiguousarray)");
            }
            long[] shape = shape(name, require(name, dict, "shape"));
            long count = 1;
            long bytes;
            try {
                for (long d : shape) {
                    count = Math.multiplyExact(count, d);
                }
                bytes = Math.multiplyExact(count, (long) dtype.size);
            } catch (ArithmeticException e) {
                throw new MalformedFileException(name + ": the size of shape " + Arrays.toString(shape) + " overflows");
            }
            long dataStart = headerStart + headerLen;
            if (bytes > size - dataStart) {
                throw new MalformedFileException(name + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                        + bytes + " data bytes but the file has " + (size - dataStart) + " (truncated?)");
            }
            int[] tshape = SafeTensors.toTensorShape(name, shape);
            float[] data = new float[(int) count];
            if (count > 0) {
                ByteBuffer buf = SafeTensors.readOrMap(ch, dataStart, bytes, name);
                dtype.read(buf, data);
            }
            return Tensor.wrap(data, tshape);
        }
    }

    private static Object require(String name, Map<String, Object> dict, String key) throws MalformedFileException {
        if (!dict.containsKey(key)) {
            throw new MalformedFileException(name + ": header has no '" + key + "'");
        }
        return dict.get(key);
    }

    private static Dtype dtype(String name, Object descr) throws MalformedFileException {
        if (!(descr instanceof String)) {
            throw new MalformedFileException(name + ": structured dtypes are not supported (descr is " + descr + ")");
        }
        switch ((String) descr) {
            case "<f4":
                return Dtype.F32;
            case "<f8":
                return Dtype.F64;
            case "<f2":
                return Dtype.F16;
            default:
                String d = (String) descr;
                String why = d.contains("O") ? "object dtypes are not supported"
                        : d.startsWith(">") ? "big-endian data is not supported"
                        : "dtype '" + Json.abbreviate(d) + "' is not supported";
                throw new MalformedFileException(name + ": " + why + " (only <f4, <f8 and <f2 are read)");
        }
    }

    private static long[] shape(String name, Object v) throws MalformedFileException {
        if (!(v instanceof List) || !((PyLiteral.Tuple) v).isTuple) {
            throw new MalformedFileException(name + ": shape must be a tuple but is " + v);
        }
        List<?> list = (List<?>) v;
        long[] s = new long[list.size()];
        for (int i = 0; i < s.length; i++) {
            Object x = list.get(i);
            if (!(x instanceof Long) || (Long) x < 0) {
                throw new MalformedFileException(name + ": shape[" + i + "] must be a non-negative integer but is " + x);
            }
            s[i] = (Long) x;
        }
        return s;
    }

    private static ByteBuffer read(FileChannel ch, long pos, int len, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, pos + buf.position()) < 0) {
                throw new MalformedFileException(name + ": unexpected end of file at byte " + (pos + buf.position()));
            }
        }
        buf.flip();
        return buf;
    }

    /**
     * Writes a tensor as a version 1.0 {@code <f4} C-order .npy file, replacing the file. The header is
     * padded so the data starts at a multiple of 64 bytes, as NumPy does.
     */
    public static void write(Path path, Tensor tensor) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensor, "tensor");
        int[] shape = tensor.shape();
        StringBuilder h = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            h.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        h.append("), }");
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        for (int i = 0; i < pad; i++) {
            h.append(' ');
        }
        h.append('\n');
        byte[] hdr = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer head = ByteBuffer.allocate(10 + hdr.length).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) hdr.length).put(hdr).flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            SafeTensors.writeFully(ch, head);
            SafeTensors.writeFloats(ch, tensor.data());
        }
    }

    /** The subset of Python literals an .npy header uses: dicts, strings, True/False/None, ints, tuples, lists. */
    static final class PyLiteral {
        private static final int MAX_DEPTH = 16;

        /** A tuple or list (tuples and lists print alike in messages but only tuples are shapes). */
        static final class Tuple extends ArrayList<Object> {
            private static final long serialVersionUID = 1L;
            final boolean isTuple;

            Tuple(boolean isTuple) {
                this.isTuple = isTuple;
            }
        }

        private final String s;
        private final String what;
        private int pos;

        PyLiteral(String s, String what) {
            this.s = s;
            this.what = what;
        }

        Map<String, Object> dict() throws MalformedFileException {
            skipWs();
            Object v = value(0);
            if (!(v instanceof Map)) {
                throw error("expected a dict");
            }
            skipWs();
            if (pos != s.length()) {
                throw error("unexpected text after the dict");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) v;
            return m;
        }

        private Object value(int depth) throws MalformedFileException {
            if (depth >= MAX_DEPTH) {
                throw error("nesting too deep");
            }
            if (pos >= s.length()) {
                throw error("unexpected end, expected a value");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (true) {
                    skipWs();
                    if (peek() == '}') {
                        pos++;
                        return m;
                    }
                    Object k = value(depth + 1);
                    if (!(k instanceof String)) {
                        throw error("dict keys must be strings");
                    }
                    skipWs();
                    if (peek() != ':') {
                        throw error("expected ':'");
                    }
                    pos++;
                    skipWs();
                    Object v = value(depth + 1);
                    if (m.put((String) k, v) != null) {
                        throw error("duplicate key '" + Json.abbreviate((String) k) + "'");
                    }
                    skipWs();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != '}') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                Tuple t = new Tuple(c == '(');
                while (true) {
                    skipWs();
                    if (peek() == close) {
                        pos++;
                        return t;
                    }
                    t.add(value(depth + 1));
                    skipWs();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != close) {
                        throw error("expected ',' or '" + close + "'");
                    }
                }
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw error("unterminated string");
                }
                String str = s.substring(pos + 1, end);
                if (str.indexOf('\\') >= 0) {
                    throw error("escapes in strings are not supported");
                }
                pos = end + 1;
                return str;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                int start = pos;
                if (c == '-') {
                    pos++;
                }
                while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                    pos++;
                }
                if (pos < s.length() && s.charAt(pos) == 'L') {
                    pos++; // Python 2 long suffix, written by old NumPy
                }
                String num = s.substring(start, pos).replace("L", "");
                try {
                    return Long.parseLong(num);
                } catch (NumberFormatException e) {
                    throw error("invalid or too large integer '" + Json.abbreviate(num) + "'");
                }
            }
            for (String word : new String[]{"True", "False", "None"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? "None" : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected character '" + (c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c)) + "'");
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\uffff';
        }

        private void skipWs() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private MalformedFileException error(String msg) {
            return new MalformedFileException(what + ": " + msg + " at offset " + pos);
        }
    }
}
