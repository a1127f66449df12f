package io.shoprank.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.job.ranking.UserRanking;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.KeySchema;
import io.shoprank.store.Recommendations;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;
import redis.clients.jedis.Jedis;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Generates a savepoint fixture for {@link SavepointCompatibilityIT}: runs the current job on the first slice of
 * an events file (into a throw-away redis-server), holds the replay after {@code --before} events, stops the
 * job with a canonical savepoint and writes it with a manifest to {@code <out>/<build-id>/}:
 * {@code savepoint/} (relocatable: _metadata and the state files) and {@code manifest.json} (build id, git commit,
 * the input slice, the job flags, per-uid state sizes and operator ids, and what the state held as read from
 * Redis at the savepoint). Run through {@code deploy/make-savepoint-fixture.sh BUILD_ID}.
 *
 * <pre>
 * --build-id ID   required, e.g. v1-2026-11-23 (the directory name)
 * --out DIR       default flink-job/src/test/resources/savepoints (of the repository around the working directory)
 * --events FILE   default ../shared/data/taobao-2h.events.jsonl.gz, read in place
 * --first-line N  0-based line the slice starts at (default 1: line 0 of taobao-2h is its one invalid line,
 *                 whose dead letter would leave an in-progress part file, with an absolute path, in the state)
 * --before N      events before the savepoint (default 3000)
 * --after N       events the test replays after the restore (default 2000)
 * </pre>
 */
public final class SavepointFixture {
    private SavepointFixture() {}

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String NAMESPACE = "fixture";

    /**
     * The job flags of the fixture, beyond per-run paths and the Redis URL: the defaults, except a state TTL
     * (wall-clock) long enough that the committed state never expires before the test restores it (TTL stays
     * enabled, so a change that turns it off or on, which is state-incompatible, is still caught), and a smaller
     * hashed feature space of the conversion model, whose weights are dense arrays (a quarter of the savepoint
     * at the default 65,536).
     */
    static final Map<String, String> FLAGS = Map.of(
            "parallelism", Integer.toString(ItTestJobs.PARALLELISM),
            "state-ttl-hours", Long.toString(100L * 365 * 24),
            "conversion-dimension", "4096");

