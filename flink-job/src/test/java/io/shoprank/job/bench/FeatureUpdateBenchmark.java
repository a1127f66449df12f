package io.shoprank.job.bench;

import io.shoprank.job.events.Event;
import io.shoprank.job.features.ItemProfile;
import io.shoprank.job.features.UserProfile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-event feature work of the user-features and item-features operators without Flink and RocksDB: fold
 * the event into the key's profile and build the published fields (what becomes the Redis hash).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class FeatureUpdateBenchmark {
    private static final double HALF_LIFE_MS = 6 * 3_600_000.0;

    private Event[] events;
    private final Map<String, UserProfile> users = new HashMap<>();
    private final Map<String, ItemProfile> items = new HashMap<>();
    private int next;

    @Setup
    public void setUp() throws Exception {
        events = BenchData.itemEvents();
    }

    private Event nextEvent() {
        Event e = events[next++];
        if (next == events.length) {
            next = 0;
            BenchData.shiftForNextCycle(events);
        }
        return e;
    }

    @Benchmark
    public String[][] userFeatures() {
        Event e = nextEvent();
        UserProfile p = users.computeIfAbsent(e.user, u -> UserProfile.empty());
        p.apply(e);
        return p.fields();
    }

    @Benchmark
    public String[][] itemFeatures() {
        Event e = nextEvent();
        ItemProfile p = items.computeIfAbsent(e.item, i -> ItemProfile.empty());
        p.apply(e, HALF_LIFE_MS);
        return p.fields(p.lastEvent, HALF_LIFE_MS);
    }
}
