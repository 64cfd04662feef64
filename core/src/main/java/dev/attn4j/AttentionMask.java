package dev.attn4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Which query/key pairs may attend, in PyTorch's conventions, for whole batches of attention.
 *
 * <p>For query i and key j of batch b and head h, the softmax input is
 * <pre>
 *   z_ij = -∞                                   if any part below masks (i, j),
 *   z_ij = scale·q_i·k_j + additive[·][i][j]    otherwise (additive is 0 when absent),
 * </pre>
 * with the parts
 * <ul>
 *   <li>{@link #causal()}: key j is masked when {@code j > i} — top-left aligned like PyTorch's
 *       {@code is_causal}, also when L ≠ S (query i sees keys 0..i);</li>
 *   <li>{@link #blocked}: a boolean mask [L, S] shared by every batch and head, or [N, L, S] with
 *       N = B·H (slice b·H + h, PyTorch's MHA layout) or N = B (slice b, shared by the heads);
 *       {@code true} = may NOT attend;</li>
 *   <li>{@link #additive}: a float mask of the same shapes, added to the scaled scores (-∞ masks);</li>
 *   <li>{@link #keyPadding}: a boolean mask [B, S]; {@code true} = key j of batch b is padding, ignored.</li>
 * </ul>
 * Parts combine with {@link #and}: an entry is masked when any part masks it; additive masks add.
 * Combining two boolean (or two additive) parts materializes one array: an [L, S] part repeats over
 * the other's N slices, and a [B, L, S] part over the H heads of a [B·H, L, S] part.
 *
 * <p><b>Fully masked rows.</b> A query row in which every key is masked yields <b>zeros</b> in the
 * output and in the attention weights. (PyTorch yields NaN there; zeros keep a padded batch usable.)
 *
 * <p>Instances are immutable and thread-safe: the factories copy the caller's arrays. No L×S matrix is
 * built for the causal and key-padding parts; the kernels evaluate them on the fly.
 */
public final class AttentionMask {
    private static final AttentionMask NONE = new AttentionMask(false, null, null, null, null, null, null);
    private static final AttentionMask CAUSAL = new AttentionMask(true, null, null, null, null, null, null);

    private final boolean causal;
    private final boolean[] blocked;
    private final int[] blockedShape;
    private final float[] additive;
    private final int[] additiveShape;
    private final boolean[] keyPadding;
    private final int[] keyPaddingShape;

    private AttentionMask(boolean causal, boolean[] blocked, int[] blockedShape, float[] additive, int[] additiveShape,
                          boolean[] keyPadding, int[] keyPaddingShape) {
        this.causal = causal;
        this.blocked = blocked;
        this.blockedShape = blockedShape;
        this.additive = additive;
        this.additiveShape = additiveShape;
        this.keyPadding = keyPadding;
        this.keyPaddingShape = keyPaddingShape;
    }

    /** Every query attends to every key. */
    public static AttentionMask none() {
        return NONE;
    }

    /** Query i attends to keys j ≤ i (top-left aligned, as PyTorch's {@code is_causal}). */
    public static AttentionMask causal() {
        return CAUSAL;
    }

    /**
     * A boolean mask, {@code true} = may NOT attend: shape [L, S] or [N, L, S] (N = B·H or B), row-major.
     * The array is copied.
     *
     * @throws IllegalArgumentException if the shape has rank other than 2 or 3, a negative dimension, or
     *                                  does not match {@code mask.length}
     */
    public static AttentionMask blocked(boolean[] mask, int... shape) {
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(shape, "shape");
        int[] s = checkMaskShape("boolean mask", mask.length, shape, 2, 3);
        return new AttentionMask(false, mask.clone(), s, null, null, null, null);
    }

    /**
     * An additive float mask [L, S] or [N, L, S] (N = B·H or B), added to the scaled scores; -∞ masks an
     * entry. The data is copied.
     *
     * @throws IllegalArgumentException if the rank is not 2 or 3
     */
    public static AttentionMask additive(Tensor mask) {
        Objects.requireNonNull(mask, "mask");
        int[] s = checkMaskShape("additive mask", mask.size(), mask.shape(), 2, 3);
        return new AttentionMask(false, null, null, mask.toArray(), s, null, null);
    }

    /**
     * A key-padding mask [B, S] (row-major), {@code true} = key j of batch b is padding and ignored.
     * The array is copied.
     *
     * @throws IllegalArgumentException if a dimension is negative or {@code batch·s != mask.length}
     */
    public static AttentionMask keyPadding(boolean[] mask, int batch, int s) {
        Objects.requireNonNull(mask, "mask");
        int[] shape = checkMaskShape("key padding mask", mask.length, new int[]{batch, s}, 2, 2);
        return new AttentionMask(false, null, null, null, null, mask.clone(), shape);
    }

    /**
     * This mask combined with another: masked where either masks; additive masks add. Two boolean (or
     * additive) parts must have the same shape, or one must be [L, S] (repeated over the other's N
     * slices), or [B, L, S] with the other [B·H, L, S] (repeated over the H heads).
     * Two key-padding parts must have the same shape.
     *
     * @throws IllegalArgumentException if two parts of the same kind have incompatible shapes
     */
    public AttentionMask and(AttentionMask other) {
        Objects.requireNonNull(other, "other");
        boolean[] bl = blocked;
        int[] bls = blockedShape;
        if (other.blocked != null) {
            if (bl == null) {
                bl = other.blocked;
                bls = other.blockedShape;
            } else {
                int[] shape = broadcastShape("boolean mask", bls, other.blockedShape);
                boolean[] out = new boolean[size(shape)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = bl[source(bls, shape, i)] | other.blocked[source(other.blockedShape, shape, i)];
                }
                bl = out;
                bls = shape;
            }
        }
        float[] ad = additive;
        int[] ads = additiveShape;
        if (other.additive != null) {
            if (ad == null) {
                ad = other.additive;
                ads = other.additiveShape;
            } else {
                int[] shape = broadcastShape("additive mask", ads, other.additiveShape);
                float[] out = new float[size(shape)];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ad[source(ads, shape, i)] + other.additive[source(other.additiveShape, shape, i)];
                }
                ad = out;
                ads = shape;
            }
        }
        boolean[] kp = keyPadding;
        int[] kps = keyPaddingShape;
        if (other.keyPadding != null) {
            if (kp == null) {
                kp = other.keyPadding;
                kps = other.keyPaddingShape;
            } else {
                if (!Arrays.equals(kps, other.keyPaddingShape)) {
                    throw new IllegalArgumentException("other: key padding mask " + Arrays.toString(other.keyPaddingShape)
                            + " cannot combine with key padding mask " + Arrays.toString(kps));
                }
                boolean[] out = new boolean[kp.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = kp[i] | other.keyPadding[i];
                }
                kp = out;
            }
        }
        return new AttentionMask(causal || other.causal, bl, bls, ad, ads, kp, kps);
    }

    /** True when nothing is masked or added. */
    public boolean isNone() {
        return !causal && blocked == null && additive == null && keyPadding == null;
    }

    /** True when the causal part is present. */
    public boolean isCausal() {
        return causal;
    }

    /** The boolean part's shape, or null when absent. */
    public int[] blockedShape() {
        return blockedShape == null ? null : blockedShape.clone();
    }

    /** The additive part's shape, or null when absent. */
    public int[] additiveShape() {
        return additiveShape == null ? null : additiveShape.clone();
    }

    /** The key-padding part's shape [B, S], or null when absent. */
    public int[] keyPaddingShape() {
        return keyPaddingShape == null ? null : keyPaddingShape.clone();
    }

    /**
     * Checks that this mask fits attention with the given batch, heads, L queries and S keys.
     *
     * @param arg the argument name for messages, e.g. "mask"
     * @throws IllegalArgumentException naming the part and the shapes
     */
    void check(String arg, int batch, int heads, int l, int s) {
        checkSlices(arg, "boolean mask", blockedShape, batch, heads, l, s);
        checkSlices(arg, "additive mask", additiveShape, batch, heads, l, s);
        if (keyPaddingShape != null && (keyPaddingShape[0] != batch || keyPaddingShape[1] != s)) {
            throw new IllegalArgumentException(arg + ": key padding mask expected [" + batch + ", " + s + "] (batch, S) but was "
                    + Arrays.toString(keyPaddingShape));
        }
    }

    private static void checkSlices(String arg, String part, int[] shape, int batch, int heads, int l, int s) {
        if (shape == null) {
            return;
        }
        int r = shape.length;
        if (shape[r - 2] != l || shape[r - 1] != s) {
            throw new IllegalArgumentException(arg + ": " + part + " expected [" + l + ", " + s + "] or [N, " + l + ", "
                    + s + "] (L, S) but was " + Arrays.toString(shape));
        }
        if (r == 3 && shape[0] != batch && (long) shape[0] != (long) batch * heads) {
            throw new IllegalArgumentException(arg + ": " + part + " expected N = " + batch + " (batch)"
                    + (heads > 1 ? " or " + ((long) batch * heads) + " (batch·heads)" : "") + " in [N, " + l + ", " + s
                    + "] but was " + Arrays.toString(shape));
        }
    }

    /**
     * The kernel-level mask of batch b (of {@code batch}), head h (of {@code heads}) for an l×s block, after {@link #check}.
     * Views into this mask's arrays; nothing is copied.
     */
    ScoreMask slice(int b, int h, int batch, int heads, int l, int s) {
        ScoreMask m = causal ? ScoreMask.causal() : ScoreMask.none();
        if (blocked != null) {
            m = m.withBlocked(blocked, sliceIndex(blockedShape, b, h, batch, heads) * l * s, s);
        }
        if (additive != null) {
            m = m.withAdditive(additive, sliceIndex(additiveShape, b, h, batch, heads) * l * s, s);
        }
        if (keyPadding != null) {
            m = m.withKeyPadding(keyPadding, b * s);
        }
        return m;
    }

    private static int sliceIndex(int[] shape, int b, int h, int batch, int heads) {
        if (shape.length == 2) {
            return 0;
        }
        // check() accepted N = B·H (PyTorch MHA: slice b·H + h) or N = B (slice b); with one head they coincide.
        return (long) shape[0] == (long) batch * heads ? b * heads + h : b;
    }

    private static int[] checkMaskShape(String what, int length, int[] shape, int minRank, int maxRank) {
        int[] s = shape.clone();
        if (s.length < minRank || s.length > maxRank) {
            throw new IllegalArgumentException("shape: " + what + " must have rank " + (minRank == maxRank ? minRank
                    : minRank + " or " + maxRank) + " but shape is " + Arrays.toString(s));
        }
        long n = 1;
        for (int d : s) {
            if (d < 0) {
                throw new IllegalArgumentException("shape: " + what + " has a negative dimension: " + Arrays.toString(s));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape: " + what + " " + Arrays.toString(s) + " is too large");
            }
        }
        if (n != length) {
            throw new IllegalArgumentException("mask: " + what + " shape " + Arrays.toString(s) + " holds " + n
                    + " entries but the array has " + length);
        }
        return s;
    }

    private static int[] broadcastShape(String what, int[] a, int[] b) {
        if (Arrays.equals(a, b)) {
            return a;
        }
        int[] la = Arrays.copyOfRange(a, a.length - 2, a.length);
        int[] lb = Arrays.copyOfRange(b, b.length - 2, b.length);
        if (Arrays.equals(la, lb)) {
            if (a.length == 2 || b.length == 2) {
                return a.length == 3 ? a : b;
            }
            // [B, L, S] with [B·H, L, S]: each batch slice repeats over its H heads
            int[] big = a[0] >= b[0] ? a : b;
            int[] small = big == a ? b : a;
            if (small[0] > 0 && big[0] % small[0] == 0) {
                return big;
            }
        }
        throw new IllegalArgumentException("other: " + what + " " + Arrays.toString(b) + " cannot combine with "
                + what + " " + Arrays.toString(a));
    }

    /** The index in a part of shape {@code src} of element i of the combined part of shape {@code dst}. */
    private static int source(int[] src, int[] dst, int i) {
        int ls = dst[dst.length - 2] * dst[dst.length - 1];
        if (src.length == 2) {
            return i % ls;
        }
        if (dst.length == 2 || src[0] == dst[0]) {
            return i;
        }
        int heads = dst[0] / src[0];
        return (i / ls / heads) * ls + i % ls;
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("AttentionMask[");
        String sep = "";
        if (causal) {
            sb.append("causal");
            sep = ", ";
        }
        if (blocked != null) {
            sb.append(sep).append("boolean").append(Arrays.toString(blockedShape));
            sep = ", ";
        }
        if (additive != null) {
            sb.append(sep).append("additive").append(Arrays.toString(additiveShape));
            sep = ", ";
        }
        if (keyPadding != null) {
            sb.append(sep).append("keyPadding").append(Arrays.toString(keyPaddingShape));
            sep = ", ";
        }
        return sb.append(sep.isEmpty() ? "none]" : "]").toString();
    }
}
