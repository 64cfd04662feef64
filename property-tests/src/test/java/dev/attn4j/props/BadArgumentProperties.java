package dev.attn4j.props;

import dev.attn4j.Kernels;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;

/**
 * Every bad argument gets a clear exception before any write: generated calls with one bad argument
 * each (null arrays, negative dimensions and offsets, views past the array end, leading dimensions too
 * small or overflowing int, sizes whose product overflows int, outputs overlapping inputs, masks too
 * small or with negative offsets) must throw IllegalArgumentException — NullPointerException for nulls —
 * whose message names the argument and its shape or value, and leave the output and every input
 * bit for bit unchanged. Counts per kind are in the suite summary ("bad args: …").
 */
class BadArgumentProperties {

    @Provide
    Arbitrary<BadCall> badCalls() {
        // kind first (uniform over all kinds), then an op it applies to: every kind gets its share
        return Arbitraries.of(BadCall.Kind.class).flatMap(kind -> Combinators.combine(
                Arbitraries.of(BadCall.OPS.stream().filter(op -> BadCall.kinds(op).contains(kind)).toList()),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(2, 12), Arbitraries.integers().between(2, 12),
                Arbitraries.integers().between(2, 12), Arbitraries.integers().between(2, 12),
                Arbitraries.longs()
        ).as((op, which, amount, d1, d2, d3, d4, seed) -> BadCall.of(op, kind, which, amount, d1, d2, d3, d4, seed)));
    }

    /** Edge-case mixing off: it would make most tries the first kind and op. */
    @Property(edgeCases = EdgeCasesMode.NONE)
    void badArgumentsThrowNamingTheArgumentAndWriteNothing(@ForAll("badCalls") BadCall bad) {
        for (Kernels kern : List.of(Kernels.best(), Kernels.reference())) {
            float[] outBefore = bad.output() == null ? null : Checks.copy(bad.output());
            List<float[]> inBefore = new ArrayList<>();
            for (float[] x : bad.inputs()) {
                inBefore.add(Checks.copy(x));
            }
            RuntimeException thrown = null;
            try {
                bad.call().accept(kern);
            } catch (RuntimeException e) {
                thrown = e;
            }
            if (thrown == null) {
                throw new AssertionError(kern.name() + ": no exception for " + bad);
            }
            if (thrown.getClass() != bad.type()) {
                throw new AssertionError(kern.name() + ": " + thrown + " instead of " + bad.type().getSimpleName()
                        + " for " + bad, thrown);
            }
            String msg = String.valueOf(thrown.getMessage());
            for (String f : bad.fragments()) {
                boolean ok = bad.type() == NullPointerException.class ? msg.equals(f) : msg.contains(f);
                if (!ok) {
                    throw new AssertionError(kern.name() + ": message \"" + msg + "\" does not name \"" + f + "\" for "
                            + bad, thrown);
                }
            }
            if (bad.fragments().isEmpty()) {
                throw new AssertionError("no expectation built for " + bad);
            }
            if (outBefore != null && !Checks.bitsEqual(outBefore, bad.output())) {
                throw new AssertionError(kern.name() + ": output written before the exception for " + bad);
            }
            for (int i = 0; i < inBefore.size(); i++) {
                if (!Checks.bitsEqual(inBefore.get(i), bad.inputs().get(i))) {
                    throw new AssertionError(kern.name() + ": input " + i + " changed for " + bad);
                }
            }
        }
        Cases.count("bad args: " + bad.kind());
        Cases.count("bad args (per op): " + bad.op());
    }
}
