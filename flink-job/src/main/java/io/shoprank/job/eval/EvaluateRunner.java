package io.shoprank.job.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.job.local.LocalRedis;
import io.shoprank.job.local.ReplayFileSummary;
import io.shoprank.job.source.JsonLinesFiles;
import io.shoprank.store.RedisEndpoint;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * deploy/evaluate.sh: replays an events file through the real job (local MiniCluster, real Redis) and
 * measures it under the prequential protocol of ../shared/tools/prequential_baselines.py, beside that
 * protocol's two reference baselines computed in plain Java over the same file. Writes
 * {@code DIR/report.json}, prints a table and draws {@code DIR/rolling-hr20.png}.
 *
 * <pre>--events FILE [--items FILE] [--out DIR] [--redis URL] [--namespace NS] [--parallelism N]</pre>
 *
 * Any other {@code --name value} is passed to the job (see {@code JobConfig}).
 */
public final class EvaluateRunner {
    private static final int K = 20;

    private EvaluateRunner() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --events FILE [--items FILE] [--out DIR] [--redis URL]"
                        + " [--namespace NS] [--parallelism N]");
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        Path events = Path.of(require(opts, "events"));
        String fileName = events.getFileName().toString();
        Path out = Path.of(opts.getOrDefault("out", "target/eval/" + fileName));
        Files.createDirectories(out);
        opts.putIfAbsent("namespace", "eval-" + fileName.replaceAll("\\.events\\.jsonl(\\.gz)?$", ""));
        opts.putIfAbsent("parallelism", "1");
        opts.putIfAbsent("k", Integer.toString(K));
        // touches wait for the model version their time asks for however long it takes: deterministic figures
        opts.putIfAbsent("model-max-wait-ms", "-1");
        opts.putIfAbsent("checkpoint-dir", out.resolve("checkpoints").toAbsolutePath().toUri().toString());
        opts.putIfAbsent("dead-letter-path", out.resolve("dead-letters").toAbsolutePath().toString());
        opts.remove("out");

        PrintStream console = System.out;
        LocalRedis ownRedis = null;
        if (!opts.containsKey("redis")) {
            ownRedis = LocalRedis.start(out.resolve("redis"));
            opts.put("redis", ownRedis.url());
        }
        try {
            JobConfig config = JobConfig.fromMap(opts);
            clearNamespace(config);
            QualityReport report = evaluate(events, config, console);
            report.coverage = coverage(config, events);
            Map<String, Object> json = report.toMap(fileName, config.parallelism);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve("report.json").toFile(), json);
            console.println();
            console.print(report.table(fileName, config.parallelism));
            RollingChart.write(out.resolve("rolling-hr20.png"), fileName + ": rolling HR@20", report);
            console.println("report: " + out.resolve("report.json") + ", chart: " + out.resolve("rolling-hr20.png"));
        } finally {
            if (ownRedis != null) {
                ownRedis.close();
            }
        }
    }

    /** Runs the job and the baselines side by side (the baselines in their own thread, single-threaded). */
    static QualityReport evaluate(Path events, JobConfig config, PrintStream console) throws Exception {
        QualityReport report = new QualityReport();
        CompletableFuture<BaselineEvaluator.Result> baselines = CompletableFuture.supplyAsync(() -> {
            try {
                return BaselineEvaluator.evaluate(events, K, report::addBaselines);
            } catch (Exception e) {
                throw new IllegalStateException("baselines failed on " + events, e);
            }
        });
        long lines = ReplayFileSummary.scan(events, 0).lines();

        Configuration cluster = new Configuration();
        cluster.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1)); // live accumulators
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(cluster);
        ShoprankJob.Outputs outputs = ShoprankJob.build(env, config);
        long start = System.currentTimeMillis();
        try (CloseableIterator<PrequentialOutcome> outcomes = outputs.outcomes().collectAsync()) {
            JobClient job = env.executeAsync("evaluate " + events.getFileName());
            Thread progress = progressThread(job, lines, start, console);
            while (outcomes.hasNext()) {
                report.addSystem(outcomes.next());
            }
            job.getJobExecutionResult().get();
            progress.interrupt();
        }
        console.print("\r" + bar(lines, lines, System.currentTimeMillis() - start));
        report.baselines = baselines.get();
        return report;
    }

    private static Thread progressThread(JobClient job, long total, long start, PrintStream console) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    Map<String, Object> acc = job.getAccumulators().get();
                    long done = 0;
                    for (String name : List.of(RecordRouter.ACC_EVENTS, RecordRouter.ACC_INVALID, RecordRouter.ACC_LATE)) {
                        Object v = acc.get(name);
                        done += v instanceof Number ? ((Number) v).longValue() : 0;
                    }
                    console.print("\r" + bar(done, total, System.currentTimeMillis() - start));
                    console.flush();
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the job is starting or finishing: try again next tick
                }
            }
        }, "evaluate-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String bar(long done, long total, long elapsedMs) {
        int width = 30;
        double f = total <= 0 ? 0 : Math.min(1, done / (double) total);
        int filled = (int) Math.round(f * width);
        return String.format("replaying [%s%s] %3.0f%%  %,d/%,d  %,.0f events/s", "#".repeat(filled),
                ".".repeat(width - filled), f * 100, done, total, done * 1000.0 / Math.max(1, elapsedMs));
    }

    /** A rerun into the same Redis and namespace must not meet the previous run's versions. */
    private static void clearNamespace(JobConfig config) {
        RedisEndpoint endpoint = RedisEndpoint.parse(config.redisUrl, config.namespace);
        try (Jedis jedis = new Jedis(endpoint.host(), endpoint.port())) {
            if (endpoint.password() != null) jedis.auth(endpoint.password());
            jedis.select(endpoint.database());
            for (List<String> keys : scan(jedis, config.namespace + ":*")) {
                jedis.unlink(keys.toArray(new String[0]));
            }
        }
    }

    /** Share of the file's items that appear in any user's list in Redis after the run. */
    static double coverage(JobConfig config, Path events) throws Exception {
        Set<String> catalog = new HashSet<>();
        try (var lines = JsonLinesFiles.open(events)) {
            String line;
            ObjectMapper json = new ObjectMapper();
            while ((line = lines.readLine()) != null) {
                PrequentialProtocol.Event e = PrequentialProtocol.countedEvent(json.readTree(line));
                if (e != null) catalog.add(e.item());
            }
        }
        RedisEndpoint endpoint = RedisEndpoint.parse(config.redisUrl, config.namespace);
        Set<String> served = new HashSet<>();
        try (Jedis jedis = new Jedis(endpoint.host(), endpoint.port())) {
            if (endpoint.password() != null) jedis.auth(endpoint.password());
            jedis.select(endpoint.database());
            for (List<String> keys : scan(jedis, config.namespace + ":rec:*")) {
                for (String key : keys) {
                    served.addAll(jedis.lrange(key, 0, -1));
                }
            }
        }
        served.retainAll(catalog);
        return catalog.isEmpty() ? 0 : served.size() / (double) catalog.size();
    }

    private static List<List<String>> scan(Jedis jedis, String pattern) {
        List<List<String>> batches = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(pattern).count(1000);
        do {
            ScanResult<String> r = jedis.scan(cursor, params);
            if (!r.getResult().isEmpty()) batches.add(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return batches;
    }

    private static String require(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }
}
