package dev.attn4j.parallel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link WorkItems.Team}: the same guarantees as {@link WorkItems#run}, with helpers kept between regions. */
class WorkItemsTeamTest {
    private static ForkJoinPool pool;
    private static ExecutorService fixed;
    /**
     * The linger of the teams whose hand-overs are counted: 100 ms, longer than any stall of a loaded host between
     * two regions (the default 0.5 ms is not: a host that takes a vCPU away stretches a gap beyond it).
     */
    private static final long TEST_LINGER_NANOS = 100_000_000L;

    @BeforeAll
    static void start() {
        pool = new ForkJoinPool(8);
        fixed = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        fixed.shutdownNow();
    }

    /** Region after region, every item exactly once, on executors that run tasks at once, late or never. */
    @Test
    void everyItemOfEveryRegionRunsExactlyOnce() {
        Executor late = task -> fixed.execute(() -> {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        Executor rejecting = task -> {
            throw new RejectedExecutionException("full");
        };
        Executor[] executors = {pool, fixed, late, task -> { }, rejecting, null};
        for (Executor executor : executors) {
            for (int parallelism = 1; parallelism <= 5; parallelism++) {
                try (WorkItems.Team team = WorkItems.team(executor, parallelism)) {
                    for (int count = 0; count <= 23; count += count < 8 ? 1 : 5) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(count);
                        team.run(count, runs::incrementAndGet);
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, runs.get(i), "item " + i + " of " + count + " on " + parallelism
                                    + " threads, " + executor);
                        }
                    }
                }
            }
        }
    }

    /** The helpers of a team stay between regions: far fewer tasks handed to the executor than regions run. */
    @Test
    void helpersStayBetweenRegions() {
        AtomicInteger handed = new AtomicInteger();
        Executor counting = task -> {
            handed.incrementAndGet();
            pool.execute(task);
        };
        int regions = 40;
        // two threads, as many as the machines that run this suite have cores: a spinning helper beyond the cores
        // would take the caller's core away and stretch the gaps between regions
        try (WorkItems.Team team = WorkItems.team(counting, 2, TEST_LINGER_NANOS)) {
            // per region, at most the caller and one helper run items (parallelism 2); across a burst a helper that
            // left after a stretched gap is replaced by whichever pool thread takes the next task
            assertFewHandOvers(handed, regions, r -> {
                Set<Thread> threads = ConcurrentHashMap.newKeySet();
                team.run(64, i -> {
                    threads.add(Thread.currentThread());
                    spin(20_000);
                });
                assertTrue(threads.size() <= 2, "region " + r + " ran on " + threads.size() + " threads");
            });
        }
        // the same with plain WorkItems.run hands over a task per region
        handed.set(0);
        for (int r = 0; r < 5; r++) {
            WorkItems.run(counting, 2, 64, i -> spin(20_000));
        }
        assertEquals(5, handed.get());
    }

    /** After close, the helpers return to the executor and the team refuses further regions. */
    @Test
    void closeSendsTheHelpersBack() throws InterruptedException {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            WorkItems.Team team = WorkItems.team(one, 2);
            AtomicInteger runs = new AtomicInteger();
            team.run(100, i -> runs.incrementAndGet());
            team.close();
            assertEquals(100, runs.get());
            assertThrows(IllegalStateException.class, () -> team.run(1, i -> { }));
            // the single pool thread is free again: a task submitted now runs (a lingering helper would hold it
            // for LINGER_NANOS at most, a leaked one forever)
            assertThreadGivenBack(one);
        } finally {
            one.shutdownNow();
        }
    }

    /**
     * A shared team takes regions from any thread: callers running regions on it at the same time each get every
     * item of their own regions exactly once (one region at a time uses the team's helpers, the others run with a
     * task of their own).
     */
    @Test
    void sharedTeamRunsConcurrentCallersRegions() throws Exception {
        WorkItems.Team team = WorkItems.sharedTeam(pool, 3);
        int callers = 4;
        ExecutorService apps = Executors.newFixedThreadPool(callers);
        try {
            List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                int seed = t;
                done.add(apps.submit(() -> {
                    int regions = 0;
                    for (int r = 0; r < 200; r++) {
                        int count = 1 + (r * 7 + seed * 13) % 40;
                        AtomicIntegerArray runs = new AtomicIntegerArray(count);
                        team.run(count, i -> {
                            runs.incrementAndGet(i);
                            spin(2_000);
                        });
                        for (int i = 0; i < count; i++) {
                            assertEquals(1, runs.get(i), "item " + i + " of " + count + ", caller " + seed);
                        }
                        regions++;
                    }
                    return regions;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            apps.shutdownNow();
        }
    }

    /**
     * The helpers of a shared team stay between regions from different callers (one after another), and go back to
     * the executor on their own after the last region: a task submitted to the team's single-thread executor then
     * runs without anyone closing the team.
     */
    @Test
    void sharedTeamHelpersStayAcrossCallersAndLeaveOnTheirOwn() throws Exception {
        AtomicInteger handed = new AtomicInteger();
        ExecutorService one = Executors.newSingleThreadExecutor();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Executor counting = task -> {
                handed.incrementAndGet();
                one.execute(task);
            };
            WorkItems.Team team = WorkItems.sharedTeam(counting, 2, TEST_LINGER_NANOS);
            // bursts of regions alternating between this thread and another one
            assertFewHandOvers(handed, 40, r -> {
                if (r % 2 == 0) {
                    team.run(64, i -> spin(20_000));
                } else {
                    try {
                        other.submit(() -> team.run(64, i -> spin(20_000))).get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("region " + r + " on the other thread", e);
                    }
                }
            });
            assertThreadGivenBack(one);
        } finally {
            one.shutdownNow();
            other.shutdownNow();
        }
    }

    /** A failing item reaches the caller; the team stays usable; a region run from inside an item completes. */
    @Test
    void failuresAndNestedRegions() {
        try (WorkItems.Team team = WorkItems.team(pool, 4)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> team.run(50, i -> {
                if (i == 17) {
                    throw new IllegalStateException("item 17");
                }
            }));
            assertEquals("item 17", e.getMessage());
            AtomicInteger inner = new AtomicInteger();
            AtomicInteger outer = new AtomicInteger();
            AtomicInteger nested = new AtomicInteger();
            Thread caller = Thread.currentThread();
            team.run(8, i -> {
                outer.incrementAndGet();
                // from the caller's own items a nested region; from a helper's, a region of another thread: both
                // run as plain WorkItems.run and complete
                if (Thread.currentThread() == caller || i == 3) {
                    nested.incrementAndGet();
                    team.run(30, j -> inner.incrementAndGet());
                }
            });
            assertEquals(8, outer.get());
            assertTrue(nested.get() >= 1);
            assertEquals(30 * nested.get(), inner.get());
            AtomicInteger after = new AtomicInteger();
            team.run(20, i -> after.incrementAndGet());
            assertEquals(20, after.get());
        }
        assertThrows(IllegalArgumentException.class, () -> WorkItems.team(pool, 0));
        assertThrows(IllegalArgumentException.class, () -> WorkItems.sharedTeam(pool, 0));
    }

    /**
     * Runs bursts of {@code regions} regions ({@code region.accept(r)}) and asserts that one of five bursts handed
     * fewer than regions / 2 tasks to the executor. A helper leaves only after its linger without a region, so a
     * burst hands over a task only where a gap was that long. A team that hands over a task per region fails all
     * five.
     */
    private static void assertFewHandOvers(AtomicInteger handed, int regions, IntConsumer region) {
        List<String> bursts = new ArrayList<>();
        boolean met = false;
        for (int attempt = 0; attempt < 5 && !met; attempt++) {
            handed.set(0);
            for (int r = 0; r < regions; r++) {
                region.accept(r);
            }
            bursts.add(handed.get() + " tasks handed over for " + regions + " regions");
            met = handed.get() < regions / 2;
        }
        assertTrue(met, String.join("; ", bursts));
    }

    /** A task submitted to the single-thread executor runs, and the executor then shuts down: its thread is free. */
    private static void assertThreadGivenBack(ExecutorService one) throws InterruptedException {
        AtomicInteger after = new AtomicInteger();
        one.execute(after::incrementAndGet);
        one.shutdown();
        assertTrue(one.awaitTermination(10, TimeUnit.SECONDS), "the executor's thread was not given back");
        assertEquals(1, after.get());
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
