package dev.attn4j;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkSplitterTest {
    @Test
    void everyItemRunsExactlyOnce() {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int items : new int[]{0, 1, 2, 7, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, items));
                new WorkSplitter(pool, 4).run(items, true, runs::incrementAndGet);
                for (int i = 0; i < items; i++) {
                    assertEquals(1, runs.get(i), "item " + i + " of " + items);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Helper tasks that never start (a saturated executor) cannot block the caller: it does every item itself. */
    @Test
    void neverWaitsForTasksThatHaveNotStarted() {
        List<Runnable> parked = new ArrayList<>();
        AtomicIntegerArray runs = new AtomicIntegerArray(50);
        new WorkSplitter(parked::add, 8).run(50, true, runs::incrementAndGet);
        assertEquals(7, parked.size(), "helpers were offered");
        for (int i = 0; i < 50; i++) {
            assertEquals(1, runs.get(i));
        }
        parked.forEach(Runnable::run); // late helpers find nothing left to do
        for (int i = 0; i < 50; i++) {
            assertEquals(1, runs.get(i));
        }
    }

    @Test
    void anItemsExceptionReachesTheCaller() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new WorkSplitter(pool, 3)
                    .run(100, true, i -> {
                        if (i == 37) {
                            throw new IllegalStateException("item 37");
                        }
                    }));
            assertEquals("item 37", e.getMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void withoutExecutorEverythingRunsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        new WorkSplitter(null, 8).run(20, true, i -> assertTrue(Thread.currentThread() == caller));
        assertEquals(1, new WorkSplitter(null, 8).parallelism());
    }
}
