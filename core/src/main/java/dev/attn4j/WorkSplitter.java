package dev.attn4j;

import dev.attn4j.parallel.WorkItems;

import java.util.concurrent.Executor;
import java.util.function.IntConsumer;

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
    private final int parallelism;
    /**
     * The one team of this splitter's calls, shared by the threads that call it: its helpers stay between the
     * regions of a call (a forward's projections, copies and heads) and from one call to the next (a forward per
     * layer or per decoding step), and go back to the executor {@code WorkItems.LINGER_NANOS} after the last
     * region. A region run while another is in progress (another thread's, or one from inside an item) gets a task
     * of its own. Null without an executor or with parallelism 1.
     */
    private final WorkItems.Team shared;

    /** @param executor null to run everything on the calling thread */
    WorkSplitter(Executor executor, int parallelism) {
        this.parallelism = executor == null ? 1 : parallelism;
        this.shared = executor == null || this.parallelism == 1 ? null : WorkItems.sharedTeam(executor, parallelism);
    }

    int parallelism() {
        return parallelism;
    }

    /**
     * Runs {@code work.accept(i)} for i in [0, items) on this splitter's team; returns when all have run. The first
     * exception thrown by an item is rethrown (after every claimed item has finished).
     *
     * @param worthSplitting false for problems too small to repay handing items to other threads
     */
    void run(int items, boolean worthSplitting, IntConsumer work) {
        if (worthSplitting && shared != null) {
            shared.run(items, work);
        } else {
            // without an executor WorkItems runs every item on the calling thread, in order
            WorkItems.run(null, 1, items, work);
        }
    }
}
