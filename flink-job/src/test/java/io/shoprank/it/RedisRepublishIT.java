package io.shoprank.it;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.republish.RepublishJob;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis recovery: in the middle of a paced replay Redis loses everything (FLUSHALL). The operator option,
 * RepublishJob with {@code --savepoint-of}, has the running job take a savepoint through its REST API and writes
 * every feature hash and list held in it back into Redis, while the job goes on writing. Every user and item key
 * present before the flush is back with a version at least as new, and, where its version is the same (the key's
 * state did not change since), with exactly the same content. The job then finishes its replay, and Redis holds
 * exactly what a replay without the flush leaves: the republished versions never stood in the job's way.
 */
class RedisRepublishIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    private static final String NS = "it-republish";

    @Test
    void flushedRedisIsRefilledFromTheRunningJobsState(@TempDir Path tmp) throws Exception {
        Path file = TestData.file("taobao-2h.events.jsonl.gz");
        ExpectedState expected = ExpectedState.of(file);
        try (RedisTestServer redis = new RedisTestServer().start(); Jedis jedis = redis.newJedis()) {
            // 96,169 lines at 1,000 a second: the flush and the republication fall well inside the run
            JobConfig config = ItTestJobs.fileJob(file.toString(), redis.url(), NS, tmp, "rate", "1000");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            ShoprankJob.build(env, config);
            JobClient job = env.executeAsync("republish: the job");

            waitForKeys(jedis, NS + ":rec:*", 5_000, Duration.ofSeconds(180));
            Map<String, Value> before = Value.readAll(jedis, scan(jedis, NS + ":*"));
            jedis.flushAll();
            assertFalse(job.getJobStatus().get().isGloballyTerminalState(), "the flush is mid-run");

            Configuration rest = CLUSTER.getClientConfiguration();
            String[] args = {"--savepoint-of", "http://" + rest.get(RestOptions.ADDRESS) + ":" + rest.get(RestOptions.PORT),
                    "--savepoint-dir", tmp.resolve("savepoints").toUri().toString(),
                    "--redis", redis.url(), "--namespace", NS, "--parallelism", Integer.toString(config.parallelism)};
            long start = System.nanoTime();
            RepublishJob.Summary summary = RepublishJob.run(StreamExecutionEnvironment.getExecutionEnvironment(), args,
                    System.out);
            double seconds = (System.nanoTime() - start) / 1e9;

            Map<String, Value> after = Value.readAll(jedis, before.keySet());
            Comparison c = Comparison.of(before, after);
            System.out.printf("Republication: %d values written in %.1f s with the savepoint (%.1f s job), %.0f s per "
                            + "million; of %d keys present before the flush: %s%n", summary.total(), seconds,
                    summary.millis() / 1000.0, seconds * 1e6 / summary.total(), before.size(), c);
            assertTrue(c.problems.isEmpty(), c.problems.size() + " problems, first: "
                    + c.problems.subList(0, Math.min(10, c.problems.size())));
            assertTrue(c.unchanged > before.size() / 2, "most keys came back as they were, i.e. from the "
                    + "republication, not from the job's own writes since the flush: " + c);
            // trending lists come back at the checkpointed counter, which is newer than most lists' own version,
            // and the stage rewrites the changed ones every second: they only need to be there, at no older version
            for (String family : List.of("user", "item", "rec", "similar")) {
                assertTrue(c.unchangedByFamily.getOrDefault(family, 0) > 0, "some " + family + " keys restored: " + c);
            }

            job.getJobExecutionResult().get();
            try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), NS))) {
                RedisAssertions.assertComplete(expected, store, config.k, Map.of());
            }
        }
    }

    /** A feature hash, or a list's meta hash together with its items, as read in one transaction. */
    record Value(String family, Map<String, String> hash, List<String> items) {
        long version() {
            return Long.parseLong(hash.get("v"));
        }

        /** Reads the hashes among {@code keys} (feature hashes and list meta hashes; list keys are read with their meta). */
        static Map<String, Value> readAll(Jedis jedis, Iterable<String> keys) {
            List<String> hashes = new ArrayList<>();
            for (String k : keys) {
                if (family(k) != null) hashes.add(k);
            }
            Map<String, Value> out = new TreeMap<>();
            for (int from = 0; from < hashes.size(); from += 500) {
                List<String> batch = hashes.subList(from, Math.min(hashes.size(), from + 500));
                Transaction t = jedis.multi();
                List<Response<Map<String, String>>> h = new ArrayList<>();
                List<Response<List<String>>> l = new ArrayList<>();
                for (String k : batch) {
                    h.add(t.hgetAll(k));
                    String list = listKey(k);
                    l.add(list == null ? null : t.lrange(list, 0, -1));
                }
                t.exec();
                for (int i = 0; i < batch.size(); i++) {
                    Map<String, String> hash = h.get(i).get();
                    if (!hash.isEmpty()) {
                        out.put(batch.get(i), new Value(family(batch.get(i)), hash, l.get(i) == null ? null : l.get(i).get()));
                    }
                }
            }
            return out;
        }

        /** user, item, rec, similar or trending for the hashes compared; null for list keys. */
        static String family(String key) {
            String k = key.substring(NS.length() + 1);
            if (k.startsWith("user:")) return "user";
            if (k.startsWith("item:")) return "item";
            if (k.startsWith("recmeta:")) return "rec";
            if (k.startsWith("similarmeta:")) return "similar";
            if (k.startsWith("trendingmeta")) return "trending";
            return null;
        }

        static String listKey(String metaKey) {
            String k = metaKey.substring(NS.length() + 1);
            String list = k.startsWith("recmeta:") ? "rec:" + k.substring(8)
                    : k.startsWith("similarmeta:") ? "similar:" + k.substring(12)
                    : k.startsWith("trendingmeta") ? "trending" + k.substring(12)
                    : null;
            return list == null ? null : NS + ":" + list;
        }
    }

    /** Keys before the flush against the same keys after the republication. */
    static final class Comparison {
        final List<String> problems = new ArrayList<>();
        final Map<String, Integer> unchangedByFamily = new TreeMap<>();
        int unchanged;
        int newer;

        static Comparison of(Map<String, Value> before, Map<String, Value> after) {
            Comparison c = new Comparison();
            for (Map.Entry<String, Value> e : before.entrySet()) {
                Value was = e.getValue();
                Value now = after.get(e.getKey());
                if (now == null) {
                    c.problems.add(e.getKey() + " missing");
                } else if (now.version() < was.version()) {
                    c.problems.add(e.getKey() + " version " + now.version() + " < " + was.version() + " before the flush");
                } else if (now.version() > was.version()) {
                    c.newer++;
                } else if (was.family().equals("trending")) {
                    c.count(was.family()); // the board as the stage republishes it after a restore: scores may differ
                } else if (!was.hash().equals(now.hash()) || !java.util.Objects.equals(was.items(), now.items())) {
                    c.problems.add(e.getKey() + " changed at the same version: " + was + " -> " + now);
                } else {
                    c.count(was.family());
                }
            }
            return c;
        }

        private void count(String family) {
            unchanged++;
            unchangedByFamily.merge(family, 1, Integer::sum);
        }

        @Override
        public String toString() {
            return unchanged + " back as they were " + unchangedByFamily + ", " + newer + " newer (the job rewrote them "
                    + "since), " + problems.size() + " problems";
        }
    }

    private static List<String> scan(Jedis jedis, String pattern) {
        List<String> keys = new ArrayList<>();
        ScanParams params = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = jedis.scan(cursor, params);
            keys.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    private static void waitForKeys(Jedis jedis, String pattern, int min, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = scan(jedis, pattern).size();
            if (n >= min) return;
            Thread.sleep(500);
        }
        throw new AssertionError("only " + n + " keys " + pattern + " within " + timeout);
    }
}
