package io.shoprank.it;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays taobao-2h (96,169 real events, one with a 1970 timestamp) through the whole job at parallelism 2
 * into a real redis-server, and checks what a frontend reads: a full list for every user, features for every
 * user and item, each with exactly as many updates as the file holds; the invalid line dead-lettered.
 */
class TaobaoReplayIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    static RedisTestServer redis;

    @BeforeAll
    static void startRedis() {
        redis = new RedisTestServer().start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void replayLeavesAListForEveryUserAndFeaturesForEveryItem(@TempDir Path tmp) throws Exception {
        Path file = TestData.file("taobao-2h.events.jsonl.gz");
        JobConfig config = ItTestJobs.fileJob(file.toString(), redis.url(), "it-taobao", tmp);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ShoprankJob.build(env, config);
        long start = System.nanoTime();
        JobExecutionResult result = env.execute("taobao-2h replay");
        double seconds = (System.nanoTime() - start) / 1e9;

        ExpectedState expected = ExpectedState.of(file);
        Map<String, Object> acc = result.getAllAccumulatorResults();
        assertEquals((long) expected.valid, acc.get(RecordRouter.ACC_EVENTS));
        assertEquals(1L, acc.get(RecordRouter.ACC_INVALID));
        assertEquals(0L, acc.get(RecordRouter.ACC_LATE));
        System.out.printf("taobao-2h at parallelism %d: %d events in %.1f s (%.0f events/s incl. start-up)%n",
                config.parallelism, expected.valid, seconds, expected.valid / seconds);

        try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-taobao"))) {
            RedisAssertions.assertComplete(expected, store, config.k, Map.of());
        }
        List<String> deadLetters = readDeadLetters(tmp.resolve("dead-letters"));
        assertEquals(1, deadLetters.size(), deadLetters.toString());
        assertTrue(deadLetters.get(0).contains("ts before 2000-01-01"), deadLetters.get(0));
        assertTrue(deadLetters.get(0).contains("\\\"ts\\\":15000"), "raw record kept: " + deadLetters.get(0));
    }

    static List<String> readDeadLetters(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }
}
