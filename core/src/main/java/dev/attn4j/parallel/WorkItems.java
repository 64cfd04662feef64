package dev.attn4j.parallel;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs {@code count} independent work items on the caller's thread plus up to {@code parallelism − 1}
 * tasks submitted to a caller-supplied executor.
 *
 * <p>Items are claimed from a shared counter, and the calling thread claims items too. It waits only
 * for items that another thread has already claimed and is running, never for a task still queued, so
 * a busy or saturated executor (or a caller that is itself one of the executor's threads) cannot
 * deadlock the call: at worst the caller does all the work. No thread is created here and nothing is
 * left running after {@link #run} returns, except tasks that found no item left and exit at once.
 */
public final class WorkItems {
    private WorkItems() {
    }

    /**
     * Runs {@code item.accept(i)} for every i in [0, count), each exactly once, and returns when all are done.
     * The first exception or error thrown by an item is rethrown here after the others finish.
     *
     * @throws IllegalArgumentException if count is negative or parallelism is below 1
     */
    public static void run(Executor executor, int parallelism, int count, IntConsumer item) {
        Objects.requireNonNull(item, "item");
        if (count < 0) {
            throw new IllegalArgumentException("count must be non-negative but was " + count);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1 but was " + parallelism);
        }
        if (count == 0) {
            return;
        }
        int helpers = Math.min(parallelism - 1, count - 1);
        if (executor == null || helpers == 0) {
            for (int i = 0; i < count; i++) {
                item.accept(i);
            }
            return;
        }
        Batch batch = new Batch(count, item, Thread.currentThread());
        for (int h = 0; h < helpers; h++) {
            try {
                executor.execute(batch::drain);
            } catch (RejectedExecutionException e) {
                break; // the caller takes the rest
            }
        }
        batch.drain();
        batch.awaitAll();
    }

    private static final class Batch {
        private final int count;
        private final IntConsumer item;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Batch(int count, IntConsumer item, Thread caller) {
            this.count = count;
            this.item = item;
            this.caller = caller;
            this.remaining = new AtomicInteger(count);
        }

        void drain() {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) {
                        item.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void awaitAll() {
            boolean interrupted = false;
            while (remaining.get() > 0) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true; // finish the call: items in flight write into the caller's arrays
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
}
