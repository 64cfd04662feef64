package dev.attn4j.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, small JSON reader (RFC 8259) for file headers; no dependency.
 *
 * <p>Values become {@link Map} (insertion-ordered, duplicate keys rejected), {@link List}, {@link String},
 * {@link Number} (a {@link Num} holding the literal), {@link Boolean} or {@link #NULL}. Nesting deeper
 * than {@link #MAX_DEPTH} is rejected, so a hostile header cannot overflow the stack; every loop consumes
 * at least one character, so parsing ends in time linear in the input.
 */
final class Json {
    /** The JSON {@code null} (maps cannot hold Java null values usefully). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    /** Far deeper than any safetensors header (depth 3) needs, far shallower than the stack allows. */
    static final int MAX_DEPTH = 64;

    /** A JSON number, kept as its literal so that integers of any size are judged exactly. */
    static final class Num extends Number {
        private static final long serialVersionUID = 1L;
        final String text;

        Num(String text) {
            this.text = text;
        }

        /** True when the literal is an integer (no fraction, no exponent). */
        boolean isInteger() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }

        /** The exact long value, or throws when the literal is not an integer or out of range. */
        long exactLong(String what) throws MalformedFileException {
            if (!isInteger()) {
                throw new MalformedFileException(what + ": expected an integer but found " + text);
            }
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new MalformedFileException(what + ": integer " + abbreviate(text) + " is out of range");
            }
        }

        @Override
        public int intValue() {
            return (int) doubleValue();
        }

        @Override
        public long longValue() {
            return (long) doubleValue();
        }

        @Override
        public float floatValue() {
            return (float) doubleValue();
        }

        @Override
        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final String src;
    private final String what;
    private int pos;

    private Json(String src, String what) {
        this.src = src;
        this.what = what;
    }

    /**
     * Parses one JSON value that must span the whole input (surrounding whitespace allowed).
     *
     * @param what names the input in error messages, e.g. "model.safetensors: header"
     * @throws MalformedFileException naming the problem and its character offset
     */
    static Object parse(String src, String what) throws MalformedFileException {
        Json p = new Json(src, what);
        p.skipWs();
        Object v = p.value(0);
        p.skipWs();
        if (p.pos != src.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the JSON value");
        }
        return v;
    }

    private Object value(int depth) throws MalformedFileException {
        if (depth >= MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= src.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = src.charAt(pos);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describeHere() + ", expected a value");
        }
    }

    private Map<String, Object> object(int depth) throws MalformedFileException {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("unexpected " + describeHere() + ", expected a string key");
            }
            int keyPos = pos;
            String key = string();
            skipWs();
            expect(':');
            skipWs();
            Object v = value(depth + 1);
            if (map.containsKey(key)) {
                throw errorAt(keyPos, "duplicate key \"" + abbreviate(key) + "\"");
            }
            map.put(key, v);
            skipWs();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return map;
            } else {
                throw error("unexpected " + describeHere() + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws MalformedFileException {
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            skipWs();
            list.add(value(depth + 1));
            skipWs();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            } else {
                throw error("unexpected " + describeHere() + ", expected ',' or ']'");
            }
        }
    }

    private String string() throws MalformedFileException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw errorAt(start, "unterminated string");
            }
            char c = src.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw errorAt(pos - 1, "control character 0x" + Integer.toHexString(c) + " inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) {
                throw errorAt(pos - 1, "unterminated escape");
            }
            char e = src.charAt(pos++);
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    if (pos + 4 > src.length()) {
                        throw errorAt(pos - 2, "truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = Character.digit(src.charAt(pos + i), 16);
                        if (d < 0) {
                            throw errorAt(pos - 2, "invalid \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    pos += 4;
                    sb.append((char) cp);
                    break;
                }
                default:
                    throw errorAt(pos - 2, "invalid escape \\" + printable(e));
            }
        }
    }

    private Num number() throws MalformedFileException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("invalid number, expected a digit");
        }
        if (peek() == '.') {
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number, expected a digit after '.'");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number, expected a digit in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        return new Num(src.substring(start, pos));
    }

    private void literal(String word) throws MalformedFileException {
        if (!src.startsWith(word, pos)) {
            throw error("unexpected " + describeHere() + ", expected " + word);
        }
        pos += word.length();
    }

    private void expect(char c) throws MalformedFileException {
        if (peek() != c) {
            throw error("unexpected " + describeHere() + ", expected '" + c + "'");
        }
        pos++;
    }

    /** The current character, or U+FFFF at the end (never a valid token start). */
    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\uffff';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipWs() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeHere() {
        return pos >= src.length() ? "end of input" : "character '" + printable(src.charAt(pos)) + "'";
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private MalformedFileException error(String msg) {
        return errorAt(pos, msg);
    }

    private MalformedFileException errorAt(int offset, String msg) {
        return new MalformedFileException(what + ": invalid JSON at offset " + offset + ": " + msg);
    }
}