    /** Every uid of the job that holds state in a savepoint of the fixture's job (see docs/OPERATIONS.md). */
    static final List<String> STATEFUL_UIDS = List.of(FixtureReplay.SOURCE_UID, "user-features", "item-features",
            "trending", "user-sequence", "co-visitation", "model-updater", "recommend");

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value: " + args[i]);
            a.put(args[i].substring(2), args[i + 1]);
        }
        String buildId = a.get("build-id");
        if (buildId == null || !buildId.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("--build-id ID is required (letters, digits, . _ -), e.g. v1-2026-11-23");
        }
        Path out = a.containsKey("out") ? Path.of(a.get("out"))
                : repositoryRoot().resolve("flink-job/src/test/resources/savepoints");
        Path events = a.containsKey("events") ? Path.of(a.get("events")) : TestData.file("taobao-2h.events.jsonl.gz");
        int firstLine = Integer.parseInt(a.getOrDefault("first-line", "1"));
        int before = Integer.parseInt(a.getOrDefault("before", "3000"));
        int after = Integer.parseInt(a.getOrDefault("after", "2000"));
        Path target = out.resolve(buildId);
        if (Files.exists(target)) {
            throw new IllegalStateException(target + " exists: remove it first (or pick another build id)");
        }
        int status = 0;
        try {
            generate(buildId, events.toAbsolutePath(), firstLine, before, after, target);
        } catch (Exception e) {
            e.printStackTrace();
            deleteRecursively(target);
            status = 1;
        }
        System.exit(status); // ND4J and Jedis leave non-daemon threads behind
    }

    static Path generate(String buildId, Path events, int firstLine, int before, int after, Path target)
            throws Exception {
        Path tmp = Files.createTempDirectory("savepoint-fixture");
        try (RedisTestServer redis = new RedisTestServer().start()) {
            JobConfig config = config(FLAGS, events, redis.url(), NAMESPACE, tmp);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            job(env, config, events, firstLine, before + after, before);
            // Snappy-compressed state files keep the committed savepoint small (the profiles are mostly zeros);
            // the restore reads the compression from the savepoint, whatever the restoring job's setting
            Configuration compressed = new Configuration();
            compressed.set(ExecutionOptions.SNAPSHOT_COMPRESSION, true);
            env.configure(compressed);
            FixtureReplay.gateReached = new java.util.concurrent.CountDownLatch(1);
            FixtureReplay.MODEL_VERSIONS.clear();
            JobClient job = env.executeAsync("savepoint fixture " + buildId);
            try {
                return stopAndDescribe(job, buildId, events, firstLine, before, after, target, tmp, redis, config);
            } catch (Exception e) {
                job.cancel();
                throw e;
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    private static Path stopAndDescribe(JobClient job, String buildId, Path events, int firstLine, int before,
                                        int after, Path target, Path tmp, RedisTestServer redis, JobConfig config)
            throws Exception {
        while (!FixtureReplay.gateReached.await(1, TimeUnit.SECONDS)) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the failure
                throw new IllegalStateException("job ended before the savepoint: " + status);
            }
        }
        System.out.printf("replayed %d events; stopping with a savepoint ...%n", before);
        String location = stopWithSavepoint(job, tmp.resolve("savepoints").toUri().toString());
        JobExecutionResult result = job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        long routed = (Long) result.getAllAccumulatorResults().get(RecordRouter.ACC_EVENTS)
                + (Long) result.getAllAccumulatorResults().get(RecordRouter.ACC_INVALID)
                + (Long) result.getAllAccumulatorResults().get(RecordRouter.ACC_LATE);
        if (routed != before) {
            throw new IllegalStateException("the route saw " + routed + " records before the savepoint, not " + before);
        }
        Path savepoint = Path.of(java.net.URI.create(location.startsWith("file:") ? location
                : "file://" + location));
        Files.createDirectories(target);
        copyTree(savepoint, target.resolve("savepoint"));

        SliceFacts facts = SliceFacts.of(events, firstLine, before, after, config.pairWindow);
        ObjectNode m = JSON.createObjectNode();
        m.put("buildId", buildId);
        m.put("createdAt", Instant.now().toString());
        m.put("gitCommit", git("rev-parse", "HEAD"));
        m.put("gitDirty", !git("status", "--porcelain", "--untracked-files=no").isEmpty());
        m.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        m.put("stateBackend", "rocksdb (RuntimeSettings)");
        m.put("savepointFormat", "CANONICAL, aligned, snapshot compression (Snappy)");
        ObjectNode input = m.putObject("input");
        input.put("file", events.getFileName().toString());
        input.put("firstLine", firstLine);
        input.put("eventsBefore", before);
        input.put("eventsAfter", after);
        input.put("note", "lines firstLine .. firstLine+eventsBefore-1 (0-based) went into the savepoint; the "
                + "test replays the next eventsAfter lines (the source's restored position)");
        ObjectNode flags = m.putObject("jobFlags");
        new TreeMap<>(FLAGS).forEach(flags::put);
        m.set("operators", operators(target.resolve("savepoint"), uids(config, events, firstLine, before + after)));
        m.set("atSavepoint", atSavepoint(facts, redis.url(), config.k, config.trendingSize));
        JSON.writeValue(target.resolve("manifest.json").toFile(), m);
        System.out.printf("fixture written to %s (%s)%n", target, humanSize(target));
        return target;
    }

    /**
     * Stops the job with an aligned, canonical savepoint (no drain: timers stay pending, as in an upgrade). On a
     * loaded machine some tasks may still be starting when the replay is already held: retried until they run.
     */
    private static String stopWithSavepoint(JobClient job, String dir) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get(10, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                boolean starting = org.apache.flink.util.ExceptionUtils.findThrowableWithMessage(e,
                        "Not all required tasks are currently running").isPresent();
                if (!starting || attempt >= 60) throw e;
                System.out.println("tasks still starting; trying the savepoint again in 5 s");
                Thread.sleep(5000);
            }
        }
    }

    /** The job config of the fixture and of the test: {@code flags} plus per-run paths and Redis. */
    static JobConfig config(Map<String, String> flags, Path events, String redisUrl, String namespace, Path tmp) {
        Map<String, String> m = new LinkedHashMap<>(flags);
        m.put("events", events.toString()); // required by --source file; the fixture's replay reads it
        m.put("redis", redisUrl);
        m.put("namespace", namespace);
        m.put("checkpoint-dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("dead-letter-path", tmp.resolve("dead-letters").toString());
        return JobConfig.fromMap(m);
    }

    /** The whole job behind the fixture's replay, with the model-version probe: generator and test build this. */
    static void job(StreamExecutionEnvironment env, JobConfig config, Path events, int firstLine, int count,
                    long holdAfter) {
        ShoprankJob.configure(env, config);
        DataStream<ParsedRecord> records = FixtureReplay.records(env, config, events, firstLine, count, holdAfter);
        ShoprankJob.Outputs outputs = ShoprankJob.build(records, config);
        if (outputs.modelVersions() != null) {
            FixtureReplay.probeModelVersions(outputs.modelVersions());
        }
    }

    /** The operator uids of the job graph {@link #job} builds (not executed). */
    static Set<String> uids(JobConfig config, Path events, int firstLine, int count) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job(env, config, events, firstLine, count, -1);
        Set<String> uids = new TreeSet<>();
        for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
            if (n.getTransformationUID() != null) uids.add(n.getTransformationUID());
        }
        return uids;
    }

    static OperatorID operatorId(String uid) {
        return new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid));
    }

    static CheckpointMetadata readMetadata(Path savepoint) throws IOException {
        try (InputStream in = Files.newInputStream(savepoint.resolve("_metadata"))) {
            return Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
                    SavepointFixture.class.getClassLoader(), savepoint.toString());
        }
    }

    /** Per uid of the job: its operator id and what state the savepoint holds for it. */
    static ObjectNode operators(Path savepoint, Set<String> uids) throws IOException {
        Map<OperatorID, OperatorState> states = new LinkedHashMap<>();
        for (OperatorState s : readMetadata(savepoint).getOperatorStates()) {
            states.put(s.getOperatorID(), s);
        }
        ObjectNode out = JSON.createObjectNode();
        for (String uid : uids) {
            OperatorState s = states.get(operatorId(uid));
            ObjectNode o = out.putObject(uid);
            o.put("operatorId", operatorId(uid).toHexString());
            o.put("keyedBytes", s == null ? 0 : size(s, OperatorSubtaskState::getManagedKeyedState));
            o.put("operatorBytes", s == null ? 0 : size(s, OperatorSubtaskState::getManagedOperatorState));
            o.put("coordinatorState", s != null && s.getCoordinatorState() != null);
        }
        return out;
    }

    private static long size(OperatorState s,
                             java.util.function.Function<OperatorSubtaskState, ? extends Iterable<? extends StateObject>> kind) {
        long n = 0;
        for (OperatorSubtaskState st : s.getStates()) {
            for (StateObject h : kind.apply(st)) {
                n += h.getStateSize();
            }
        }
        return n;
    }

    /**
     * What Redis held when the savepoint completed (the sink flushes on every checkpoint): per stateful stage, a
     * count and a few sample keys with their versions, chosen among the keys the second slice updates again.
     */
    static ObjectNode atSavepoint(SliceFacts f, String redisUrl, int k, int trendingSize) {
        ObjectNode out = JSON.createObjectNode();
        try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redisUrl, NAMESPACE));
             Jedis jedis = new Jedis(java.net.URI.create(redisUrl))) {
            KeySchema keys = store.keys();
            List<String> users = both(f.before.userEvents, f.after.userEvents);
            List<String> listUsers = both(f.before.userItemEvents, f.after.userItemEvents);
            List<String> items = both(f.before.itemEvents, f.after.itemEvents);

            int withFeatures = 0;
            for (String u : f.before.userEvents.keySet()) {
                if (!store.userFeatures(u).isEmpty()) withFeatures++;
            }
            ObjectNode uf = out.putObject("userFeatures");
            uf.put("users", withFeatures);
            uf.put("usersUpdatedAgainAfter", users.size());
            ObjectNode ufs = uf.putObject("samples");
            users.stream().limit(10).forEach(u -> ufs.put(u, Long.parseLong(store.userFeatures(u).get("v"))));

            int withItems = 0;
            for (String i : f.before.itemEvents.keySet()) {
                if (!store.itemFeatures(i).isEmpty()) withItems++;
            }
            ObjectNode itf = out.putObject("itemFeatures");
            itf.put("items", withItems);
            itf.put("itemsUpdatedAgainAfter", items.size());
            ObjectNode itfs = itf.putObject("samples");
            items.stream().limit(10).forEach(i -> itfs.put(i, Long.parseLong(store.itemFeatures(i).get("v"))));

            int withLists = 0;
            for (String u : f.before.userItemEvents.keySet()) {
                if (store.recommendationsWithMeta(u, k).personalised()) withLists++;
            }
            ObjectNode rl = out.putObject("recommendations");
            rl.put("users", withLists);
            rl.put("usersUpdatedAgainAfter", listUsers.size());
            rl.put("versionStride", UserRanking.VERSION_STRIDE);
            ObjectNode rls = rl.putObject("samples");
            listUsers.stream().limit(10).forEach(u -> rls.put(u, store.recommendationsWithMeta(u, k).version()));

            ObjectNode sim = out.putObject("similarItems");
            int withSimilar = 0;
            for (String i : f.before.itemEvents.keySet()) {
                if (jedis.exists(keys.similarMeta(i))) withSimilar++;
            }
            sim.put("items", withSimilar);
            ObjectNode sims = sim.putObject("samples");
            List<String> paired = new ArrayList<>(items);
            paired.removeIf(i -> f.neighboursBefore.getOrDefault(i, Set.of()).isEmpty()
                    || !jedis.exists(keys.similarMeta(i)));
            paired.sort(Comparator.comparing((String i) -> -f.neighboursBefore.get(i).size())
                    .thenComparing(Comparator.naturalOrder()));
            paired.stream().limit(10).forEach(i -> {
                ObjectNode s = sims.putObject(i);
                s.put("version", Long.parseLong(jedis.hget(keys.similarMeta(i), "v")));
                ArrayNode l = s.putArray("items");
                store.similarItems(i, k).forEach(l::add);
            });

            ObjectNode tr = out.putObject("trending");
            String tv = jedis.hget(keys.trendingMeta(), "v");
            tr.put("version", tv == null ? 0 : Long.parseLong(tv));
            ArrayNode tl = tr.putArray("items");
            store.trending(trendingSize).forEach(tl::add);

            ObjectNode mu = out.putObject("modelUpdater");
            mu.put("version", FixtureReplay.MODEL_VERSIONS.stream().mapToLong(Long::longValue).max().orElse(0));
            mu.put("note", "the updater's published-version counter (ModelDelta.version), as seen by a probe "
                    + "on ShoprankJob.Outputs.modelVersions; the first version after the restore must be this + 1");
        }
        return out;
    }

    /** Keys counted in both maps, the most counted in {@code a} first, then by key (a stable sample). */
    private static List<String> both(Map<String, Integer> a, Map<String, Integer> b) {
        List<String> out = new ArrayList<>();
        for (String key : a.keySet()) {
            if (b.containsKey(key)) out.add(key);
        }
        out.sort(Comparator.comparing((String key) -> -a.get(key)).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    static JsonNode readManifest(Path fixture) throws IOException {
        return JSON.readTree(fixture.resolve("manifest.json").toFile());
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(repositoryRoot().toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("flink-job")) && Files.isDirectory(p.resolve("feature-store"))) {
                return p;
            }
        }
        throw new IllegalStateException("run inside the repository (no flink-job/ and feature-store/ above "
                + Path.of("").toAbsolutePath() + ")");
    }

    static String humanSize(Path dir) throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(dir)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        return bytes < 1 << 20 ? (bytes >> 10) + " KB" : String.format("%.1f MB", bytes / 1048576.0);
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
