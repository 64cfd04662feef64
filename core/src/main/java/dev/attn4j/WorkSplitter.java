package dev.attn4j;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs numbered work items on the calling thread, optionally helped by an {@link Executor}.
 *
 * <p>The items are fixed by the caller, independently of the number of threads; a thread only decides
 * <em>which</em> items it runs, never how an item computes. With kernels that are deterministic per
 * row this makes results bitwise identical for any executor and parallelism.
 *
 * <p>The calling thread always works too and waits only for items another thread has already claimed,
 * never for a helper task to start; so a saturated or shared executor (even one whose threads are
 * themselves inside such a call) cannot deadlock it, and no thread is ever created here.
 */
final class WorkSplitter {
    private final Executor executor;
    private final int parallelism;

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
        if (parallelism <= 1 || items <= 1 || !worthSplitting) {
            for (int i = 0; i < items; i++) {
                work.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object lock = new Object();
        Runnable worker = () -> {
            int i;
            while ((i = next.getAndIncrement()) < items) {
                try {
                    if (failure.get() == null) {
                        work.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (done.incrementAndGet() == items) {
                        synchronized (lock) {
                            lock.notifyAll();
                        }
                    }
                }
            }
        };
        int helpers = Math.min(parallelism, items) - 1;
        for (int t = 0; t < helpers; t++) {
            try {
                executor.execute(worker);
            } catch (RejectedExecutionException e) {
                break; // the calling thread does the rest
            }
        }
        worker.run();
        boolean interrupted = false;
        synchronized (lock) {
            while (done.get() < items) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // finish: the caller's arrays are being written by the helpers
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
