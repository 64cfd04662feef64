package dev.attn4j;

import dev.attn4j.parallel.WorkItems;

import java.util.concurrent.Executor;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Runs numbered work items on the calling thread, optionally helped by an {@link Executor}.
 *
 * <p>The items are fixed by the caller, independently of the number of threads; a thread only decides
 * <em>which</em> items it runs, never how an item computes. With kernels that are deterministic per
 * row this makes results bitwise identical for any executor and parallelism.
 *
 * <p>Scheduling is {@link WorkItems}': the calling thread works too and never waits for a task that has
 * not started, so a saturated or shared executor cannot deadlock a call.
 */
final class WorkSplitter {
    private final Executor executor;
    private final int parallelism;
    /** The calling thread's team while it runs {@link #inTeam}'s body. */
    private final ThreadLocal<WorkItems.Team> team = new ThreadLocal<>();

    /** @param executor null to run everything on the calling thread */
    WorkSplitter(Executor executor, int parallelism) {
        this.executor = executor;
        this.parallelism = executor == null ? 1 : parallelism;
    }

    int parallelism() {
        return parallelism;
    }

    /**
     * Runs {@code work.accept(i)} for i in [0, items); returns when all have run. The first exception
     * thrown by an item is rethrown (after every claimed item has finished).
     *
     * @param worthSplitting false for problems too small to repay handing items to other threads
     */
    void run(int items, boolean worthSplitting, IntConsumer work) {
        WorkItems.Team t = worthSplitting ? team.get() : null;
        if (t != null) {
            t.run(items, work);
        } else {
            // without an executor WorkItems runs every item on the calling thread, in order
            WorkItems.run(worthSplitting ? executor : null, parallelism, items, work);
        }
    }

    /**
     * Runs body on the calling thread with its {@link #run} calls on one {@link WorkItems.Team}: the helpers stay
     * between the parallel regions of one call (a forward's projections, copies and heads) instead of going back
     * to the executor after each. Nested calls join the outer team.
     */
    <T> T inTeam(Supplier<T> body) {
        if (executor == null || parallelism == 1 || team.get() != null) {
            return body.get();
        }
        try (WorkItems.Team t = WorkItems.team(executor, parallelism)) {
            team.set(t);
            return body.get();
        } finally {
            team.remove();
        }
    }
}
