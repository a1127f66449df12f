package io.shoprank.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.shoprank.job.JobConfig;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.job.ranking.UserRanking;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.KeySchema;
import io.shoprank.store.Recommendations;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upgrade safety: restores each savepoint committed under {@code src/test/resources/savepoints/<build-id>/} (taken
 * from an earlier build by {@link SavepointFixture}, see docs/OPERATIONS.md) into the current job, with
 * {@code allowNonRestoredState=false}, replays the next slice of the same events file, and checks per operator
 * uid that the state carried over, through what Redis holds afterwards. Redis starts empty, so every value it
 * holds was computed by the current build from the restored state plus the second slice:
 *
 * <ul>
 *   <li>{@code fixture-source}: the replay resumed exactly after the savepoint (the route counts the second slice);</li>
 *   <li>{@code user-features}, {@code item-features}: each version counts the events of both slices;</li>
 *   <li>{@code user-sequence}: each user's list version / 1000 counts the item events of both slices (a lost
 *       sequence restarts at 0);</li>
 *   <li>{@code recommend}: every user of the second slice has a personalised list (without its per-user ranking
 *       state the stage waits for sequence numbers it never gets, and publishes nothing) that holds none of the
 *       items the user touched in either slice;</li>
 *   <li>{@code co-visitation}: a similar-items list contains every neighbour paired before the savepoint (where the
 *       neighbour table is small enough to be listed whole), including pairs the second slice never creates; list
 *       versions continue past the savepoint's;</li>
 *   <li>{@code trending}: the global list holds items that only the first slice scored; its version continues;</li>
 *   <li>{@code model-updater}: the first model version published after the restore is the savepoint's + 1.</li>
 * </ul>
 * {@code route}, {@code redis-sink} and the dead-letter sink hold no state of their own.
 */
class SavepointCompatibilityIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    /**
     * At least this many similar-items lists must prove a pair learned only before the savepoint (5 with the v1
     * fixture). Only lists whose top changed after the restore are rewritten, so this guards against a fixture
     * too small to show anything; a lost co-visitation state fails the containment check itself, because then
     * every touched item's list is rewritten (its version restarts) without the pairs learned before.
     */
    static final int MIN_COVISIT_PROOFS = 3;

    static Stream<String> fixtures() throws Exception {
        Path root = fixtureRoot();
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> ids = dirs.filter(d -> Files.isRegularFile(d.resolve("manifest.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertFalse(ids.isEmpty(), "no savepoint fixture under " + root);
            return ids.stream();
        }
    }

    static Path fixtureRoot() throws Exception {
        URL url = SavepointCompatibilityIT.class.getResource("/savepoints");
        if (url == null) throw new IllegalStateException("no savepoints/ on the test classpath");
        return Path.of(url.toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void currentBuildRestoresTheSavepointAndCarriesEveryOperatorsState(String buildId, @TempDir Path tmp)
            throws Exception {
        Path fixture = fixtureRoot().resolve(buildId);
        JsonNode m = SavepointFixture.readManifest(fixture);
        JsonNode input = m.get("input");
        Path events = TestData.file(input.get("file").asText());
        int firstLine = input.get("firstLine").asInt();
        int before = input.get("eventsBefore").asInt();
        int after = input.get("eventsAfter").asInt();
        Map<String, String> flags = new TreeMap<>();
        m.get("jobFlags").fields().forEachRemaining(e -> flags.put(e.getKey(), e.getValue().asText()));
        JsonNode at = m.get("atSavepoint");

        try (RedisTestServer redis = new RedisTestServer().start();
             FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-savepoint"));
             Jedis jedis = redis.newJedis()) {
            JobConfig config = SavepointFixture.config(flags, events, redis.url(), "it-savepoint", tmp);
            SliceFacts f = SliceFacts.of(events, firstLine, before, after, config.pairWindow);
            manifestDescribesTheData(m, f);
            everyUidWithStateIsInTheCurrentJob(m, config, events, firstLine, before + after);

            // restore the savepoint (NO_CLAIM: Flink never deletes or changes it) and replay the next slice
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            SavepointFixture.job(env, config, events, firstLine, before + after, -1);
            StreamGraph graph = env.getStreamGraph();
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(
                    fixture.resolve("savepoint").toUri().toString(), false, RecoveryClaimMode.NO_CLAIM));
            FixtureReplay.MODEL_VERSIONS.clear();
            long start = System.nanoTime();
            JobExecutionResult result = env.execute(graph);
            System.out.printf("fixture %s: restored and replayed %d events in %.1f s%n", buildId, after,
                    (System.nanoTime() - start) / 1e9);

            Map<String, List<String>> problems = new LinkedHashMap<>();
            Map<String, String> carried = new LinkedHashMap<>();
            Map<String, Object> acc = result.getAllAccumulatorResults();
            if (!Long.valueOf(f.after.valid).equals(acc.get(RecordRouter.ACC_EVENTS))
                    || !Long.valueOf(f.after.invalid).equals(acc.get(RecordRouter.ACC_INVALID))) {
                problem(problems, FixtureReplay.SOURCE_UID, "the replay did not resume at the savepoint's position: "
                        + "the route saw " + acc.get(RecordRouter.ACC_EVENTS) + " events and "
                        + acc.get(RecordRouter.ACC_INVALID) + " invalid, expected " + f.after.valid + " and " + f.after.invalid);
            }
            carried.put(FixtureReplay.SOURCE_UID, "resumed at event " + (before + 1));

            carried.put("user-features", userFeatures(f, store, problems));
            carried.put("item-features", itemFeatures(f, store, problems));
            carried.put("user-sequence, recommend", lists(f, store, config.k, problems));
            carried.put("co-visitation", similarItems(f, at.get("similarItems"), store, jedis, config.k, problems));
            carried.put("trending", trending(f, at.get("trending"), store, jedis, config.trendingSize, problems));
            carried.put("model-updater", modelVersions(at.get("modelUpdater"), problems));
            carried.forEach((uid, what) -> System.out.printf("  %-26s %s%n", uid, what));

            StringBuilder report = new StringBuilder();
            problems.forEach((uid, list) -> report.append("\n  ").append(uid).append(": ").append(list.size())
                    .append(" problems, first: ").append(list.subList(0, Math.min(5, list.size()))));
            assertTrue(problems.isEmpty(), "state of savepoint " + buildId + " did not carry over into the current "
                    + "build (docs/OPERATIONS.md, 'Savepoint compatibility in CI'):" + report);
        }
    }

    /** The manifest's facts agree with the file: it describes this slice of this data. */
    private static void manifestDescribesTheData(JsonNode m, SliceFacts f) {
        JsonNode at = m.get("atSavepoint");
        assertEquals(f.before.userEvents.size(), at.get("userFeatures").get("users").asInt(), "users with features");
        assertEquals(f.before.itemEvents.size(), at.get("itemFeatures").get("items").asInt(), "items with features");
        assertEquals(f.before.userItemEvents.size(), at.get("recommendations").get("users").asInt(), "users with lists");
        at.get("userFeatures").get("samples").fields().forEachRemaining(e -> assertEquals(
                SliceFacts.count(f.before.userEvents, e.getKey()), e.getValue().asInt(), "user " + e.getKey()));
        at.get("itemFeatures").get("samples").fields().forEachRemaining(e -> assertEquals(
                SliceFacts.count(f.before.itemEvents, e.getKey()), e.getValue().asInt(), "item " + e.getKey()));
        at.get("recommendations").get("samples").fields().forEachRemaining(e -> assertEquals(
                SliceFacts.count(f.before.userItemEvents, e.getKey()),
                e.getValue().asLong() / UserRanking.VERSION_STRIDE, "list of user " + e.getKey()));
    }

    /**
     * Every uid the savepoint holds state for is still in the job graph (what {@code allowNonRestoredState=false}
     * enforces at the restore, named here), and the fixture holds state for every stateful uid of the job.
     */
    private static void everyUidWithStateIsInTheCurrentJob(JsonNode m, JobConfig config, Path events, int firstLine,
                                                           int count) {
        Set<String> current = SavepointFixture.uids(config, events, firstLine, count);
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.get("operators").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode o = e.getValue();
            boolean hasState = o.get("keyedBytes").asLong() > 0 || o.get("operatorBytes").asLong() > 0
                    || o.get("coordinatorState").asBoolean();
            if (hasState && !current.contains(e.getKey())) {
                missing.add(e.getKey() + " (" + (o.get("keyedBytes").asLong() + o.get("operatorBytes").asLong())
                        + " bytes of state)");
            }
        }
        assertTrue(missing.isEmpty(), "the savepoint holds state for uids the current job no longer has: " + missing
                + "; a savepoint upgrade of the running job would fail (allowNonRestoredState is false)");
        for (String uid : SavepointFixture.STATEFUL_UIDS) {
            JsonNode o = m.get("operators").get(uid);
            assertTrue(o != null && (o.get("keyedBytes").asLong() > 0 || o.get("operatorBytes").asLong() > 0),
                    "the fixture holds no state for uid " + uid + ": regenerate it (deploy/make-savepoint-fixture.sh)");
        }
    }

    private static String userFeatures(SliceFacts f, FeatureStoreClient store, Map<String, List<String>> problems) {
        int carried = 0;
        for (Map.Entry<String, Integer> u : f.after.userEvents.entrySet()) {
            int old = SliceFacts.count(f.before.userEvents, u.getKey());
            String v = store.userFeatures(u.getKey()).get("v");
            if (!String.valueOf(old + u.getValue()).equals(v)) {
                problem(problems, "user-features", "user " + u.getKey() + " v=" + v + ", expected " + old
                        + " (before the savepoint) + " + u.getValue());
            } else if (old > 0) {
                carried++;
            }
        }
        return carried + " users' feature versions continue from the savepoint";
    }

    private static String itemFeatures(SliceFacts f, FeatureStoreClient store, Map<String, List<String>> problems) {
        int carried = 0;
        for (Map.Entry<String, Integer> i : f.after.itemEvents.entrySet()) {
            int old = SliceFacts.count(f.before.itemEvents, i.getKey());
            String v = store.itemFeatures(i.getKey()).get("v");
            if (!String.valueOf(old + i.getValue()).equals(v)) {
                problem(problems, "item-features", "item " + i.getKey() + " v=" + v + ", expected " + old
                        + " (before the savepoint) + " + i.getValue());
            } else if (old > 0) {
                carried++;
            }
        }
        return carried + " items' feature versions continue from the savepoint";
    }

    private static String lists(SliceFacts f, FeatureStoreClient store, int k, Map<String, List<String>> problems) {
        int carried = 0;
        for (Map.Entry<String, Integer> u : f.after.userItemEvents.entrySet()) {
            String user = u.getKey();
            int old = SliceFacts.count(f.before.userItemEvents, user);
            Recommendations r = store.recommendationsWithMeta(user, k);
            Set<String> own = new HashSet<>(f.after.userItems.get(user));
            own.addAll(f.before.userItems.getOrDefault(user, Set.of()));
            if (!r.personalised()) {
                problem(problems, "recommend", "user " + user + " has no list (" + old + " item events before the "
                        + "savepoint, " + u.getValue() + " after)");
            } else if (r.version() / UserRanking.VERSION_STRIDE != old + u.getValue()) {
                problem(problems, "user-sequence", "user " + user + " list version " + r.version() + ", expected "
                        + old + " (before the savepoint) + " + u.getValue() + " events x " + UserRanking.VERSION_STRIDE);
            } else if (r.items().stream().anyMatch(own::contains)) {
                problem(problems, "recommend", "user " + user + " list " + r.items() + " recommends back an item "
                        + "the user touched (seen items not carried over?)");
            } else if (old > 0) {
                carried++;
            }
        }
        return carried + " users' list versions count their events from both sides of the savepoint";
    }

    private static String similarItems(SliceFacts f, JsonNode atSavepoint, FeatureStoreClient store, Jedis jedis,
                                       int k, Map<String, List<String>> problems) {
        KeySchema keys = store.keys();
        int checked = 0;
        int proofs = 0;
        for (String item : f.after.itemEvents.keySet()) {
            if (!jedis.exists(keys.similarMeta(item))) continue; // its list did not change after the restore
            Set<String> learnedBefore = f.neighboursBefore.getOrDefault(item, Set.of());
            Set<String> learnedAfter = f.neighboursAfter.getOrDefault(item, Set.of());
            Set<String> all = new HashSet<>(learnedBefore);
            all.addAll(learnedAfter);
            List<String> list = store.similarItems(item, k);
            if (!all.containsAll(list)) {
                problem(problems, "co-visitation", "item " + item + " lists " + list + ", which the events never paired "
                        + "with it (" + all + ")");
            }
            if (all.size() > k) continue; // the list is the top k of a larger table: no complete-list check
            checked++;
            if (!list.containsAll(learnedBefore)) {
                problem(problems, "co-visitation", "item " + item + " lists " + list + " but was paired with "
                        + learnedBefore + " before the savepoint");
            } else if (!learnedAfter.containsAll(learnedBefore)) {
                proofs++; // a neighbour only the restored state can have provided
            }
        }
        if (proofs < MIN_COVISIT_PROOFS) {
            problem(problems, "co-visitation", "only " + proofs + " similar-items lists hold a neighbour learned only "
                    + "before the savepoint (at least " + MIN_COVISIT_PROOFS + " expected)");
        }
        atSavepoint.get("samples").fields().forEachRemaining(e -> {
            String v = jedis.hget(keys.similarMeta(e.getKey()), "v");
            long old = e.getValue().get("version").asLong();
            if (v != null && Long.parseLong(v) <= old) {
                problem(problems, "co-visitation", "item " + e.getKey() + " similar-items version " + v
                        + " does not continue the savepoint's " + old);
            }
        });
        return proofs + " of " + checked + " complete similar-items lists hold pairs only the savepoint had";
    }

    private static String trending(SliceFacts f, JsonNode atSavepoint, FeatureStoreClient store, Jedis jedis,
                                   int size, Map<String, List<String>> problems) {
        List<String> list = store.trending(size);
        List<String> onlyBefore = list.stream()
                .filter(i -> f.before.itemEvents.containsKey(i) && !f.after.itemEvents.containsKey(i)).toList();
        if (onlyBefore.isEmpty()) {
            problem(problems, "trending", "the global list (" + list.size() + " items) holds no item scored only "
                    + "before the savepoint: the trending board was not restored");
        }
        String v = jedis.hget(store.keys().trendingMeta(), "v");
        long old = atSavepoint.get("version").asLong();
        if (v == null || Long.parseLong(v) <= old) {
            problem(problems, "trending", "global list version " + v + " does not continue the savepoint's " + old);
        }
        return onlyBefore.size() + " of " + list.size() + " trending items were scored only before the savepoint; "
                + "version " + old + " -> " + v;
    }

    private static String modelVersions(JsonNode atSavepoint, Map<String, List<String>> problems) {
        List<Long> versions = new ArrayList<>(FixtureReplay.MODEL_VERSIONS);
        long old = atSavepoint.get("version").asLong();
        if (versions.isEmpty()) {
            problem(problems, "model-updater", "no model version was published after the restore");
            return "no version";
        }
        if (versions.get(0) != old + 1) {
            problem(problems, "model-updater", "the first version after the restore is " + versions.get(0)
                    + ", expected " + (old + 1) + " (the savepoint's " + old + " + 1)");
        }
        for (int i = 1; i < versions.size(); i++) {
            if (versions.get(i) != versions.get(i - 1) + 1) {
                problem(problems, "model-updater", "versions not consecutive: " + versions);
                break;
            }
        }
        return "model versions " + versions.get(0) + ".." + versions.get(versions.size() - 1) + " after "
                + old + " at the savepoint";
    }

    private static void problem(Map<String, List<String>> problems, String uid, String what) {
        problems.computeIfAbsent(uid, u -> new ArrayList<>()).add(what);
    }
}
