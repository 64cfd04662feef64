package dev.attn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attn4j.Kernels;
import dev.attn4j.ScoreMask;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class ParallelTimelineTest {
    /**
     * The recorder passes every call through unchanged (the 2-thread output is bitwise the base kernels' own) and
     * records one entry per work item of the parallel kernels, each with its thread and a start before its end.
     */
    @Test
    void recorderDelegatesAndRecordsEveryItem() {
        int n = 1024;
        int ld = 8 * 64;
        Random r = new Random(5);
        float[] q = QuickBench.random(r, n * ld);
        float[] k = QuickBench.random(r, n * ld);
        float[] v = QuickBench.random(r, n * ld);
        Kernels best = Kernels.best();
        float[] want = new float[n * ld];
        best.flashAttention(n, n, 64, 64, 0.125f, q, 64, ld, k, 64, ld, v, 64, ld, ScoreMask.none(), want, 64, ld);
        ParallelTimeline.Recorder rec = new ParallelTimeline.Recorder(best);
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            float[] got = new float[n * ld];
            rec.reset(Thread.currentThread());
            rec.parallel(pool, 2).flashAttention(n, n, 64, 64, 0.125f, q, 64, ld, k, 64, ld, v, 64, ld,
                    ScoreMask.none(), got, 64, ld);
            assertArrayEquals(want, got);
            int items = rec.count();
            assertTrue(items >= 2, "a 1024-query head splits into several items, recorded " + items);
            for (int i = 0; i < items; i++) {
                assertTrue(rec.start[i] <= rec.end[i], "item " + i);
            }
            // one plain call on the recorder itself is one item, on the calling thread
            rec.reset(Thread.currentThread());
            rec.flashAttention(n, n, 64, 64, 0.125f, q, 64, ld, k, 64, ld, v, 64, ld, ScoreMask.none(), got, 64, ld);
            assertEquals(1, rec.count());
            assertTrue(rec.caller[0]);
            assertArrayEquals(want, got);
        } finally {
            pool.shutdownNow();
        }
    }
}
