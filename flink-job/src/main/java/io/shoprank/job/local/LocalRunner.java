package io.shoprank.job.local;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.Recommendations;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the job in a local MiniCluster with the Flink dashboard, shows progress, and at the end prints what a
 * frontend would read for a few users. Used by deploy/run-local.sh. Runner-only flags: {@code --web-port N}
 * (8081), {@code --show-users N} (5); every other flag is a job setting (see {@code --help}).
 */
public final class LocalRunner {
    private LocalRunner() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        int webPort = 8081;
        int showUsers = 5;
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--web-port": webPort = Integer.parseInt(args[++i]); break;
                case "--show-users": showUsers = Integer.parseInt(args[++i]); break;
                case "--help":
                case "-h":
                    out.println("Local run. --web-port N (8081), --show-users N (5), and the job settings:\n"
                            + JobConfig.describe());
                    return;
                default: jobArgs.add(args[i]);
            }
        }
        JobConfig config = JobConfig.fromArgs(jobArgs.toArray(new String[0]));

        ReplayFileSummary summary = config.source == JobConfig.SourceKind.FILE
                ? ReplayFileSummary.scan(Path.of(config.eventsPath), showUsers)
                : new ReplayFileSummary(0, List.of());

        Configuration cluster = new Configuration();
        cluster.set(RestOptions.PORT, webPort);
        // accumulators and metrics reach the dashboard with heartbeats / fetches: every second, not every ten
        cluster.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        cluster.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(cluster);
        ShoprankJob.build(env, config);
        out.printf("shoprank: %s -> %s (namespace %s), parallelism %d; dashboard http://localhost:%d%n",
                config.source == JobConfig.SourceKind.FILE ? config.eventsPath : "kafka " + config.kafkaBootstrap,
                config.redisUrl, config.namespace, config.parallelism, webPort);
        long start = System.currentTimeMillis();
        JobClient job = env.executeAsync("shoprank");
        JobExecutionResult result;
        try (ProgressMonitor ignored = new ProgressMonitor(webPort, job.getJobID().toString(), summary.lines(), out)) {
            result = job.getJobExecutionResult().get();
        }
        double seconds = (System.currentTimeMillis() - start) / 1000.0;
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long events = ((Number) acc.getOrDefault(RecordRouter.ACC_EVENTS, 0L)).longValue();
        out.printf("%nDone in %.1f s: %,d events (%,.0f events/s end to end, start-up included), "
                        + "%s dead-lettered as invalid, %s late (dead letters: %s).%n",
                seconds, events, events / seconds, acc.getOrDefault(RecordRouter.ACC_INVALID, 0L),
                acc.getOrDefault(RecordRouter.ACC_LATE, 0L),
                config.source == JobConfig.SourceKind.FILE ? config.deadLetterPath : config.deadLetterTopic);
        printUsers(config, summary.busiestUsers(), out);
    }

    private static void printUsers(JobConfig config, List<String> users, PrintStream out) {
        try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(config.redisUrl, config.namespace))) {
            out.println("\nWhat a frontend reads from Redis (FeatureStoreClient), for the busiest users:");
            for (String user : users) {
                Map<String, String> features = store.userFeatures(user);
                out.printf("%nuser %s  (events 24h: views %s, carts %s, purchases %s; recent %s)%n", user,
                        features.getOrDefault("views_24h", "-"), features.getOrDefault("carts_24h", "-"),
                        features.getOrDefault("purchases_24h", "-"), features.getOrDefault("recent_items", "[]"));
                Recommendations r = store.recommendationsWithMeta(user, 10);
                for (int i = 0; i < r.items().size(); i++) {
                    String item = r.items().get(i);
                    String title = store.itemFeatures(item).getOrDefault("title", "");
                    out.printf("  %2d. %-14s %-50.50s %s%n", i + 1, item, title, r.reasons().get(i));
                }
            }
            out.println("\nGlobal trending (fallback for unknown users): " + store.trending(10));
        }
    }
}
