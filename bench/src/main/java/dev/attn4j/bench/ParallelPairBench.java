package dev.attn4j.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The 2-thread speed-up of {@link ParallelBench}'s operations in one JMH run, with the 1-thread and the 2-thread
 * call in the same moment of the machine: each invocation of {@link #pair} runs one call of each on the states
 * {@link ParallelBench} sets up (1 thread; 2 threads, the caller plus a pool thread), in alternating order, and
 * times them apart. Per iteration the aux counters give the mean time of each ({@code oneThreadMs},
 * {@code twoThreadMs}) and {@code speedup}, the ratio of the two sums. Separate JMH runs of the two thread counts
 * (the {@code threads} parameter of {@link ParallelBench}) sit seconds to minutes apart, and on a shared machine
 * the second vCPU's share moves in that time; here a burst of other load falls on both calls of a pair.
 * The primary score is the time of a pair. JMH's summary line adds the counters of the iterations up (they are
 * events to it); the per-iteration lines and the JSON's {@code rawData} hold each iteration's values.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ParallelPairBench {

    @Param({"gemm", "attention8Heads", "mha"})
    public String op;

    @Param({"1024", "2048"})
    public int n;

    ParallelBench one;
    ParallelBench two;
    private QuickTimer.Body oneThread;
    private QuickTimer.Body twoThreads;

    @Setup(Level.Trial)
    public void setUp() {
        one = ParallelBench.state(1, n);
        two = ParallelBench.state(2, n);
        oneThread = ParallelBench.body(one, op);
        twoThreads = ParallelBench.body(two, op);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        one.tearDown();
        two.tearDown();
    }

    /** The times of one iteration's calls, reported per iteration (JMH reads the public non-void methods). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        private long oneNanos;
        private long twoNanos;
        private long pairs;

        @Setup(Level.Iteration)
        public void reset() {
            oneNanos = 0;
            twoNanos = 0;
            pairs = 0;
        }

        /** Mean time of the 1-thread calls, ms. */
        public double oneThreadMs() {
            return pairs == 0 ? 0 : oneNanos * 1e-6 / pairs;
        }

        /** Mean time of the 2-thread calls, ms. */
        public double twoThreadMs() {
            return pairs == 0 ? 0 : twoNanos * 1e-6 / pairs;
        }

        /** 1-thread time ÷ 2-thread time over the iteration's pairs. */
        public double speedup() {
            return twoNanos == 0 ? 0 : (double) oneNanos / twoNanos;
        }

        long pairs() {
            return pairs;
        }

        void add(long one, long two) {
            oneNanos += one;
            twoNanos += two;
            pairs++;
        }
    }

    /** One 1-thread call and one 2-thread call, the 1-thread call first in every other pair. */
    @Benchmark
    public void pair(Times t) throws Exception {
        boolean oneFirst = (t.pairs & 1) == 0;
        QuickTimer.Body first = oneFirst ? oneThread : twoThreads;
        QuickTimer.Body second = oneFirst ? twoThreads : oneThread;
        long s0 = System.nanoTime();
        first.run();
        long s1 = System.nanoTime();
        second.run();
        long s2 = System.nanoTime();
        if (oneFirst) {
            t.add(s1 - s0, s2 - s1);
        } else {
            t.add(s2 - s1, s1 - s0);
        }
    }
}
