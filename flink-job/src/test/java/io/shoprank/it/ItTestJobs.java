package io.shoprank.it;

import io.shoprank.job.JobConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Settings shared by the integration tests: a 2-slot MiniCluster and a job config on a temp dir. */
public final class ItTestJobs {
    private ItTestJobs() {}

    public static final int PARALLELISM = 2;

    public static MiniClusterExtension miniCluster() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(c).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());
    }

    /** A file-replay config writing into {@code redisUrl} under {@code namespace}, state under {@code tmp}. */
    public static JobConfig fileJob(String events, String redisUrl, String namespace, Path tmp, String... extra) {
        Map<String, String> m = new HashMap<>();
        m.put("events", events);
        m.put("redis", redisUrl);
        m.put("namespace", namespace);
        m.put("parallelism", Integer.toString(PARALLELISM));
        m.put("checkpoint-interval-ms", "1000");
        m.put("checkpoint-dir", tmp.resolve("checkpoints").toUri().toString());
        m.put("dead-letter-path", tmp.resolve("dead-letters").toString());
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return JobConfig.fromMap(m);
    }
}
