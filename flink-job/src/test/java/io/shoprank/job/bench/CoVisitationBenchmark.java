package io.shoprank.job.bench;

import io.shoprank.job.covisit.Neighbours;
import io.shoprank.job.covisit.UserSequence;
import io.shoprank.job.events.Event;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Co-visitation's pure-Java steps: a user's sequence turning an event into pair updates (user-sequence
 * operator), and ranking an item's neighbour table into its top list (co-visitation operator, on every touch;
 * the table holds up to 2 x --max-neighbours entries).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class CoVisitationBenchmark {
    private Event[] events;
    private final Map<String, UserSequence> sequences = new HashMap<>();
    private int next;

    /** An item's neighbour table as the co-visitation operator reads it from MapState. */
    @State(Scope.Thread)
    public static class Table {
        @Param({"10", "200"})
        public int tableSize;
        List<Map.Entry<String, Double>> entries;

        @Setup
        public void setUp() throws Exception {
            Event[] events = BenchData.itemEvents();
            SplittableRandom r = new SplittableRandom(1);
            entries = new ArrayList<>();
            for (int i = 0; i < tableSize; i++) {
                entries.add(Map.entry(events[r.nextInt(events.length)].item + "#" + i, 1 + r.nextInt(40) / 4.0));
            }
        }
    }

    @Setup
    public void setUp() throws Exception {
        events = BenchData.itemEvents();
    }

    @Benchmark
    public UserSequence.Pairs userSequence() {
        Event e = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        UserSequence s = sequences.computeIfAbsent(e.user, u -> new UserSequence());
        UserSequence.Pairs pairs = s.pairsFor(e);
        s.append(e, 5);
        return pairs;
    }

    @Benchmark
    public Neighbours.Ranked neighboursTop100(Table table) {
        return Neighbours.top(table.entries, 100);
    }
}
