package dev.attn4j.io;

import java.nio.ByteBuffer;

/** The element types of the file formats, with their sizes and their conversion to float32. */
enum Dtype {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8),
    /** Known to safetensors, listed so such files open; {@link #readable()} is false. */
    F8_E4M3(1), F8_E5M2(1);

    final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** The dtype with this safetensors name, or null. */
    static Dtype bySafetensorsName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** True when {@link #read} can convert this dtype to float32. */
    boolean readable() {
        return this != F8_E4M3 && this != F8_E5M2;
    }

    /**
     * Converts {@code out.length} little-endian elements starting at the buffer's position to float32
     * (integers and float64 round to nearest; F16 and BF16 are exact).
     */
    void read(ByteBuffer buf, float[] out) {
        int n = out.length;
        switch (this) {
            case F32:
                buf.asFloatBuffer().get(out);
                return;
            case F64:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) buf.getDouble();
                }
                return;
            case F16:
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(buf.getShort());
                }
                return;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                }
                return;
            case BOOL:
            case U8:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.get() & 0xff;
                }
                return;
            case I8:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.get();
                }
                return;
            case I16:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getShort();
                }
                return;
            case U16:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getShort() & 0xffff;
                }
                return;
            case I32:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getInt();
                }
                return;
            case U32:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getInt() & 0xffffffffL;
                }
                return;
            case I64:
                for (int i = 0; i < n; i++) {
                    out[i] = buf.getLong();
                }
                return;
            case U64:
                for (int i = 0; i < n; i++) {
                    long v = buf.getLong();
                    // unsigned: the top bit set means v + 2^64
                    out[i] = v >= 0 ? v : (float) ((v >>> 1) | (v & 1)) * 2f;
                }
                return;
            default:
                throw new IllegalStateException("dtype " + this + " is not readable"); // callers check readable()
        }
    }

    /** IEEE 754 binary16 to float32, exact (JDK 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) { // Inf or NaN: keep the payload's top bits
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant · 2^-24, exact in float32
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 127 - 15) << 23) | (mant << 13));
    }
}
