package dev.attn4j.props;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The generators, shared by the property classes (which expose them as named {@code @Provide} methods).
 *
 * <p>Shapes come first and data second ({@code flatMap}), so jqwik shrinks a failure to a small shape
 * before anything else. Every dimension is drawn from a mix biased towards the sizes where kernels
 * break: 1, the vector width ±1 (main loop / scalar tail boundaries), twice the width ±1, primes (no
 * tiling divides them), and uniform sizes up to {@link #MAX_DIM}. Each alternative shrinks towards its
 * smallest value.
 *
 * <p>Size caps ({@code -Dattn4j.props.maxDim}, {@code -Dattn4j.props.maxWork}) bound the work of one case
 * so 1,000 tries per property fit the CI budget; the emulated ARM runs lower them.
 */
final class Gen {
    /** Largest dimension generated. */
    static final int MAX_DIM = Integer.getInteger("attn4j.props.maxDim", 300);
    /** Largest number of multiply-adds in one generated call (m·n·k, l·s·(dk+dv), …). */
    static final long MAX_WORK = Long.getLong("attn4j.props.maxWork", 1L << 19);

    private static final int[] PRIMES = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 61, 67, 127, 131, 251, 257};

    private Gen() {
    }

    /** Floats per vector of the kernels under test (8 when they are not SIMD, the common AVX2 width). */
    static int lanes() {
        return Widths.lanes();
    }

    /** A dimension in [min, max], biased as the class comment says. */
    static Arbitrary<Integer> dim(int min, int max) {
        int hi = Math.min(max, MAX_DIM);
        int lanes = lanes();
        TreeSet<Integer> awkward = new TreeSet<>();
        for (int v : new int[]{lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 2 * lanes + 1, 4 * lanes + 3}) {
            if (v >= min && v <= hi) {
                awkward.add(v);
            }
        }
        List<Integer> primes = new ArrayList<>();
        for (int p : PRIMES) {
            if (p >= min && p <= hi) {
                primes.add(p);
            }
        }
        List<Tuple.Tuple2<Integer, Arbitrary<Integer>>> mix = new ArrayList<>();
        mix.add(Tuple.of(2, Arbitraries.just(Math.max(min, Math.min(1, hi)))));
        if (!awkward.isEmpty()) {
            mix.add(Tuple.of(3, Arbitraries.of(new ArrayList<>(awkward))));
        }
        if (!primes.isEmpty()) {
            mix.add(Tuple.of(2, Arbitraries.of(primes)));
        }
        mix.add(Tuple.of(2, Arbitraries.integers().between(min, Math.min(hi, 40))));
        mix.add(Tuple.of(3, Arbitraries.integers().between(min, hi)));
        if (min == 0) {
            mix.add(Tuple.of(1, Arbitraries.just(0)));
        }
        return Arbitraries.frequencyOf(mix);
    }

    /** Offsets (mostly 0) and leading-dimension excess (mostly 0, sometimes odd, sometimes a vector). */
    static Arbitrary<Layout> layout() {
        Arbitrary<Integer> off = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(1, 17)));
        Arbitrary<Integer> extra = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(1, 9)),
                Tuple.of(1, Arbitraries.just(lanes())));
        return Combinators.combine(off, extra).as(Layout::new);
    }

    static Arbitrary<Regime> regime() {
        return Arbitraries.of(Regime.class);
    }

    static Arbitrary<Long> seed() {
        return Arbitraries.longs();
    }

    /** α: the common 1, signs, 0 (C = β·C), and arbitrary values. */
    static Arbitrary<Float> alpha() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1f, -1f, 0.5f, 0f)),
                Tuple.of(2, Arbitraries.floats().between(-2f, 2f)));
    }

    /** β: 0 (C is not read; the tests fill it with NaN), 1 (accumulate), and arbitrary values. */
    static Arbitrary<Float> beta() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0f, 1f, -0.5f)),
                Tuple.of(2, Arbitraries.floats().between(-2f, 2f)));
    }

    /** Shrinks a shape until its work fits {@link #MAX_WORK}, halving the largest dimension first. */
    static int[] capWork(int[] dims, long perUnit) {
        int[] d = dims.clone();
        while (work(d) * perUnit > MAX_WORK) {
            int big = 0;
            for (int i = 1; i < d.length; i++) {
                if (d[i] > d[big]) {
                    big = i;
                }
            }
            d[big] = Math.max(1, d[big] / 2);
        }
        return d;
    }

    private static long work(int[] d) {
        long w = 1;
        for (int v : d) {
            w *= Math.max(1, v);
        }
        return w;
    }

    static Arbitrary<GemmCase> gemmCases() {
        Arbitrary<int[]> shape = Combinators.combine(dim(1, MAX_DIM), dim(1, MAX_DIM), dim(0, MAX_DIM))
                .as((m, n, k) -> capWork(new int[]{m, n, k}, 1));
        return shape.flatMap(s -> Combinators.combine(
                Arbitraries.of(false, true), Arbitraries.of(false, true), alpha(), beta(),
                layout(), layout(), layout(),
                Combinators.combine(regime(), regime(), seed()).as(Tuple::of)
        ).as((ta, tb, al, be, la, lb, lc, data) ->
                new GemmCase(s[0], s[1], s[2], ta, tb, al, be, la, lb, lc, data.get1(), data.get2(), data.get3())));
    }

    static Arbitrary<MaskSpec> maskSpec() {
        return Combinators.combine(
                Arbitraries.of(MaskSpec.Kind.class),
                Arbitraries.integers().between(-6, 6),
                Arbitraries.of(0.1, 0.5, 0.9),
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 9))),
                Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 5))),
                seed()).as(MaskSpec::new);
    }

    /** Softmax scales: 1, the attention scale of a few head sizes, negative, and arbitrary. */
    static Arbitrary<Float> softmaxScale() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(1f, 0.125f, (float) (1 / Math.sqrt(48)), -1f)),
                Tuple.of(1, Arbitraries.floats().between(-4f, 4f)));
    }

    static Arbitrary<SoftmaxCase> softmaxCases() {
        Arbitrary<int[]> shape = Combinators.combine(dim(1, MAX_DIM), dim(1, MAX_DIM))
                .as((r, c) -> capWork(new int[]{r, c}, 16));
        return shape.flatMap(s -> Combinators.combine(softmaxScale(), layout(), regime(), maskSpec(), seed())
                .as((sc, lx, rg, mk, sd) -> new SoftmaxCase(s[0], s[1], sc, lx, rg, mk, sd)));
    }

    static Arbitrary<WeightedSumCase> weightedSumCases() {
        Arbitrary<int[]> shape = Combinators.combine(dim(0, MAX_DIM), dim(1, MAX_DIM))
                .as((n, d) -> capWork(new int[]{n, d}, 4));
        Arbitrary<Integer> off = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0)), Tuple.of(2, Arbitraries.integers().between(1, 17)));
        return shape.flatMap(s -> Combinators.combine(off, layout(), off, regime(), regime(), seed())
                .as((wo, lv, oo, rw, rv, sd) -> new WeightedSumCase(s[0], s[1], wo, lv, oo, rw, rv, sd)));
    }

    static Arbitrary<FlashCase> flashCases() {
        return flashCases(ScaleChoice.ANY);
    }

    enum ScaleChoice { ANY, POSITIVE }

    static Arbitrary<FlashCase> flashCases(ScaleChoice choice) {
        Arbitrary<int[]> shape = Combinators.combine(dim(1, MAX_DIM), dim(0, MAX_DIM), dim(0, 128), dim(1, 128))
                .as((l, s, dk, dv) -> {
                    int[] c = capWork(new int[]{l, s, Math.max(1, dk + dv)}, 2);
                    // capWork may have shrunk dk+dv: keep the proportions
                    int sum = Math.max(1, dk + dv);
                    int dk2 = (int) ((long) dk * c[2] / sum);
                    int dv2 = Math.max(1, c[2] - dk2);
                    return new int[]{c[0], c[1], dk2, dv2};
                });
        Arbitrary<Float> scale = choice == ScaleChoice.POSITIVE
                ? Arbitraries.of(1f, 0.125f, 0.5f)
                : Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(1f, 0.125f, 0.5f, -0.5f)),
                Tuple.of(1, Arbitraries.floats().between(-2f, 2f)));
        return shape.flatMap(s -> Combinators.combine(
                scale.map(b -> s[2] == 0 ? b : (float) (b / Math.sqrt(s[2]))),
                layout(), layout(), layout(), layout(),
                Combinators.combine(regime(), regime()).as(Tuple::of),
                maskSpec(), seed()
        ).as((sc, lq, lk, lv, lo, rg, mk, sd) ->
                new FlashCase(s[0], s[1], s[2], s[3], sc, lq, lk, lv, lo, rg.get1(), rg.get2(), mk, sd)));
    }
}
