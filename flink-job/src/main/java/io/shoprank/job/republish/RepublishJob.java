package io.shoprank.job.republish;

import io.shoprank.job.JobConfig;
import io.shoprank.job.sink.RedisSink;
import io.shoprank.job.trending.TrendingBoard;
import io.shoprank.job.trending.TrendingFunction;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Redis recovery: after Redis lost its data (FLUSHALL, a failover to an empty replica, a new instance), writes
 * every feature hash and list the job holds in state back into Redis, without replaying Kafka and without
 * touching the running job.
 *
 * <p>A bounded batch job on the State Processor API: it reads a savepoint (or a retained checkpoint) of the
 * job, per operator uid, and writes through the job's own {@link RedisSink}, built by the job's own publishing
 * functions. Every write carries the version the job published it with, so it is safe while the job runs:
 * a key the job rewrote since the snapshot holds a newer version and the republished one is skipped; the job's
 * next write for a key always has a newer version than the republished one and replaces it. What is
 * republished, and what is not: docs/ARCHITECTURE.md, "Redis recovery".
 *
 * <p>Arguments: {@code --snapshot PATH} (a savepoint or a {@code chk-N} directory), or
 * {@code --savepoint-of http://HOST:PORT} to have the running job take a savepoint through its REST API first
 * ({@code --job-id} when the cluster runs several jobs, {@code --savepoint-dir} when the cluster has no default);
 * every other argument is a job setting and must match the running job's (its {@code --redis},
 * {@code --namespace}, TTLs, {@code --k}, trending settings): pass the job's own arguments.
 */
public final class RepublishJob {
    private RepublishJob() {}

    static final String USAGE = String.join("\n",
            "Republishes every feature hash and list held in the job's state into Redis.",
            "  --snapshot PATH            savepoint directory, or a retained checkpoint's chk-N directory",
            "  --savepoint-of URL         instead: trigger a savepoint of the running job via its REST API (http://host:8081)",
            "  --job-id ID                with --savepoint-of, when the cluster runs more than one job",
            "  --savepoint-dir DIR        with --savepoint-of, when the cluster has no execution.checkpointing.savepoint-dir",
            "and the running job's own settings (at least --redis and --namespace; TTLs, --k and trending settings as the job has them):",
            JobConfig.describe());

