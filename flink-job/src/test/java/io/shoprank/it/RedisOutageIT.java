package io.shoprank.it;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stops redis-server for a few seconds in the middle of a paced replay. The sink retries with backoff and
 * holds the job back instead of failing it; once Redis is back the job catches up and nothing is lost.
 */
class RedisOutageIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    @Test
    void jobCatchesUpAfterRedisWasDown(@TempDir Path tmp) throws Exception {
        Path file = TestData.file("taobao-2h.events.jsonl.gz");
        ExpectedState expected = ExpectedState.of(file);
        try (RedisTestServer redis = new RedisTestServer().start()) {
            // 2 h of events in about 24 s, so the outage falls in the middle of the replay
            JobConfig config = ItTestJobs.fileJob(file.toString(), redis.url(), "it-outage", tmp, "speedup", "300");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            ShoprankJob.build(env, config);
            JobClient job = env.executeAsync("redis outage");

            long listsBefore;
            try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-outage"))) {
                listsBefore = waitForLists(store, expected, 2000, Duration.ofSeconds(60));
            }
            redis.shutdownSave();
            Thread.sleep(4000);
            assertTrue(!job.getJobStatus().get().isGloballyTerminalState(), "the job waits for Redis, it does not fail");
            redis.start();
            job.getJobExecutionResult().get();

            try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-outage"))) {
                assertTrue(listsBefore < expected.userItemEvents.size(), "Redis went down mid-run");
                RedisAssertions.assertComplete(expected, store, config.k, Map.of());
            }
        }
    }

    /** Waits until at least {@code min} users have a list, and returns how many had one then. */
    private static long waitForLists(FeatureStoreClient store, ExpectedState expected, int min, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long n = expected.userItemEvents.keySet().stream()
                    .filter(u -> store.recommendationsWithMeta(u, 1).personalised()).count();
            if (n >= min) return n;
            Thread.sleep(200);
        }
        throw new AssertionError("fewer than " + min + " lists appeared within " + timeout);
    }
}
