package dev.attn4j.parallel;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
        checkItems(count, item);
        checkParallelism(parallelism);
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

    /**
     * How long a helper of a {@link Team} waits, spinning, for the team's next batch before it returns its thread
     * to the executor. A parked pool thread here took 0.1–0.35 ms to start a task (the median 0.17 ms), paid once
     * per parallel region: six regions per MHA forward, 1 ms of every 2-thread forward at E = 512, N = 1024. A/B of
     * teams against a task per region (2 threads, one JVM): MHA forward N = 128 1.08×, 512 1.02×, 2048 1.006×.
     */
    static final long LINGER_NANOS = 500_000L;

    /**
     * A group of parallel regions run one after another by one calling thread (the steps of one GEMM, the phases of
     * one attention forward): each {@link #run} is {@link WorkItems#run}, but the helpers it hands to the executor
     * stay with the team between regions, spinning for at most {@link #LINGER_NANOS}, so that a region does not
     * wait for a parked pool thread to wake. {@link #close} sends them back at once. The scheduling guarantees are
     * those of {@link WorkItems#run}: the caller claims items too and never waits for a helper that has not started,
     * so a busy executor only makes the caller do more of the work. Its regions are the creating thread's: a run
     * from another thread (an item that calls back into the team) is a plain {@link WorkItems#run}. A
     * {@linkplain WorkItems#sharedTeam shared} team takes its regions from any thread, one region at a time: a run
     * while another is in progress (another caller's, or one from inside an item) is a plain {@link WorkItems#run}.
     */
    public static final class Team implements AutoCloseable {
        private final Executor executor;
        private final int parallelism;
        /** Helpers submitted and not yet returned (queued, running or waiting for a batch). */
        private final AtomicInteger live = new AtomicInteger();
        private volatile Batch posted;
        private volatile boolean closed;
        /** The thread whose regions the team runs, or null for a shared team (any thread, one region at a time). */
        private final Thread owner;
        /** Whether a region is in progress: a run meanwhile (from an item, or another caller) goes without the team. */
        private final AtomicBoolean running = new AtomicBoolean();
        /** How long a helper waits for the next region before it goes back to the executor. */
        private final long lingerNanos;

        private Team(Executor executor, int parallelism, Thread owner, long lingerNanos) {
            this.executor = executor;
            this.parallelism = parallelism;
            this.owner = owner;
            this.lingerNanos = lingerNanos;
        }

        /**
         * {@link WorkItems#run} on this team's helpers. A call from inside one of this team's items, from another
         * thread than the team's creator (unless the team is shared), or while another region of a shared team is
         * in progress, runs as a plain {@link WorkItems#run}.
         *
         * @throws IllegalStateException after {@link #close}
         */
        public void run(int count, IntConsumer item) {
            checkItems(count, item);
            if (closed) {
                throw new IllegalStateException("team is closed");
            }
            int wanted = Math.min(parallelism - 1, count - 1);
            if (executor == null || wanted <= 0 || owner != null && Thread.currentThread() != owner
                    || !running.compareAndSet(false, true)) {
                WorkItems.run(executor, parallelism, count, item);
                return;
            }
            try {
                Batch batch = new Batch(count, item, Thread.currentThread());
                posted = batch;
                // a helper that gives up waiting just as this batch is posted still counts here: this region then
                // runs with fewer helpers (on the caller alone at worst), the next one submits again
                while (live.get() < wanted) {
                    live.incrementAndGet();
                    try {
                        executor.execute(this::help);
                    } catch (RejectedExecutionException e) {
                        live.decrementAndGet();
                        break; // the caller takes the rest
                    }
                }
                batch.drain();
                batch.awaitAll();
            } finally {
                running.set(false);
            }
        }

        /** A helper: drains each batch posted while it waits, until the team closes or it has waited too long. */
        private void help() {
            try {
                Batch seen = null;
                long idleSince = System.nanoTime();
                while (!closed) {
                    Batch b = posted;
                    if (b != null && b != seen) {
                        seen = b;
                        b.drain();
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince > lingerNanos) {
                        return;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } finally {
                live.decrementAndGet();
            }
        }

        /** Sends the helpers back to the executor (they return within one spin); the team takes no more runs. */
        @Override
        public void close() {
            closed = true;
            posted = null;
        }
    }

    /**
     * A {@link Team} on the executor (null: every run on the calling thread) with this parallelism.
     *
     * @throws IllegalArgumentException if parallelism is below 1
     */
    public static Team team(Executor executor, int parallelism) {
        return team(executor, parallelism, LINGER_NANOS);
    }

    /** {@link #team(Executor, int)} with another linger (tests: a linger longer than any stall of a loaded host). */
    static Team team(Executor executor, int parallelism, long lingerNanos) {
        checkParallelism(parallelism);
        return new Team(executor, parallelism, Thread.currentThread(), lingerNanos);
    }

    /**
     * A {@link Team} whose regions may come from any thread, one at a time (a run while another is in progress is a
     * plain {@link WorkItems#run}), for an object that many threads call and nobody closes: its helpers go back to
     * the executor on their own, {@link #LINGER_NANOS} after the last region. So the executor lends a thread for at
     * most that long after each burst of calls, and nothing stays running.
     *
     * @throws IllegalArgumentException if parallelism is below 1
     */
    public static Team sharedTeam(Executor executor, int parallelism) {
        return sharedTeam(executor, parallelism, LINGER_NANOS);
    }

    /** {@link #sharedTeam(Executor, int)} with another linger (tests, as for {@link #team(Executor, int, long)}). */
    static Team sharedTeam(Executor executor, int parallelism, long lingerNanos) {
        checkParallelism(parallelism);
        return new Team(executor, parallelism, null, lingerNanos);
    }

    private static void checkItems(int count, IntConsumer item) {
        Objects.requireNonNull(item, "item");
        if (count < 0) {
            throw new IllegalArgumentException("count must be non-negative but was " + count);
        }
    }

    private static void checkParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1 but was " + parallelism);
        }
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
