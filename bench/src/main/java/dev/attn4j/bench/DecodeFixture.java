package dev.attn4j.bench;

import dev.attn4j.KvCache;
import dev.attn4j.MultiHeadAttention;
import dev.attn4j.Tensor;

import java.util.Objects;
import java.util.Random;

/**
 * A {@link KvCache} that a decode benchmark brings back to the same length before every step.
 *
 * <p>A step ({@code mha.forward(token, token, token, cache)}) appends one token; before each timed step,
 * untimed, {@link #refill} {@link KvCache#truncate truncates} the cache back to {@code cached} tokens. The
 * cache is filled once with {@code maxCached} random stand-ins for projected tokens (one array serves as keys
 * and values): the cost of a step depends on the cache length, not on the values. (Rewriting the cached
 * tokens before every step, as this fixture first did, evicted the projection weights from the caches and
 * doubled the time of a 1,024-token step; a decoding loop never rewrites its cache.)
 */
final class DecodeFixture {
    private final KvCache cache;
    private final float[] kv;
    private final int maxCached;
    private final Tensor token;

    /**
     * A batch-1 cache for {@code mha} able to hold {@code maxCached} earlier tokens plus the step's own.
     *
     * @throws IllegalArgumentException if maxCached is below 1
     */
    DecodeFixture(MultiHeadAttention mha, int maxCached, long seed) {
        Objects.requireNonNull(mha, "mha");
        if (maxCached < 1) {
            throw new IllegalArgumentException("maxCached must be ≥ 1 but was " + maxCached);
        }
        this.cache = mha.newCache(1, maxCached + 1);
        this.maxCached = maxCached;
        Random r = new Random(seed);
        this.kv = QuickBench.random(r, maxCached * mha.kvHeads() * mha.headDim());
        this.token = Tensor.wrap(QuickBench.random(r, mha.embedDim()), 1, 1, mha.embedDim());
        cache.append(kv, 0, kv, 0, maxCached);
    }

    /**
     * Brings the cache to its first {@code cached} stand-in tokens (refilling it first if a longer length was
     * truncated away).
     *
     * @throws IllegalArgumentException if cached is outside [0, maxCached]
     */
    void refill(int cached) {
        if (cached < 0 || cached > maxCached) {
            throw new IllegalArgumentException("cached " + cached + " outside [0, " + maxCached + "]");
        }
        if (cache.length() < cached) {
            cache.reset();
            cache.append(kv, 0, kv, 0, maxCached);
        }
        cache.truncate(cached);
    }

    /** One decode step of {@code mha} (whose heads and width must be those this fixture was made for). */
    Tensor step(MultiHeadAttention mha) {
        return mha.forward(token, token, token, cache);
    }

    KvCache cache() {
        return cache;
    }
}
