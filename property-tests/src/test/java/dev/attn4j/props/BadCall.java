package dev.attn4j.props;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One kernel call with exactly one bad argument, and what the call must do: throw {@code type} with a
 * message containing every {@code fragment} (which name the argument and the shape or value), and
 * leave {@code output} — and every input — bit for bit as it was.
 *
 * <p>Built by {@link #of} from a valid call of small shapes (dimensions 2…12, so leading dimensions
 * matter) and one corruption.
 */
record BadCall(String op, Kind kind, String target, Class<? extends RuntimeException> type, List<String> fragments,
               float[] output, List<float[]> inputs, Consumer<Kernels> call) {

    enum Kind {
        NULL_ARRAY, NEGATIVE_DIM, NEGATIVE_OFFSET, VIEW_PAST_END, LD_TOO_SMALL, LD_OVERFLOWS_INT,
        SIZE_OVERFLOWS_INT, OUTPUT_OVERLAPS_INPUT, MASK_TOO_SMALL, MASK_NEGATIVE_VIEW, OUTPUT_OVERLAPS_MASK
    }

    static final List<String> OPS = List.of("gemm", "scaledSoftmax", "weightedSum", "flashAttention");

    /** The kinds that apply to an op (masks exist only for softmax and attention). */
    static List<Kind> kinds(String op) {
        List<Kind> all = new ArrayList<>(List.of(Kind.values()));
        if (op.equals("gemm") || op.equals("weightedSum")) {
            all.remove(Kind.MASK_TOO_SMALL);
            all.remove(Kind.MASK_NEGATIVE_VIEW);
            all.remove(Kind.OUTPUT_OVERLAPS_MASK);
        }
        if (op.equals("scaledSoftmax")) {
            all.remove(Kind.OUTPUT_OVERLAPS_INPUT); // in place: x is both
        }
        return all;
    }

    @Override
    public String toString() {
        return op + " " + kind + " on " + target + " expecting " + type.getSimpleName() + " " + fragments;
    }

    /** A strided view: array, offset, leading dimension, rows, cols. Mutable while a call is built. */
    static final class View {
        float[] a;
        int off;
        int ld;
        final int rows;
        final int cols;
        final String name;

        View(String name, int rows, int cols, SplittableRandom rnd) {
            this.name = name;
            this.rows = rows;
            this.cols = cols;
            this.off = rnd.nextInt(3);
            this.ld = cols + rnd.nextInt(3);
            this.a = Mat.random(rows, cols, off, ld, Regime.UNIT, rnd);
        }

        long end() {
            return (long) off + (long) (rows - 1) * ld + cols;
        }
    }

    /**
     * Builds the bad call.
     *
     * @param which  picks the argument among those the kind applies to (taken modulo their number)
     * @param amount how far past a limit to go (≥ 0)
     */
    static BadCall of(String op, Kind kind, int which, int amount, int d1, int d2, int d3, int d4, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return switch (op) {
            case "gemm" -> gemm(kind, which, amount, d1, d2, d3, rnd);
            case "scaledSoftmax" -> softmax(kind, which, amount, d1, d2, rnd);
            case "weightedSum" -> weightedSum(kind, which, amount, d1, d2, rnd);
            default -> flash(kind, which, amount, d1, d2, d3, d4, rnd);
        };
    }

    /** A mutable set of int arguments by name (the dimensions). */
    static final class Dims {
        final String[] names;
        final int[] values;

        Dims(String[] names, int... values) {
            this.names = names;
            this.values = values;
        }

        int get(String n) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(n)) {
                    return values[i];
                }
            }
            throw new IllegalArgumentException(n);
        }
    }

    /**
     * Applies a view or dimension corruption shared by all ops; returns the target's name and fills
     * type/fragments. Null arrays and overlaps are op-specific and handled by the callers.
     */
    private static String corrupt(String op, Kind kind, int which, int amount, Dims dims, List<View> views,
                                  List<String> frags, Class<?>[] type) {
        type[0] = IllegalArgumentException.class;
        switch (kind) {
            case NEGATIVE_DIM -> {
                int i = Math.floorMod(which, dims.names.length);
                int v = amount % 3 == 0 ? Integer.MIN_VALUE : -1 - amount;
                dims.values[i] = v;
                frags.add(op + ": dimensions must be non-negative");
                frags.add(" " + dims.names[i] + "=" + v);
                return dims.names[i];
            }
            case NEGATIVE_OFFSET -> {
                View w = views.get(Math.floorMod(which, views.size()));
                w.off = amount % 3 == 0 ? Integer.MIN_VALUE : -1 - amount;
                frags.add(op + ": " + w.name + " offset " + w.off + " is negative");
                return w.name;
            }
            case VIEW_PAST_END -> {
                View w = views.get(Math.floorMod(which, views.size()));
                // move the view so its last element lands 1 + amount past the array's end
                w.off += (int) (w.a.length - w.end()) + 1 + amount;
                frags.add(op + ": " + w.name + " view [" + w.rows + ", " + w.cols + "] at offset " + w.off);
                frags.add("needs " + (w.end()) + " elements but " + w.name + ".length is " + w.a.length);
                return w.name;
            }
            case LD_TOO_SMALL -> {
                List<View> multi = views.stream().filter(x -> x.rows > 1 && x.ld >= 0).toList();
                View w = multi.get(Math.floorMod(which, multi.size()));
                w.ld = w.cols - 1 - amount % (w.cols + 3); // from cols−1 down to −3
                frags.add(op + ": " + w.name + " leading dimension " + w.ld + " is smaller than its row length " + w.cols);
                return w.name;
            }
            case LD_OVERFLOWS_INT -> {
                List<View> multi = views.stream().filter(x -> x.rows > 1).toList();
                View w = multi.get(Math.floorMod(which, multi.size()));
                w.ld = Integer.MAX_VALUE - amount; // off + (rows−1)·ld wraps in int arithmetic
                frags.add(op + ": " + w.name + " view [" + w.rows + ", " + w.cols + "]");
                frags.add("needs " + w.end() + " elements");
                return w.name;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static Class<? extends RuntimeException> cast(Class<?> c) {
        @SuppressWarnings("unchecked")
        Class<? extends RuntimeException> r = (Class<? extends RuntimeException>) c;
        return r;
    }

    /** Overlaps out with in: out moves into in's array at an offset inside in's span. */
    private static void overlap(View out, View in, int amount) {
        long span = in.end() - in.off;
        int shift = (int) (amount % span);
        int newOff = in.off + shift;
        long need = Math.max(in.end(), (long) newOff + (long) (out.rows - 1) * out.ld + out.cols);
        float[] grown = java.util.Arrays.copyOf(in.a, (int) need + Mat.TAIL);
        java.util.Arrays.fill(grown, in.a.length, grown.length, Mat.PAD);
        in.a = grown;
        out.a = grown;
        out.off = newOff;
    }

    /**
     * An additive mask (rows×cols, leading dimension ld) that lives in the output's array, overlapping the
     * output view: the kernel would overwrite mask values it has yet to read.
     */
    private static ScoreMask maskInOutput(View out, int rows, int cols, int amount) {
        int ld = cols + 1;
        long span = out.end() - out.off;
        int maskOff = out.off + (int) (amount % span);
        long need = Math.max(out.end(), (long) maskOff + (long) (rows - 1) * ld + cols);
        if (need > out.a.length) {
            float[] grown = java.util.Arrays.copyOf(out.a, (int) need + Mat.TAIL);
            java.util.Arrays.fill(grown, out.a.length, grown.length, Mat.PAD);
            out.a = grown;
        }
        return ScoreMask.none().withAdditive(out.a, maskOff, ld);
    }

    private static BadCall gemm(Kind kind, int which, int amount, int m, int n, int k, SplittableRandom rnd) {
        boolean ta = rnd.nextBoolean(), tb = rnd.nextBoolean();
        Dims dims = new Dims(new String[]{"m", "n", "k"}, m, n, k);
        View a = new View("a", ta ? k : m, ta ? m : k, rnd);
        View b = new View("b", tb ? n : k, tb ? k : n, rnd);
        View c = new View("c", m, n, rnd);
        List<String> frags = new ArrayList<>();
        Class<?>[] type = {IllegalArgumentException.class};
        String target;
        boolean[] nul = new boolean[3];
        switch (kind) {
            case NULL_ARRAY -> {
                int i = Math.floorMod(which, 3);
                nul[i] = true;
                target = List.of("a", "b", "c").get(i);
                type[0] = NullPointerException.class;
                frags.add(target);
            }
            case SIZE_OVERFLOWS_INT -> {
                int big = 50_000 + amount;
                dims.values[0] = dims.values[1] = dims.values[2] = big;
                a.ld = b.ld = c.ld = big;
                a.off = b.off = c.off = 0;
                target = "a";
                frags.add("gemm: a view [" + big + ", " + big + "] at offset 0 with leading dimension " + big
                        + " needs " + ((long) big * big) + " elements");
            }
            case OUTPUT_OVERLAPS_INPUT -> {
                View in = which % 2 == 0 ? a : b;
                overlap(c, in, amount);
                target = "c/" + in.name;
                frags.add("gemm: output c [");
                frags.add("overlaps input " + in.name + " [");
            }
            default -> target = corrupt("gemm", kind, which, amount, dims, List.of(a, b, c), frags, type);
        }
        float[] fa = nul[0] ? null : a.a, fb = nul[1] ? null : b.a, fc = nul[2] ? null : c.a;
        int am = dims.values[0], an = dims.values[1], ak = dims.values[2];
        int aOff = a.off, lda = a.ld, bOff = b.off, ldb = b.ld, cOff = c.off, ldc = c.ld;
        return new BadCall("gemm", kind, target, cast(type[0]), frags, fc, inputs(fa, fb),
                kern -> kern.gemm(ta, tb, am, an, ak, 1f, fa, aOff, lda, fb, bOff, ldb, 0.5f, fc, cOff, ldc));
    }

    private static List<float[]> inputs(float[]... xs) {
        List<float[]> l = new ArrayList<>();
        for (float[] x : xs) {
            if (x != null) {
                l.add(x);
            }
        }
        return l;
    }

    /** A mask over rows×cols with all parts, whose arrays are either right-sized or one part too small. */
    private static ScoreMask mask(String op, Kind kind, int which, int amount, int rows, int cols, List<String> frags,
                                  String[] target) {
        int part = Math.floorMod(which, 3);
        int ld = cols + 1;
        int blockLen = (rows - 1) * ld + cols;
        int shortBy = 1 + amount % 5;
        boolean tooSmall = kind == Kind.MASK_TOO_SMALL;
        float[] add = new float[tooSmall && part == 0 ? blockLen - shortBy : blockLen];
        boolean[] blocked = new boolean[tooSmall && part == 1 ? blockLen - shortBy : blockLen];
        boolean[] pad = new boolean[tooSmall && part == 2 ? cols - Math.min(cols, shortBy) : cols];
        if (kind == Kind.MASK_NEGATIVE_VIEW) {
            int bad = -1 - amount;
            String name = List.of("additive mask", "boolean mask", "key padding mask").get(part);
            target[0] = name;
            frags.add(name + ": offset " + bad);
            ScoreMask base = ScoreMask.causal(1);
            return switch (part) {
                case 0 -> base.withAdditive(add, bad, ld);
                case 1 -> base.withBlocked(blocked, bad, ld);
                default -> base.withKeyPadding(pad, bad);
            };
        }
        String name = List.of("additive mask", "boolean mask", "key padding mask").get(part);
        target[0] = name;
        frags.add(op + " " + name);
        frags.add("the array has " + List.of(add.length, blocked.length, pad.length).get(part));
        return ScoreMask.causal(1).withAdditive(add, 0, ld).withBlocked(blocked, 0, ld).withKeyPadding(pad, 0);
    }

    private static BadCall softmax(Kind kind, int which, int amount, int rows, int cols, SplittableRandom rnd) {
        Dims dims = new Dims(new String[]{"rows", "cols"}, rows, cols);
        View x = new View("x", rows, cols, rnd);
        List<String> frags = new ArrayList<>();
        Class<?>[] type = {IllegalArgumentException.class};
        String[] target = {null};
        boolean nullX = false, nullMask = false;
        ScoreMask mask = ScoreMask.causal(0);
        switch (kind) {
            case NULL_ARRAY -> {
                type[0] = NullPointerException.class;
                nullX = which % 2 == 0;
                nullMask = !nullX;
                target[0] = nullX ? "x" : "mask";
                frags.add(target[0]);
            }
            case SIZE_OVERFLOWS_INT -> {
                int big = 50_000 + amount;
                dims.values[0] = dims.values[1] = big;
                x.ld = big;
                x.off = 0;
                target[0] = "x";
                frags.add("scaledSoftmax: x view [" + big + ", " + big + "] at offset 0 with leading dimension " + big
                        + " needs " + ((long) big * big) + " elements");
            }
            case MASK_TOO_SMALL -> mask = mask("scaledSoftmax", kind, which, amount, rows, cols, frags, target);
            case OUTPUT_OVERLAPS_MASK -> {
                mask = maskInOutput(x, rows, cols, amount);
                target[0] = "x/additive mask";
                frags.add("scaledSoftmax: output x [");
                frags.add("overlaps input additive mask [");
            }
            case MASK_NEGATIVE_VIEW -> {
                // the mask itself rejects a negative offset when it is built, before any kernel runs
                return maskBuild("scaledSoftmax", kind, which, amount, rows, cols, x);
            }
            default -> target[0] = corrupt("scaledSoftmax", kind, which, amount, dims, List.of(x), frags, type);
        }
        float[] fx = nullX ? null : x.a;
        ScoreMask fm = nullMask ? null : mask;
        int r = dims.values[0], c = dims.values[1], off = x.off, ld = x.ld;
        return new BadCall("scaledSoftmax", kind, target[0], cast(type[0]), frags, fx, List.of(),
                kern -> kern.scaledSoftmax(r, c, 0.5f, fx, off, ld, fm));
    }

    private static BadCall maskBuild(String op, Kind kind, int which, int amount, int rows, int cols, View out) {
        List<String> frags = new ArrayList<>();
        String[] target = {null};
        return new BadCall(op, kind, "mask", IllegalArgumentException.class, frags, out.a, List.of(),
                kern -> {
                    ScoreMask m = mask(op, kind, which, amount, rows, cols, frags, target);
                    kern.scaledSoftmax(rows, cols, 1f, out.a, out.off, out.ld, m); // not reached
                });
    }

    private static BadCall weightedSum(Kind kind, int which, int amount, int n, int d, SplittableRandom rnd) {
        Dims dims = new Dims(new String[]{"n", "d"}, n, d);
        View w = new View("weights", 1, n, rnd);
        View v = new View("values", n, d, rnd);
        View out = new View("out", 1, d, rnd);
        List<String> frags = new ArrayList<>();
        Class<?>[] type = {IllegalArgumentException.class};
        String target;
        boolean[] nul = new boolean[3];
        switch (kind) {
            case NULL_ARRAY -> {
                int i = Math.floorMod(which, 3);
                nul[i] = true;
                target = List.of("weights", "values", "out").get(i);
                type[0] = NullPointerException.class;
                frags.add(target);
            }
            case SIZE_OVERFLOWS_INT -> {
                int big = 50_000 + amount;
                dims.values[0] = dims.values[1] = big;
                v.ld = big;
                w.off = v.off = out.off = 0;
                target = "weights";
                frags.add("weightedSum: weights view [1, " + big + "] at offset 0");
                frags.add("needs " + big + " elements");
            }
            case OUTPUT_OVERLAPS_INPUT -> {
                View in = which % 2 == 0 ? w : v;
                overlap(out, in, amount);
                target = "out/" + in.name;
                frags.add("weightedSum: output out [");
                frags.add("overlaps input " + in.name + " [");
            }
            case LD_TOO_SMALL, LD_OVERFLOWS_INT -> target = corrupt("weightedSum", kind, which, amount, dims,
                    List.of(v), frags, type);
            default -> target = corrupt("weightedSum", kind, which, amount, dims, List.of(w, v, out), frags, type);
        }
        float[] fw = nul[0] ? null : w.a, fv = nul[1] ? null : v.a, fo = nul[2] ? null : out.a;
        int nn = dims.values[0], dd = dims.values[1], wOff = w.off, vOff = v.off, ldv = v.ld, oOff = out.off;
        return new BadCall("weightedSum", kind, target, cast(type[0]), frags, fo, inputs(fw, fv),
                kern -> kern.weightedSum(nn, dd, fw, wOff, fv, vOff, ldv, fo, oOff));
    }

    private static BadCall flash(Kind kind, int which, int amount, int l, int s, int dk, int dv, SplittableRandom rnd) {
        Dims dims = new Dims(new String[]{"l", "s", "dk", "dv"}, l, s, dk, dv);
        View q = new View("q", l, dk, rnd);
        View k = new View("k", s, dk, rnd);
        View v = new View("v", s, dv, rnd);
        View out = new View("out", l, dv, rnd);
        List<String> frags = new ArrayList<>();
        Class<?>[] type = {IllegalArgumentException.class};
        String[] target = {null};
        boolean[] nul = new boolean[5];
        ScoreMask mask = ScoreMask.none();
        switch (kind) {
            case NULL_ARRAY -> {
                int i = Math.floorMod(which, 5);
                nul[i] = true;
                target[0] = List.of("q", "k", "v", "mask", "out").get(i);
                type[0] = NullPointerException.class;
                frags.add(target[0]);
            }
            case SIZE_OVERFLOWS_INT -> {
                int big = 50_000 + amount;
                java.util.Arrays.fill(dims.values, big);
                q.ld = k.ld = v.ld = out.ld = big;
                q.off = 0;
                target[0] = "q";
                frags.add("flashAttention: q view [" + big + ", " + big + "] at offset 0 with leading dimension " + big
                        + " needs " + ((long) big * big) + " elements");
            }
            case OUTPUT_OVERLAPS_INPUT -> {
                View in = List.of(q, k, v).get(Math.floorMod(which, 3));
                overlap(out, in, amount);
                target[0] = "out/" + in.name;
                frags.add("flashAttention: output out [");
                frags.add("overlaps input " + in.name + " [");
            }
            case MASK_TOO_SMALL -> mask = mask("flashAttention", kind, which, amount, l, s, frags, target);
            case OUTPUT_OVERLAPS_MASK -> {
                mask = maskInOutput(out, l, s, amount);
                target[0] = "out/additive mask";
                frags.add("flashAttention: output out [");
                frags.add("overlaps input additive mask [");
            }
            case MASK_NEGATIVE_VIEW -> {
                return maskBuild("flashAttention", kind, which, amount, l, s, out);
            }
            default -> target[0] = corrupt("flashAttention", kind, which, amount, dims, List.of(q, k, v, out), frags,
                    type);
        }
        float[] fq = nul[0] ? null : q.a, fk = nul[1] ? null : k.a, fv = nul[2] ? null : v.a;
        ScoreMask fm = nul[3] ? null : mask;
        float[] fo = nul[4] ? null : out.a;
        int[] x = dims.values.clone();
        int qOff = q.off, ldq = q.ld, kOff = k.off, ldk = k.ld, vOff = v.off, ldv = v.ld, oOff = out.off, ldo = out.ld;
        return new BadCall("flashAttention", kind, target[0], cast(type[0]), frags, fo, inputs(fq, fk, fv),
                kern -> kern.flashAttention(x[0], x[1], x[2], x[3], 0.25f, fq, qOff, ldq, fk, kOff, ldk, fv, vOff, ldv,
                        fm, fo, oOff, ldo));
    }
}
