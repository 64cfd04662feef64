package dev.attn4j;

import java.util.Objects;

/**
 * Which entries of a block of attention scores are masked, and what is added to the rest.
 *
 * <p>For row {@code i} (query) and column {@code j} (key) of the block a kernel works on, the
 * softmax input is
 * <pre>
 *   z_ij = -∞                                 if the entry is masked,
 *   z_ij = scale·x_ij + additive[i][j]        otherwise (additive is 0 when absent),
 * </pre>
 * where an entry is masked when any of the parts present masks it:
 * <ul>
 *   <li>causal: {@code j > i + causalOffset} (PyTorch's {@code is_causal} is offset 0, top-left aligned);</li>
 *   <li>blocked: {@code blocked[blockedOff + i·blockedLd + j]} is {@code true} (PyTorch's MHA boolean mask:
 *       true = may not attend);</li>
 *   <li>key padding: {@code keyPadding[keyPaddingOff + j]} is {@code true}.</li>
 * </ul>
 * An additive value of -∞ masks its entry too. A row in which every entry is masked is
 * <b>all zeros</b> after softmax (PyTorch gives NaN there).
 *
 * <p>Instances are immutable. A mask refers to the caller's arrays (no copy); {@link #subMask}
 * gives the view of a sub-block, so tiles, heads and batches need no copies.
 */
public final class ScoreMask {
    private static final int NO_CAUSAL = Integer.MAX_VALUE;
    private static final ScoreMask NONE = new ScoreMask(NO_CAUSAL, null, 0, 0, null, 0, 0, null, 0);

    private final int causalOffset;
    private final float[] additive;
    private final int additiveOff;
    private final int additiveLd;
    private final boolean[] blocked;
    private final int blockedOff;
    private final int blockedLd;
    private final boolean[] keyPadding;
    private final int keyPaddingOff;

    private ScoreMask(int causalOffset, float[] additive, int additiveOff, int additiveLd,
                      boolean[] blocked, int blockedOff, int blockedLd,
                      boolean[] keyPadding, int keyPaddingOff) {
        this.causalOffset = causalOffset;
        this.additive = additive;
        this.additiveOff = additiveOff;
        this.additiveLd = additiveLd;
        this.blocked = blocked;
        this.blockedOff = blockedOff;
        this.blockedLd = blockedLd;
        this.keyPadding = keyPadding;
        this.keyPaddingOff = keyPaddingOff;
    }

    /** No masking: z_ij = scale·x_ij. */
    public static ScoreMask none() {
        return NONE;
    }

    /** Causal, top-left aligned: row i sees columns j ≤ i. */
    public static ScoreMask causal() {
        return NONE.withCausal(0);
    }

    /** Causal with a diagonal offset: row i sees columns j ≤ i + offset. */
    public static ScoreMask causal(int offset) {
        return NONE.withCausal(offset);
    }

    /** This mask, also causal with the given diagonal offset (row i sees j ≤ i + offset). */
    public ScoreMask withCausal(int offset) {
        if (offset == NO_CAUSAL) {
            throw new IllegalArgumentException("causal offset " + offset + " is reserved");
        }
        return new ScoreMask(offset, additive, additiveOff, additiveLd, blocked, blockedOff, blockedLd,
                keyPadding, keyPaddingOff);
    }

    /** This mask, plus an additive float mask: entry (i, j) is {@code values[off + i·ld + j]}. */
    public ScoreMask withAdditive(float[] values, int off, int ld) {
        Objects.requireNonNull(values, "additive mask");
        checkView("additive mask", off, ld);
        return new ScoreMask(causalOffset, values, off, ld, blocked, blockedOff, blockedLd, keyPadding, keyPaddingOff);
    }

    /** This mask, plus a boolean mask (true = masked): entry (i, j) is {@code values[off + i·ld + j]}. */
    public ScoreMask withBlocked(boolean[] values, int off, int ld) {
        Objects.requireNonNull(values, "boolean mask");
        checkView("boolean mask", off, ld);
        return new ScoreMask(causalOffset, additive, additiveOff, additiveLd, values, off, ld, keyPadding, keyPaddingOff);
    }

    /** This mask, plus a key-padding mask (true = ignore key j): entry j is {@code values[off + j]}. */
    public ScoreMask withKeyPadding(boolean[] values, int off) {
        Objects.requireNonNull(values, "key padding mask");
        checkView("key padding mask", off, 0);
        return new ScoreMask(causalOffset, additive, additiveOff, additiveLd, blocked, blockedOff, blockedLd, values, off);
    }

