package dev.attn4j.props;

import dev.attn4j.KvCache;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Examples pinned from problems found while writing {@link MhaProperties}. */
class MhaRegressionTest {

    /**
     * An unbatched query [L, E] with a KvCache was refused with a message blaming the cache ("cache: expected
     * batch 1 … but was KvCache[batch=1 …]") although the cache was right; the message must name the query,
     * its shape and the batched shape the cache path needs — and nothing may be appended.
     */
    @Test
    void unbatchedQueryWithACacheNamesTheQuery() {
        MhaCase c = new MhaCase(2, 4, 1, 0, 0, 1, 1, 1, MhaCase.Kind.NONE, true, false, 1f, 1);
        MultiHeadAttention m = c.build(c.data(), MhaProperties.simd());
        KvCache cache = m.newCache(1, 4);
        Tensor x = Tensor.zeros(1, c.e());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.forward(x, x, x, cache));
        assertTrue(e.getMessage().startsWith("query: expected [B, L, 8] (batched) with a KvCache but was [1, 8]"),
                e.getMessage());
        assertEquals(0, cache.length());
    }
}
