package dev.attn4j;

import dev.attn4j.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The usage example proposed for the README, kept compiling and running. */
class ReadmeExampleTest {
    @Test
    void readmeExample() throws IOException {
        Path path = GoldenTest.fixture("mha_nobias.safetensors");
        float[] data = new float[2 * 5 * 6];
        boolean[] padding = new boolean[2 * 5];
        // --- README ---
        try (SafeTensors st = SafeTensors.open(path)) {                                 // weights saved from PyTorch
            MultiHeadAttention mha = MultiHeadAttention.fromPyTorch(st, "attn.", 3);      // E, kdim, vdim, bias from shapes
            Tensor x = Tensor.wrap(data, 2, 5, 6);                                        // [B, L, E], batch-first
            Tensor y = mha.forward(x, AttentionMask.causal());                           // fused kernel → [B, L, E]
            MultiHeadAttention.Result r = mha.forwardWithWeights(x, x, x,
                    AttentionMask.keyPadding(padding, 2, 5), true);                      // + weights [B, L, S]
            KvCache cache = mha.newCache(2, 64);                                          // incremental decoding
            Tensor step = mha.forward(x, x, x, cache);                                    // appends K, V; causal
            cache.truncate(cache.length() - 1);                                           // roll back (drafts, beams)
            // --- end ---
            assertEquals(4, cache.length());
            assertArrayEquals(new int[]{2, 5, 6}, y.shape());
            assertArrayEquals(new int[]{2, 5, 5}, r.weights().shape());
            assertArrayEquals(y.data(), step.data()); // a prefill through the cache is the causal forward here
        }
    }
}