    /**
     * The mask of the sub-block that starts at row {@code row0}, column {@code col0} of this one:
     * entry (i, j) of the result is entry (row0 + i, col0 + j) of this mask.
     */
    public ScoreMask subMask(int row0, int col0) {
        if (row0 < 0 || col0 < 0) {
            throw new IllegalArgumentException("subMask origin must be non-negative: (" + row0 + ", " + col0 + ")");
        }
        if (row0 == 0 && col0 == 0) {
            return this;
        }
        int causal = causalOffset == NO_CAUSAL ? NO_CAUSAL : Math.toIntExact((long) causalOffset + row0 - col0);
        return new ScoreMask(causal,
                additive, additive == null ? 0 : Math.toIntExact(additiveOff + (long) row0 * additiveLd + col0), additiveLd,
                blocked, blocked == null ? 0 : Math.toIntExact(blockedOff + (long) row0 * blockedLd + col0), blockedLd,
                keyPadding, keyPadding == null ? 0 : keyPaddingOff + col0);
    }

    /** True when nothing is masked and nothing is added. */
    public boolean isNone() {
        return !isCausal() && additive == null && blocked == null && keyPadding == null;
    }

    public boolean isCausal() {
        return causalOffset != NO_CAUSAL;
    }

    /** Row i sees columns j ≤ i + causalOffset(); meaningful only when {@link #isCausal()}. */
    public int causalOffset() {
        return causalOffset;
    }

    /**
     * The number of leading columns row i may see under the causal part alone, clamped to [0, cols]
     * ({@code cols} when the mask is not causal).
     */
    public int causalLimit(int i, int cols) {
        if (!isCausal()) {
            return cols;
        }
        long lim = (long) i + causalOffset + 1;
        return (int) Math.max(0, Math.min(cols, lim));
    }

    public float[] additive() { return additive; }
    public int additiveOff() { return additiveOff; }
    public int additiveLd() { return additiveLd; }
    public boolean[] blocked() { return blocked; }
    public int blockedOff() { return blockedOff; }
    public int blockedLd() { return blockedLd; }
    public boolean[] keyPadding() { return keyPadding; }
    public int keyPaddingOff() { return keyPaddingOff; }

    /** True when entry (i, j) is masked by the causal, boolean or padding part (not by an additive -∞). */
    public boolean isMasked(int i, int j) {
        if (isCausal() && (long) j > (long) i + causalOffset) {
            return true;
        }
        if (blocked != null && blocked[blockedOff + i * blockedLd + j]) {
            return true;
        }
        return keyPadding != null && keyPadding[keyPaddingOff + j];
    }

    /** The additive term of entry (i, j): 0 when there is no additive mask. */
    public float bias(int i, int j) {
        return additive == null ? 0f : additive[additiveOff + i * additiveLd + j];
    }

    /**
     * Checks that the arrays this mask refers to cover a block of {@code rows × cols}.
     *
     * @throws IllegalArgumentException naming the part that is too small
     */
    public void checkCovers(String what, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (additive != null) {
            checkExtent(what + " additive mask", additive.length, additiveOff, additiveLd, rows, cols);
        }
        if (blocked != null) {
            checkExtent(what + " boolean mask", blocked.length, blockedOff, blockedLd, rows, cols);
        }
        if (keyPadding != null) {
            checkExtent(what + " key padding mask", keyPadding.length, keyPaddingOff, cols, 1, cols);
        }
    }

    private static void checkExtent(String what, int length, int off, int ld, int rows, int cols) {
        if (ld < cols && rows > 1) {
            throw new IllegalArgumentException(what + ": leading dimension " + ld + " < cols " + cols);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (last > length) {
            throw new IllegalArgumentException(what + ": a block of [" + rows + ", " + cols + "] at offset " + off
                    + " with leading dimension " + ld + " needs " + last + " elements but the array has " + length);
        }
    }

    private static void checkView(String what, int off, int ld) {
        if (off < 0 || ld < 0) {
            throw new IllegalArgumentException(what + ": offset " + off + " and leading dimension " + ld
                    + " must be non-negative");
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ScoreMask[");
        String sep = "";
        if (isCausal()) {
            sb.append("causal(").append(causalOffset).append(')');
            sep = ", ";
        }
        if (additive != null) {
            sb.append(sep).append("additive");
            sep = ", ";
        }
        if (blocked != null) {
            sb.append(sep).append("boolean");
            sep = ", ";
        }
        if (keyPadding != null) {
            sb.append(sep).append("keyPadding");
            sep = ", ";
        }
        if (sep.isEmpty()) {
            sb.append("none");
        }
        return sb.append(']').toString();
    }
}
