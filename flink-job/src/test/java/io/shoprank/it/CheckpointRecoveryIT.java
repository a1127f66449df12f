package io.shoprank.it;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.source.Sources;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails the job mid-stream after a checkpoint; Flink restores it from the checkpoint and replays the rest.
 * Afterwards every key in Redis counts every update exactly (nothing lost), and a watcher polling Redis
 * during the run never saw a version go down (the replay after the restore never overwrote newer values).
 */
class CheckpointRecoveryIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    @Test
    void failureMidStreamLosesNothingAndNeverGoesBackInTime(@TempDir Path tmp) throws Exception {
        Path file = TestData.file("taobao-815users.events.jsonl.gz");
        ExpectedState expected = ExpectedState.of(file);
        try (RedisTestServer redis = new RedisTestServer().start();
             FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-recovery"))) {
            // paced so that checkpoints complete while the replay is still far from its end
            JobConfig config = ItTestJobs.fileJob(file.toString(), redis.url(), "it-recovery", tmp,
                    "speedup", "60000", "checkpoint-interval-ms", "500");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            ShoprankJob.configure(env, config);
            DataStream<ParsedRecord> records = Sources.records(env, config)
                    .map(new FailOnceAfterCheckpoint(expected.valid / 3)).name("fault injection").uid("fault-injection");
            ShoprankJob.build(records, config);

            List<String> watched = new ArrayList<>(expected.userItemEvents.keySet()).subList(0, 200);
            FailOnceAfterCheckpoint.INJECTED.set(0);
            MonotonicityWatcher watcher = new MonotonicityWatcher(store, watched);
            try {
                env.execute("recovery");
            } finally {
                watcher.close();
            }
            assertEquals(1, FailOnceAfterCheckpoint.INJECTED.get(), "exactly one injected failure");
            assertTrue(watcher.reads() > 1000, "the watcher polled Redis during the run: " + watcher.reads());
            assertTrue(watcher.violations().isEmpty(), "Redis went back in time: " + watcher.violations());
            RedisAssertions.assertComplete(expected, store, config.k, Map.of());
        }
    }
}
