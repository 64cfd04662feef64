package dev.attn4j.io;

import dev.attn4j.Tensor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length n, n bytes of UTF-8 JSON
 * ({@code {"name": {"dtype": "F32", "shape": [r, c], "data_offsets": [begin, end]}, …, "__metadata__": {…}}}),
 * then the data section; offsets are relative to the data section.
 *
 * <p>{@link #open} reads and validates the whole header: every tensor's byte range must lie inside the
 * data section, agree with its dtype and shape, and not overlap another tensor's. Tensor data is read by
 * memory-mapping its byte range (above 1 MiB; smaller ones are read) on {@link #tensor}; F32, F16, BF16, F64 and the integer dtypes convert to
 * float32. Nothing is ever read outside the file; what is allocated is bounded by the file's size (the
 * header as read, and per tensor its float32 array: at most 4× the tensor's stored bytes, for 1-byte dtypes).
 *
 * <p>Thread-safe: {@link #tensor} may be called concurrently. Close the file when done; tensors already
 * read stay valid (they are copies).
 */
public final class SafeTensors implements Closeable {
    /** Headers above this size are rejected as malformed (real headers are kilobytes). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    static final String METADATA_KEY = "__metadata__";

    private final String fileName;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private static final class Entry {
        final String name;
        final Dtype dtype;
        final long[] shape;
        final long begin;
        final long end;

        Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }
    }

    private SafeTensors(String fileName, FileChannel channel, long dataStart, Map<String, Entry> entries,
                        Map<String, String> metadata) {
        this.fileName = fileName;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws MalformedFileException if the file is truncated, its header length exceeds the file or
     *                                {@link #MAX_HEADER_BYTES}, the header is not UTF-8 or not valid JSON, a field is
     *                                missing or of the wrong type, a dtype is unknown, a shape's byte size overflows
     *                                or disagrees with its data_offsets, offsets are reversed, overlap or fall outside
     *                                the data section, or a name occurs twice
     * @throws IOException            if the file cannot be read
     */
    public static SafeTensors open(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        String name = String.valueOf(path.getFileName());
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            SafeTensors st = parse(name, ch);
            ch = null; // owned by st now
            return st;
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    private static SafeTensors parse(String name, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new MalformedFileException(name + ": file has " + size
                    + " bytes, fewer than the 8-byte header length (truncated?)");
        }
        ByteBuffer lenBuf = readFully(ch, 0, 8, name);
        long n = lenBuf.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new MalformedFileException(name + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + n > size) {
            throw new MalformedFileException(name + ": header length " + n + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        if (n < 2) {
            throw new MalformedFileException(name + ": header length " + n + " is too short for a JSON object");
        }
        ByteBuffer hb = readFully(ch, 8, (int) n, name);
        String header;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb);
            header = chars.toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFileException(name + ": header is not valid UTF-8 (" + e.getMessage() + ")");
        }
        Object root = Json.parse(header, name + ": header");
        if (!(root instanceof Map)) {
            throw new MalformedFileException(name + ": header must be a JSON object but is " + kind(root));
        }
        long dataSize = size - 8 - n;
        @SuppressWarnings("unchecked")
        Map<String, Object> top = (Map<String, Object>) root;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : top.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(name, e.getValue(), metadata);
            } else {
                entries.put(e.getKey(), readEntry(name, e.getKey(), e.getValue(), dataSize));
            }
        }
        checkNoOverlap(name, entries);
        return new SafeTensors(name, ch, 8 + n, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(String file, Object value, Map<String, String> out) throws MalformedFileException {
        if (!(value instanceof Map)) {
            throw new MalformedFileException(file + ": " + METADATA_KEY + " must be an object of strings but is " + kind(value));
        }
        for (Map.Entry<?, ?> m : ((Map<?, ?>) value).entrySet()) {
            if (!(m.getValue() instanceof String)) {
                throw new MalformedFileException(file + ": " + METADATA_KEY + " entry \"" + Json.abbreviate((String) m.getKey())
                        + "\" must be a string but is " + kind(m.getValue()));
            }
            out.put((String) m.getKey(), (String) m.getValue());
        }
    }

    private static Entry readEntry(String file, String tensor, Object value, long dataSize) throws MalformedFileException {
        String where = file + ": tensor \"" + Json.abbreviate(tensor) + "\"";
        if (!(value instanceof Map)) {
            throw new MalformedFileException(where + " must be an object but is " + kind(value));
        }
        Map<?, ?> obj = (Map<?, ?>) value;
        Object dt = field(where, obj, "dtype");
        if (!(dt instanceof String)) {
            throw new MalformedFileException(where + ": dtype must be a string but is " + kind(dt));
        }
        Dtype dtype = Dtype.bySafetensorsName((String) dt);
        if (dtype == null) {
            throw new MalformedFileException(where + ": unknown dtype \"" + Json.abbreviate((String) dt) + "\"");
        }
        long[] shape = longs(where, "shape", field(where, obj, "shape"), -1);
        long[] offsets = longs(where, "data_offsets", field(where, obj, "data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new MalformedFileException(where + ": data_offsets [" + begin + ", " + end + "] are out of order");
        }
        if (end > dataSize) {
            throw new MalformedFileException(where + ": data_offsets [" + begin + ", " + end
                    + "] lie outside the " + dataSize + "-byte data section");
        }
        long count = 1;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            long bytes = Math.multiplyExact(count, (long) dtype.size);
            if (bytes != end - begin) {
                throw new MalformedFileException(where + ": shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
            }
        } catch (ArithmeticException e) {
            throw new MalformedFileException(where + ": the size of shape " + Arrays.toString(shape) + " overflows");
        }
        return new Entry(tensor, dtype, shape, begin, end);
    }

    private static Object field(String where, Map<?, ?> obj, String key) throws MalformedFileException {
        Object v = obj.get(key);
        if (v == null) {
            throw new MalformedFileException(where + ": missing field \"" + key + "\"");
        }
        return v;
    }

    /** A JSON array of non-negative integers (of the given length, or any when length &lt; 0). */
    private static long[] longs(String where, String field, Object v, int length) throws MalformedFileException {
        if (!(v instanceof List)) {
            throw new MalformedFileException(where + ": " + field + " must be an array but is " + kind(v));
        }
        List<?> list = (List<?>) v;
        if (length >= 0 && list.size() != length) {
            throw new MalformedFileException(where + ": " + field + " must have " + length + " entries but has " + list.size());
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object x = list.get(i);
            if (!(x instanceof Json.Num)) {
                throw new MalformedFileException(where + ": " + field + "[" + i + "] must be an integer but is " + kind(x));
            }
            out[i] = ((Json.Num) x).exactLong(where + ": " + field + "[" + i + "]");
            if (out[i] < 0) {
                throw new MalformedFileException(where + ": " + field + "[" + i + "] is negative: " + out[i]);
            }
        }
        return out;
    }

    private static void checkNoOverlap(String file, Map<String, Entry> entries) throws MalformedFileException {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong((Entry e) -> e.begin).thenComparingLong(e -> e.end));
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.begin == e.end) {
                continue; // empty tensors occupy no bytes
            }
            if (prev != null && e.begin < prev.end) {
                throw new MalformedFileException(file + ": data_offsets of \"" + Json.abbreviate(e.name) + "\" ["
                        + e.begin + ", " + e.end + "] overlap those of \"" + Json.abbreviate(prev.name) + "\" ["
                        + prev.begin + ", " + prev.end + "]");
            }
            prev = e;
        }
    }

    static ByteBuffer readFully(FileChannel ch, long pos, int len, String name) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new MalformedFileException(name + ": unexpected end of file at byte " + (pos + buf.position()));
            }
        }
        buf.flip();
        return buf;
    }

    private static String kind(Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Json.Num) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "null";
    }

    /** The tensor names, in header order. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** True when the file holds a tensor of this name. */
    public boolean contains(String name) {
        return entries.containsKey(Objects.requireNonNull(name, "name"));
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The stored dtype of a tensor, e.g. {@code "F32"}. */
    public String dtype(String name) {
        return entry(name).dtype.name();
    }

    /** The stored shape of a tensor (a copy; a scalar has shape []). */
    public long[] shape(String name) {
        return entry(name).shape.clone();
    }

    private Entry entry(String name) {
        Objects.requireNonNull(name, "name");
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("name: no tensor \"" + name + "\" in " + fileName + " (it has " + entries.keySet() + ")");
        }
        return e;
    }

    /**
     * Reads a tensor as float32 (a new array). A scalar (shape []) becomes shape [1].
     *
     * @throws IllegalArgumentException if there is no tensor of that name
     * @throws MalformedFileException   if its dtype is not readable (F8) or its rank is above 4 or its size
     *                                  above one Java array
     * @throws IOException              if reading fails (e.g. the file was closed)
     */
    public Tensor tensor(String name) throws IOException {
        Entry e = entry(name);
        String where = fileName + ": tensor \"" + Json.abbreviate(name) + "\"";
        if (!e.dtype.readable()) {
            throw new MalformedFileException(where + ": dtype " + e.dtype + " cannot be read as float32");
        }
        int[] shape = toTensorShape(where, e.shape);
        long count = (e.end - e.begin) / e.dtype.size;
        float[] data = new float[(int) count];
        if (count > 0) {
            ByteBuffer buf = readOrMap(channel, dataStart + e.begin, e.end - e.begin, fileName);
            e.dtype.read(buf, data);
        }
        return Tensor.wrap(data, shape);
    }

    /** Tensors up to this size are read into the heap; a mapping costs more than copying them. */
    static final long MAP_THRESHOLD = 1 << 20;

    /** Little-endian bytes [pos, pos + len) of the file: read when small, memory-mapped when large. */
    static ByteBuffer readOrMap(FileChannel ch, long pos, long len, String name) throws IOException {
        ByteBuffer buf = len <= MAP_THRESHOLD ? readFully(ch, pos, (int) len, name)
                : ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
        return buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    static int[] toTensorShape(String where, long[] shape) throws MalformedFileException {
        if (shape.length > 4) {
            throw new MalformedFileException(where + ": rank " + shape.length + " (shape " + Arrays.toString(shape)
                    + ") is above the rank 4 a Tensor holds");
        }
        if (shape.length == 0) {
            return new int[]{1};
        }
        long count = 1;
        int[] s = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            count *= shape[i]; // cannot overflow: checked against the file size at open
            s[i] = (int) Math.min(shape[i], Integer.MAX_VALUE);
            if (shape[i] > Integer.MAX_VALUE - 8) {
                count = Long.MAX_VALUE;
                break;
            }
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new MalformedFileException(where + ": shape " + Arrays.toString(shape)
                    + " has more elements than one Java array holds");
        }
        return s;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafeTensors[" + fileName + ", " + entries.size() + " tensors]";
    }

    // ---- writing ----

    /**
     * Writes tensors as F32 (in the map's iteration order) with optional metadata, replacing the file.
     * The header is padded with spaces to a multiple of 8 bytes so the data section is aligned.
     *
     * @param tensors  name → tensor; names must not be {@code "__metadata__"}
     * @param metadata string → string, may be empty
     * @throws IllegalArgumentException if a name is {@code "__metadata__"}
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        StringBuilder h = new StringBuilder("{");
        String sep = "";
        if (!metadata.isEmpty()) {
            h.append('"').append(METADATA_KEY).append("\":{");
            String s2 = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                h.append(s2);
                quote(h, Objects.requireNonNull(m.getKey(), "metadata key"));
                h.append(':');
                quote(h, Objects.requireNonNull(m.getValue(), "metadata value"));
                s2 = ",";
            }
            h.append('}');
            sep = ",";
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
            String name = Objects.requireNonNull(t.getKey(), "tensor name");
            Tensor x = Objects.requireNonNull(t.getValue(), "tensor \"" + name + "\"");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("tensors: the name " + METADATA_KEY + " is reserved");
            }
            h.append(sep);
            quote(h, name);
            h.append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = x.shape();
            for (int i = 0; i < shape.length; i++) {
                h.append(i == 0 ? "" : ",").append(shape[i]);
            }
            long bytes = 4L * x.size();
            h.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            sep = ",";
        }
        h.append('}');
        byte[] json = h.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            for (Tensor x : tensors.values()) {
                writeFloats(ch, x.data());
            }
        }
    }

    /** Writes floats little-endian through a bounded buffer. */
    static void writeFloats(FileChannel ch, float[] d) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(d.length, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < d.length; ) {
            buf.clear();
            int chunk = Math.min(d.length - i, 1 << 16);
            buf.asFloatBuffer().put(d, i, chunk);
            buf.limit(4 * chunk);
            writeFully(ch, buf);
            i += chunk;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