    /** The parsed command line. */
    record Options(String snapshot, String savepointOf, String jobId, String savepointDir, JobConfig config) {
        static Options parse(String[] args) {
            String snapshot = null;
            String savepointOf = null;
            String jobId = null;
            String savepointDir = null;
            List<String> jobArgs = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                boolean own = switch (a) {
                    case "--snapshot", "--savepoint-of", "--job-id", "--savepoint-dir" -> true;
                    default -> false;
                };
                if (!own) {
                    jobArgs.add(a);
                    continue;
                }
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--snapshot" -> snapshot = v;
                    case "--savepoint-of" -> savepointOf = v;
                    case "--job-id" -> jobId = v;
                    default -> savepointDir = v;
                }
            }
            if ((snapshot == null) == (savepointOf == null)) {
                throw new IllegalArgumentException("give exactly one of --snapshot PATH and --savepoint-of URL");
            }
            if (savepointOf == null && (jobId != null || savepointDir != null)) {
                throw new IllegalArgumentException("--job-id and --savepoint-dir go with --savepoint-of");
            }
            // the job's sources are not used: a copy of a file job's or a Kafka job's arguments both work
            if (!jobArgs.contains("--source") && !jobArgs.contains("--events")) {
                jobArgs.add("--source");
                jobArgs.add("kafka");
            }
            return new Options(snapshot, savepointOf, jobId, savepointDir,
                    JobConfig.fromArgs(jobArgs.toArray(new String[0])));
        }
    }

    /** What a run wrote: writes per kind, keys left out per kind (no published list kept), and how long it took. */
    public record Summary(Map<StoreWrite.Kind, Long> writes, Map<StoreWrite.Kind, Long> skipped, long millis) {
        static Summary of(Map<String, Object> accumulators, long millis) {
            Map<StoreWrite.Kind, Long> writes = new EnumMap<>(StoreWrite.Kind.class);
            Map<StoreWrite.Kind, Long> skipped = new EnumMap<>(StoreWrite.Kind.class);
            for (StoreWrite.Kind k : StoreWrite.Kind.values()) {
                writes.put(k, count(accumulators.get(StateReaders.writesAccumulator(k))));
                skipped.put(k, count(accumulators.get(StateReaders.skippedAccumulator(k))));
            }
            return new Summary(writes, skipped, millis);
        }

        private static long count(Object accumulator) {
            return accumulator == null ? 0 : ((Number) accumulator).longValue();
        }

        /** Writes of every kind; a list write sets two keys (list and meta), a feature write one. */
        public long total() {
            return writes.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Seconds per million writes at this run's pace, start-up included. */
        public double secondsPerMillion() {
            return total() == 0 ? 0 : millis / 1000.0 * 1_000_000 / total();
        }

        public String describe() {
            Map<String, Long> parts = new LinkedHashMap<>();
            parts.put("user feature hashes", writes.get(StoreWrite.Kind.USER_FEATURES));
            parts.put("item feature hashes", writes.get(StoreWrite.Kind.ITEM_FEATURES));
            parts.put("recommendation lists", writes.get(StoreWrite.Kind.RECOMMENDATIONS));
            parts.put("similar-items lists", writes.get(StoreWrite.Kind.SIMILAR_ITEMS));
            parts.put("trending lists", writes.get(StoreWrite.Kind.TRENDING) + writes.get(StoreWrite.Kind.CATEGORY_TRENDING));
            StringBuilder s = new StringBuilder();
            s.append(String.format("Republished %,d values in %.1f s (%.0f s per million, start-up included):%n",
                    total(), millis / 1000.0, secondsPerMillion()));
            parts.forEach((name, n) -> s.append(String.format("  %-22s %,12d%n", name, n)));
            long notKept = skipped.values().stream().mapToLong(Long::longValue).sum();
            if (notKept > 0) {
                s.append(String.format("  not republished: %,d recommendation and %,d similar-items lists whose state "
                                + "predates the kept list (they come back with the key's next update)%n",
                        skipped.get(StoreWrite.Kind.RECOMMENDATIONS), skipped.get(StoreWrite.Kind.SIMILAR_ITEMS)));
            }
            return s.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            System.out.println(USAGE);
            return;
        }
        run(StreamExecutionEnvironment.getExecutionEnvironment(), args, System.out);
    }

    /** Parses {@code args}, takes the savepoint if asked to, republishes, and prints what it wrote. */
    public static Summary run(StreamExecutionEnvironment env, String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args);
        String snapshot = o.snapshot();
        if (snapshot == null) {
            out.println("Triggering a savepoint of the running job at " + o.savepointOf() + " ...");
            long start = System.nanoTime();
            snapshot = triggerSavepoint(URI.create(o.savepointOf()), o.jobId(), o.savepointDir());
            out.printf("Savepoint %s taken in %.1f s (delete it when done, it is not in the operator's history)%n",
                    snapshot, (System.nanoTime() - start) / 1e9);
        }
        out.printf("Republishing %s into %s (namespace %s), parallelism %d ...%n", snapshot,
                redact(o.config().redisUrl), o.config().namespace, o.config().parallelism);
        Summary summary = republish(env, snapshot, o.config());
        out.print(summary.describe());
        return summary;
    }

    /** Runs the republication of {@code snapshot} into the Redis of {@code config}. */
    public static Summary republish(StreamExecutionEnvironment env, String snapshot, JobConfig config) throws Exception {
        build(env, snapshot, config);
        JobExecutionResult r = env.execute("shoprank republish " + snapshot);
        return Summary.of(r.getAllAccumulatorResults(), r.getNetRuntime(TimeUnit.MILLISECONDS));
    }

    /** Adds the republication dataflow: every operator's state, as Redis writes, into the job's Redis sink. */
    static void build(StreamExecutionEnvironment env, String snapshot, JobConfig config) throws IOException {
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(config.parallelism);
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(c);
        // RocksDB, as the job runs: reads canonical and native savepoints and incremental checkpoints alike
        SavepointReader state = SavepointReader.read(env, snapshot, new EmbeddedRocksDBStateBackend());
        TypeInformation<StoreWrite> writes = TypeInformation.of(StoreWrite.class);

        DataStream<StoreWrite> users = state.readKeyedState(OperatorIdentifier.forUid("user-features"),
                new StateReaders.UserFeatures(config.stateTtl, config.redisTtl), Types.STRING, writes);
        DataStream<StoreWrite> items = state.readKeyedState(OperatorIdentifier.forUid("item-features"),
                new StateReaders.ItemFeatures(config.stateTtl, config.redisTtl, config.trendingHalfLife),
                Types.STRING, writes);
        DataStream<StoreWrite> similar = state.readKeyedState(OperatorIdentifier.forUid("co-visitation"),
                new StateReaders.SimilarItems(config.stateTtl, config.redisTtl), Types.STRING, writes);
        DataStream<StoreWrite> recommendations = state.readKeyedState(OperatorIdentifier.forUid("recommend"),
                new StateReaders.Recommendations(config.stateTtl, config.redisTtl, config.exclude), Types.STRING, writes);

        TypeInformation<StateReaders.TrendingPart> part = TypeInformation.of(StateReaders.TrendingPart.class);
        DataStream<StateReaders.TrendingPart> board = state.readListState(OperatorIdentifier.forUid("trending"),
                        TrendingFunction.BOARD_STATE, TypeInformation.of(TrendingBoard.Entry.class))
                .map(StateReaders.TrendingPart::of, part);
        DataStream<StateReaders.TrendingPart> version = state.readListState(OperatorIdentifier.forUid("trending"),
                        TrendingFunction.VERSION_STATE, Types.LONG)
                .map(StateReaders.TrendingPart::of, part);
        DataStream<StoreWrite> trending = board.union(version)
                .fullWindowPartition()
                .mapPartition(new StateReaders.Trending(config.trendingSize, 2 * config.k, config.trendingHalfLife,
                        config.redisTtl))
                .returns(writes)
                .setParallelism(1).name("trending lists");

        users.union(items, similar, recommendations, trending)
                .map(new StateReaders.CountWrites(), writes).name("count")
                .sinkTo(new RedisSink(config.redisUrl, config.namespace, config.redisBatch, config.redisLinger))
                .name("redis");
    }

    /** Has the running job take a canonical savepoint through the cluster's REST API; returns its path. */
    static String triggerSavepoint(URI rest, String jobId, String savepointDir) throws Exception {
        Configuration c = new Configuration();
        c.set(RestOptions.ADDRESS, rest.getHost());
        c.set(RestOptions.PORT, rest.getPort() > 0 ? rest.getPort() : 8081);
        try (RestClusterClient<StandaloneClusterId> client = new RestClusterClient<>(c, StandaloneClusterId.getInstance())) {
            JobID id = jobId != null ? JobID.fromHexString(jobId) : runningJob(client.listJobs().get());
            return client.triggerSavepoint(id, savepointDir, SavepointFormatType.CANONICAL).get();
        }
    }

    /** The one running job of a cluster. */
    static JobID runningJob(Collection<JobStatusMessage> jobs) {
        List<JobStatusMessage> running = jobs.stream().filter(j -> !j.getJobState().isGloballyTerminalState()).toList();
        if (running.size() != 1) {
            throw new IllegalStateException("expected one running job, found " + running.size() + " ("
                    + running.stream().map(j -> j.getJobId() + " " + j.getJobName() + " " + j.getJobState()).toList()
                    + "): pass --job-id");
        }
        return running.get(0).getJobId();
    }

    private static String redact(String url) {
        return url.replaceFirst("//.*@", "//***@");
    }
}
