package dev.attn4j.props;

import dev.attn4j.ScoreMask;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A generated mask, in two independent forms: the {@link ScoreMask} the kernels get, and plain
 * {@code masked[i][j]} / {@code bias[i][j]} tables the oracle reads. The tables are built here from the
 * spec, not from ScoreMask's own accessors, so the ScoreMask semantics are under test too.
 *
 * <p>Mask arrays are views at an offset with a leading dimension larger than the block; their padding
 * is "masked" (boolean) or NaN (additive), so a kernel that reads the wrong mask element shows it.
 */
record MaskSpec(Kind kind, int causalOffset, double density, int off, int ldExtra, long seed) {

    enum Kind {
        NONE, CAUSAL, BLOCKED, KEY_PADDING, ADDITIVE, FULLY_MASKED_ROWS, COMBINED
    }

    /** Both forms of the mask for a rows × cols block. */
    Built build(int rows, int cols) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[][] masked = new boolean[rows][cols];
        double[][] bias = new double[rows][cols];
        ScoreMask mask = ScoreMask.none();
        boolean causal = kind == Kind.CAUSAL || kind == Kind.COMBINED;
        boolean blocked = kind == Kind.BLOCKED || kind == Kind.FULLY_MASKED_ROWS || kind == Kind.COMBINED;
        boolean padding = kind == Kind.KEY_PADDING || kind == Kind.COMBINED;
        boolean additive = kind == Kind.ADDITIVE || kind == Kind.COMBINED;
        int ld = cols + ldExtra;
        if (causal) {
            mask = mask.withCausal(causalOffset);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    masked[i][j] |= (long) j > (long) i + causalOffset;
                }
            }
        }
        if (blocked) {
            boolean[] b = new boolean[off + Math.max(0, rows - 1) * ld + cols + Mat.TAIL];
            Arrays.fill(b, true); // padding: masked
            for (int i = 0; i < rows; i++) {
                // FULLY_MASKED_ROWS: about a third of the rows are entirely masked.
                boolean wholeRow = kind == Kind.FULLY_MASKED_ROWS && rnd.nextInt(3) == 0;
                for (int j = 0; j < cols; j++) {
                    boolean v = wholeRow || rnd.nextDouble() < density;
                    b[off + i * ld + j] = v;
                    masked[i][j] |= v;
                }
            }
            mask = mask.withBlocked(b, off, ld);
        }
        if (padding) {
            boolean[] p = new boolean[off + cols + Mat.TAIL];
            Arrays.fill(p, true);
            for (int j = 0; j < cols; j++) {
                boolean v = rnd.nextDouble() < density;
                p[off + j] = v;
                for (int i = 0; i < rows; i++) {
                    masked[i][j] |= v;
                }
            }
            mask = mask.withKeyPadding(p, off);
        }
        if (additive) {
            float[] a = new float[off + Math.max(0, rows - 1) * ld + cols + Mat.TAIL];
            Arrays.fill(a, Mat.PAD);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    // mostly O(1) biases, some -∞ (an additive way to mask)
                    float v = rnd.nextDouble() < density / 4 ? Float.NEGATIVE_INFINITY
                            : (float) rnd.nextDouble(-8, 8);
                    a[off + i * ld + j] = v;
                    if (v == Float.NEGATIVE_INFINITY) {
                        masked[i][j] = true;
                    } else {
                        bias[i][j] = v;
                    }
                }
            }
            mask = mask.withAdditive(a, off, ld);
        }
        return new Built(mask, masked, bias);
    }

    /** The mask for the kernels and the tables for the oracle. */
    record Built(ScoreMask mask, boolean[][] masked, double[][] bias) {
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.CAUSAL || kind == Kind.COMBINED ? "(causal " + causalOffset + ")" : "")
                + (kind == Kind.NONE || kind == Kind.CAUSAL ? "" : "(density " + density + ", off " + off
                + ", ld+" + ldExtra + ", seed " + seed + ")");
    }
}
