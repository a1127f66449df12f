package io.shoprank.it;

import io.shoprank.job.JobConfig;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.source.EventTimeWatermarks;
import io.shoprank.job.source.JsonLinesFiles;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * The replay input of the savepoint fixture ({@link SavepointFixture}) and of {@link SavepointCompatibilityIT},
 * which must build the same job graph: lines {@code firstLine .. firstLine + count - 1} of an events file,
 * emitted in file order by one reader whose only state is its position (Flink's own number-sequence split, so
 * the source state is independent of where the file lies: CI checks the repository out elsewhere). The
 * generator holds the reader after the first {@code before} lines so that a stop-with-savepoint finds it
 * mid-stream; the test restores the reader at that position and lets it run to the end of the slice.
 *
 * <p>The job's own file source is not used because its split state holds the file's absolute path; its
 * production source (Kafka) keeps offsets whose format is the connector's contract. The fixture's source has
 * its own uid, {@link #SOURCE_UID}.
 */
public final class FixtureReplay {
    private FixtureReplay() {}

    public static final String SOURCE_UID = "fixture-source";
    public static final String MODEL_PROBE_UID = "fixture-model-versions";

    /** Released when the generator's reader has emitted its {@code before} records (same JVM as the MiniCluster). */
    static volatile CountDownLatch gateReached = new CountDownLatch(1);
    /** Model versions the updater published, in arrival order (same JVM as the MiniCluster). */
    static final ConcurrentLinkedQueue<Long> MODEL_VERSIONS = new ConcurrentLinkedQueue<>();

    /**
     * The parsed records of the slice, in file order, with event-time watermarks as the job's sources have,
     * sent through a global partitioner so that every record passes one route subtask in file order (as the
     * job's non-splittable file source does): each user's events keep their order.
     *
     * @param holdAfter records to emit before holding the reader forever (until stopped); negative: never hold
     */
    public static DataStream<ParsedRecord> records(StreamExecutionEnvironment env, JobConfig config, Path file,
                                                   int firstLine, int count, long holdAfter) {
        GeneratorFunction<Long, ParsedRecord> lines = new SliceLines(file.toString(), firstLine, count);
        DataGeneratorSource<ParsedRecord> source = holdAfter < 0
                ? new DataGeneratorSource<>(lines, count, TypeInformation.of(ParsedRecord.class))
                : new DataGeneratorSource<>(lines, count, new HoldAfter(holdAfter), TypeInformation.of(ParsedRecord.class));
        return env.fromSource(source, EventTimeWatermarks.forEvents(config.outOfOrderness, config.idleness),
                        "fixture replay: " + file.getFileName())
                .uid(SOURCE_UID)
                .setParallelism(1)
                .global();
    }

    /** Collects the model versions the updater publishes into {@link #MODEL_VERSIONS} (a stateless sink). */
    public static void probeModelVersions(DataStream<ModelDelta> modelVersions) {
        modelVersions.map(d -> d.version).returns(Types.LONG).name("model version").setParallelism(1)
                .sinkTo(new VersionProbe()).name("model version probe").uid(MODEL_PROBE_UID).setParallelism(1);
    }

    /** Line {@code firstLine + i} of the file, parsed, for record {@code i}. */
    static final class SliceLines implements GeneratorFunction<Long, ParsedRecord> {
        private static final long serialVersionUID = 1L;
        private final String file;
        private final int firstLine;
        private final int count;
        private transient String[] lines;
        private transient EventParser parser;

        SliceLines(String file, int firstLine, int count) {
            this.file = file;
            this.firstLine = firstLine;
            this.count = count;
        }

        @Override
        public void open(SourceReaderContext ctx) throws IOException {
            lines = readLines(Path.of(file), firstLine, count);
            parser = new EventParser();
        }

        @Override
        public ParsedRecord map(Long i) {
            ParsedRecord r = parser.parse(lines[Math.toIntExact(i)], "events");
            if (r.event != null) {
                r.event.ingestMs = System.currentTimeMillis();
            }
            return r;
        }
    }

    /** Lines {@code firstLine .. firstLine + count - 1} (0-based) of a replay file; fails if it has fewer. */
    public static String[] readLines(Path file, int firstLine, int count) throws IOException {
        List<String> out = new ArrayList<>(count);
        try (BufferedReader r = JsonLinesFiles.open(file)) {
            String line;
            for (int n = 0; out.size() < count && (line = r.readLine()) != null; n++) {
                if (n >= firstLine) out.add(line);
            }
        }
        if (out.size() < count) {
            throw new IllegalStateException(file + " has fewer than " + (firstLine + count) + " lines");
        }
        return out.toArray(new String[0]);
    }

    /** Lets {@code after} records through, then never again (the reader waits until the job is stopped). */
    static final class HoldAfter implements RateLimiterStrategy<NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;
        private final long after;

        HoldAfter(long after) {
            this.after = after;
        }

        @Override
        public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private long granted;

                @Override
                public CompletionStage<Void> acquire(int requests) {
                    // one request per record: the reader asks before each record it emits
                    if (granted < after) {
                        granted += requests;
                        return CompletableFuture.completedFuture(null);
                    }
                    gateReached.countDown();
                    return new CompletableFuture<>();
                }
            };
        }
    }

    static final class VersionProbe implements Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Long version, Context ctx) {
                    MODEL_VERSIONS.add(version);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
