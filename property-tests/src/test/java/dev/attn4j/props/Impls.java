package dev.attn4j.props;

import dev.attn4j.Kernels;

import java.util.List;

/** The kernels every differential property holds to the oracle. */
final class Impls {
    private Impls() {
    }

    /** {@link Kernels#best()} (SIMD when active) and the scalar fallback: the fast implementations. */
    static List<Kernels> fast() {
        Kernels best = Kernels.best();
        return best.name().equals("scalar") ? List.of(best) : List.of(best, Kernels.scalar());
    }
}
