package dev.attn4j.simd;

import dev.attn4j.Kernels;

/** Run in a forked JVM by {@link ProviderSelectionTest}: asks for the best kernels twice and prints their name. */
public final class PrintBest {
    private PrintBest() {
    }

    public static void main(String[] args) {
        Kernels first = Kernels.best();
        Kernels second = Kernels.best();
        System.out.println("kernels=" + first.name() + " same=" + (first == second));
    }
}
