package io.shoprank.job.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.store.RedisEndpoint;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * deploy/benchmark.sh: the performance figures of the job, each beside its reference, in one run on this
 * machine. Phases (each its own local MiniCluster in this JVM, RocksDB, checkpoints every 10 s, Redis writes):
 *
 * <ol>
 *   <li>{@code throughput}: the full job ({@link ShoprankJob#build}) unpaced: sustained events/s after a
 *       warm-up; then a stop-with-savepoint gives the state size per operator, per user and per item, and the
 *       heap is read (the TaskManager runs in this JVM).</li>
 *   <li>{@code passthrough}: the reference, {@link PassThroughJob}: the same source and parsing, one Redis
 *       write per event.</li>
 *   <li>{@code fresh2000}: the full job at a fixed offered load ({@code --rate 2000}): freshness, then
 *       {@code reads}: {@link ReadLoad} while the job keeps writing.</li>
 *   <li>{@code passthroughfresh}: the pass-through job at the same load: the freshness floor of source, sink
 *       and Redis.</li>
 *   <li>{@code freshhalf}: the full job at half the throughput measured in phase 1.</li>
 * </ol>
 *
 * Volume: the events file is replayed with {@code --repeat} (pass p shifted by p times the file's span, ids
 * suffixed {@code ~p}). Events are counted at the events source's output ({@code numRecordsOut}); freshness
 * is every sample of the Redis sink's {@code redis.freshnessMs} histogram in the window (see
 * {@link HistogramTap}). Writes {@code OUT/results.json} and prints a table of figure vs target.
 *
 * <pre>--events FILE --redis URL [--out DIR] [--phases throughput,passthrough,fresh2000,passthroughfresh,freshhalf]
 * [--rate 2000] [--half-rate N] [--warmup-s 30] [--warmup-events 0] [--measure-s 60] [--fresh-measure-s 40] [--reads-s 30]
 * [--readers 4] [--read-rate 500] [--jfr true] [--profile-s 20] [--flush-redis true] [--parallelism 2] [--web-port 0]
 * [--managed-memory-mb 1024]
 * [--job-arg name=value]...</pre>
 */
public final class BenchmarkRunner {
    static final double TARGET_THROUGHPUT = 50_000;
    static final double TARGET_RATIO = 0.25;
    static final double TARGET_FRESHNESS_P99_MS = 500;
    static final double TARGET_READ_P99_MS = 1.0;
    static final String NAMESPACE = "bench";
    /** Sampler pauses between histogram polls ({@code JobRun#nextPollMs}). */
    static final long MIN_POLL_MS = 100;
    static final long MAX_POLL_MS = 1_000;
    /** New samples in one histogram (of its 10,000-value window) above which the next poll comes soon. */
    static final int POLL_SOON_AFTER = 2_500;

    private final Map<String, String> opts;
    private final Path out;
    private final Path events;
    private final PrintStream console = System.out;
    private final MetricsCapture capture = new MetricsCapture();
    private final Map<String, Object> results = new LinkedHashMap<>();
    private ReplayStats stats;

    private BenchmarkRunner(Map<String, String> opts) {
        this.opts = opts;
        this.events = Path.of(require("events")).toAbsolutePath();
        this.out = Path.of(opts.getOrDefault("out", "target/benchmark")).toAbsolutePath();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        List<String> jobArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            if (args[i].equals("--job-arg")) {
                String[] kv = args[i + 1].split("=", 2);
                jobArgs.add("--" + kv[0]);
                jobArgs.add(kv[1]);
            } else {
                opts.put(args[i].substring(2), args[i + 1]);
            }
        }
        opts.put("job-args", String.join("\u0000", jobArgs));
        new BenchmarkRunner(opts).run();
        System.exit(0); // Flink and Jedis leave non-daemon threads behind
    }

    private void run() throws Exception {
        Files.createDirectories(out);
        List<String> phases = List.of(opts.getOrDefault("phases",
                "throughput,passthrough,fresh2000,passthroughfresh,freshhalf").split(","));
        console.printf("shoprank benchmark: %s, phases %s, output %s%n", events, phases, out);
        stats = ReplayStats.scan(events);
        console.printf("replay file: %,d lines, %,d valid events, %,d users, %,d items, event-time span %.1f h%n",
                stats.lines, stats.validEvents, stats.users(), stats.items(), (stats.maxTs - stats.minTs) / 3.6e6);
        results.put("date", LocalDate.now().toString());
        results.put("machine", machine());
        results.put("data", data());
        results.put("settings", settings());
        Map<String, Object> phaseResults = new LinkedHashMap<>();
        results.put("phases", phaseResults);
        writeResults(); // partial results survive a failed phase

        double rate = num("rate", 2000);
        if (phases.contains("throughput")) {
            phaseResults.put("throughput", throughput(false));
            writeResults();
        }
        if (phases.contains("passthrough")) {
            phaseResults.put("passthrough", throughput(true));
            writeResults();
        }
        if (phases.contains("fresh2000")) {
            phaseResults.put("fresh2000", freshness("fresh2000", false, rate, true));
            writeResults();
        }
        if (phases.contains("passthroughfresh")) {
            phaseResults.put("passthroughfresh", freshness("passthroughfresh", true, rate, false));
            writeResults();
        }
        if (phases.contains("freshhalf")) {
            double half = opts.containsKey("half-rate") ? num("half-rate", 0) : halfOfMax(phaseResults);
            if (half > 0) {
                phaseResults.put("freshhalf", freshness("freshhalf", false, half, false));
            } else {
                console.println("freshhalf: skipped (no measured maximum; pass --half-rate N)");
            }
            writeResults();
        }
        List<Map<String, Object>> jmh = jmh();
        if (!jmh.isEmpty()) {
            results.put("jmh", jmh);
        }
        List<Map<String, Object>> table = Targets.evaluate(phaseResults);
        results.put("targets", table);
        writeResults();
        console.println();
        Targets.print(table, console);
        if (!jmh.isEmpty()) {
            console.println("\nJMH microbenchmarks (hot pure-Java paths, one thread; time per operation):");
            for (Map<String, Object> b : jmh) {
                // each benchmark in its own unit (ns/op, us/op, ms/op): three significant digits at least
                double score = (Double) b.get("score");
                String digits = score >= 100 ? "%,.0f" : score >= 10 ? "%,.1f" : "%,.3f";
                console.printf("  %-58s %12s %-6s +- %s%n", b.get("benchmark") + (b.get("params") == null ? ""
                        : " " + b.get("params")), String.format(digits, score), b.get("unit"),
                        String.format(digits, (Double) b.get("error")));
            }
        }
        console.printf("%nresults: %s%n", out.resolve("results.json"));
    }

    /** The JMH results ({@code -rf json}) named by {@code --jmh FILE}, condensed. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> jmh() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        String file = opts.get("jmh");
        if (file == null || !Files.exists(Path.of(file))) return rows;
        for (Map<String, Object> b : (List<Map<String, Object>>) new ObjectMapper().readValue(Path.of(file).toFile(), List.class)) {
            Map<String, Object> metric = (Map<String, Object>) b.get("primaryMetric");
            Map<String, Object> r = new LinkedHashMap<>();
            String name = b.get("benchmark").toString();
            r.put("benchmark", name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            r.put("params", b.get("params"));
            r.put("score", ((Number) metric.get("score")).doubleValue());
            r.put("error", metric.get("scoreError") instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : 0.0);
            r.put("unit", metric.get("scoreUnit"));
            rows.add(r);
        }
        return rows;
    }

    private double halfOfMax(Map<String, Object> phases) {
        Object t = phases.get("throughput");
        if (t instanceof Map<?, ?> m && m.get("eventsPerSecond") instanceof Number n) {
            return Math.floor(n.doubleValue() / 2);
        }
        return 0;
    }

    // ------------------------------------------------------------------------------------------ phases

    private Map<String, Object> throughput(boolean passThrough) throws Exception {
        String phase = passThrough ? "passthrough" : "throughput";
        Duration warmup = seconds(passThrough ? "pass-warmup-s" : "warmup-s", passThrough ? 10 : 30);
        Duration measure = seconds(passThrough ? "pass-measure-s" : "measure-s", passThrough ? 30 : 60);
        Duration profile = passThrough || !bool("jfr", true) ? Duration.ZERO : seconds("profile-s", 20);
        // warm-up by events as well as by time: two jobs of different speed are then measured with the same
        // state behind them (a time-only warm-up measures the slower job with less state, so on cheaper reads)
        long warmupEvents = passThrough ? 0 : (long) num("warmup-events", 0);
        int repeat = stats.passesFor(300_000, warmup.plus(measure).plus(profile).toSeconds() + 30
                + warmupEvents / 1_000.0);
        console.printf("%n== %s: %s, unpaced, %d passes available, warm-up %d s%s, measured %d s%n", phase,
                passThrough ? "pass-through job (source, parse, one Redis write per event)" : "full job",
                repeat, warmup.toSeconds(), warmupEvents > 0 ? String.format(" and %,d events", warmupEvents) : "",
                measure.toSeconds());
        try (JobRun run = new JobRun(phase, passThrough, 0, repeat)) {
            run.awaitFirstRecords();
            long warmupStart = System.nanoTime();
            run.sleep(warmup);
            run.awaitEvents(warmupEvents);
            double warmupSeconds = (System.nanoTime() - warmupStart) / 1e9;
            JobRun.Window w = run.measure(measure);
            if (!profile.isZero()) {
                // after the measured window, not during it: starting a recording retransforms JDK classes
                // for its events, which deoptimises compiled code that inlined them, and the JIT recompiling
                // it took 0.3 of the two cores in the window it was started in
                w.profile = run.profile(profile);
            }
            Map<String, Object> r = w.toMap();
            r.put("warmupSeconds", round(warmupSeconds, 1));
            r.put("warmupEvents", warmupEvents);
            if (!passThrough) {
                r.put("heapWhileRunning", heap(true));
                r.put("state", run.stopWithSavepoint());
                r.put("heapAfterRun", heap(true));
            } else {
                run.cancel();
            }
            r.put("checkpoints", run.checkpointSummary());
            console.printf("%s: %,.0f events/s sustained (%,d events in %.1f s)%n", phase,
                    w.eventsPerSecond(), w.events, w.seconds);
            return r;
        }
    }

    private Map<String, Object> freshness(String phase, boolean passThrough, double rate, boolean reads)
            throws Exception {
        Duration warmup = seconds(passThrough ? "pass-warmup-s" : "fresh-warmup-s", passThrough ? 10 : 20);
        Duration measure = seconds(passThrough ? "pass-measure-s" : "fresh-measure-s", passThrough ? 30 : 40);
        Duration readTime = seconds("reads-s", 30);
        double total = warmup.plus(measure).toSeconds() + (reads ? readTime.toSeconds() : 0) + 30;
        int repeat = stats.passesFor(rate, total);
        console.printf("%n== %s: %s at %,.0f events/s offered, %d passes, warm-up %d s, measured %d s%s%n", phase,
                passThrough ? "pass-through job" : "full job", rate, repeat, warmup.toSeconds(), measure.toSeconds(),
                reads ? ", then reads for " + readTime.toSeconds() + " s" : "");
        try (JobRun run = new JobRun(phase, passThrough, rate, repeat)) {
            run.awaitFirstRecords();
            run.sleep(warmup);
            JobRun.Window w = run.measure(measure);
            Map<String, Object> r = w.toMap();
            r.put("offeredRate", rate);
            console.printf("%s: freshness p50 %s ms, p99 %s ms, max %s ms over %,d lists written (%,.0f events/s)%n",
                    phase, fmt(w.freshness.percentile(50)), fmt(w.freshness.percentile(99)), fmt(w.freshness.max()),
                    w.freshness.size(), w.eventsPerSecond());
            if (w.checkpointAnalysis != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> clear = (Map<String, Object>) w.checkpointAnalysis.get("freshnessClearOfCheckpoints");
                @SuppressWarnings("unchecked")
                Map<String, Object> hit = (Map<String, Object>) w.checkpointAnalysis.get("freshnessOverlappingACheckpoint");
                console.printf("%s: lists clear of checkpoints: p50 %s, p99 %s ms (%s); overlapping a checkpoint: "
                                + "p50 %s, p99 %s ms (%s)%n", phase, clear.get("p50"), clear.get("p99"), clear.get("samples"),
                        hit.get("p50"), hit.get("p99"), hit.get("samples"));
            }
            if (reads) {
                r.put("reads", run.reads(readTime));
            }
            r.put("checkpoints", run.checkpointSummary());
            run.cancel();
            if (reads) {
                // the same reads with nothing writing: how much of the read latency the job's writes cause
                r.put("readsJobStopped", run.reads(seconds("idle-reads-s", 10)));
            }
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------ one job

    /** One job on its own MiniCluster: sampling of counters and freshness, measurement windows, the end. */
    private final class JobRun implements AutoCloseable {
        final String phase;
        final JobConfig config;
        final BenchCluster cluster;
        final JobClient client;
        final Predicate<String> eventsSource;
        final List<HistogramTap> freshnessTaps = new ArrayList<>();
        final List<HistogramTap> batchTaps = new ArrayList<>();
        final Thread sampler;
        volatile LongSamples freshnessSink = new LongSamples();
        volatile LongSamples batchSink = new LongSamples();
        volatile boolean sampling = true;
        final boolean paced;
        List<Poll> timeline = new ArrayList<>();
        List<Poll> lastTimeline = new ArrayList<>();
        final long startNanos = System.nanoTime();

        JobRun(String phase, boolean passThrough, double rate, int repeat) throws Exception {
            this.phase = phase;
            this.paced = rate > 0;
            List<String> args = new ArrayList<>(List.of(
                    "--events", events.toString(),
                    "--redis", require("redis"),
                    "--namespace", NAMESPACE,
                    "--parallelism", opts.getOrDefault("parallelism", "2"),
                    "--checkpoint-dir", out.resolve("checkpoints").resolve(phase).toUri().toString(),
                    "--dead-letter-path", out.resolve("dead-letters").resolve(phase).toString(),
                    "--repeat", Integer.toString(repeat),
                    "--rate", Double.toString(rate)));
            if (opts.containsKey("items")) {
                args.addAll(List.of("--items", Path.of(opts.get("items")).toAbsolutePath().toString()));
            }
            String jobArgs = opts.getOrDefault("job-args", "");
            if (!jobArgs.isEmpty()) args.addAll(List.of(jobArgs.split("\u0000")));
            config = JobConfig.fromArgs(args.toArray(new String[0]));
            if (bool("flush-redis", false)) {
                try (Jedis j = jedis()) {
                    j.flushAll(redis.clients.jedis.args.FlushMode.ASYNC); // freed in the background
                }
            }
            deleteRecursively(out.resolve("checkpoints").resolve(phase));
            capture.clear();
            cluster = BenchCluster.start(config.parallelism, (int) num("web-port", 0),
                    (long) num("managed-memory-mb", 1024), capture);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            if (passThrough) {
                PassThroughJob.build(env, config);
            } else {
                ShoprankJob.build(env, config);
            }
            client = cluster.submit(env, "shoprank-bench-" + phase);
            String sourceName = "replay:" + events.getFileName();
            eventsSource = op -> op.equals(sourceName) || op.equals("Source: " + sourceName);
            sampler = new Thread(this::sampleLoop, "bench-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        long sourceRecords() {
            return capture.sum("numRecordsOut", eventsSource);
        }

        void awaitFirstRecords() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (sourceRecords() == 0) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(phase + ": no records after 120 s");
                JobStatus s = client.getJobStatus().get();
                if (s.isGloballyTerminalState()) throw new IllegalStateException(phase + ": job ended: " + s);
                Thread.sleep(100);
            }
            console.printf("%s: running, first records after %.1f s%n", phase, (System.nanoTime() - startNanos) / 1e9);
        }

        void sleep(Duration d) throws InterruptedException {
            Thread.sleep(d.toMillis());
        }

        /** Waits until the job has routed {@code n} events (at most 30 minutes). */
        void awaitEvents(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (n > 0 && capture.sum("events.in", op -> true) < n) {
                if (System.nanoTime() > deadline) throw new IllegalStateException(phase + ": fewer than " + n + " events after 30 min");
                Thread.sleep(200);
            }
        }

        private void sampleLoop() {
            long pauseMs = MIN_POLL_MS;
            while (sampling) {
                try {
                    Thread.sleep(pauseMs);
                    pauseMs = nextPollMs(pauseMs, pollTaps());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // a metric being registered or a task ending: next round
                }
            }
        }

        /** Returns the most new samples any one histogram had (of its 10,000-value window). */
        synchronized int pollTaps() {
            if (freshnessTaps.isEmpty()) {
                for (MetricsCapture.Entry e : capture.histograms("redis.freshnessMs")) {
                    freshnessTaps.add(new HistogramTap((Histogram) e.metric()));
                }
                for (MetricsCapture.Entry e : capture.histograms("redis.batchLatencyMs")) {
                    batchTaps.add(new HistogramTap((Histogram) e.metric()));
                }
            }
            LongSamples fresh = new LongSamples();
            int most = 0;
            for (HistogramTap t : freshnessTaps) most = Math.max(most, t.poll(fresh));
            if (fresh.size() > 0) {
                freshnessSink.addAll(fresh);
                timeline.add(new Poll(System.currentTimeMillis(), fresh.toArray()));
            }
            LongSamples b = batchSink;
            for (HistogramTap t : batchTaps) most = Math.max(most, t.poll(b));
            return most;
        }

        /**
         * The pause before the next poll. Reading a histogram's window computes its statistics over all 10,000
         * values, which at 10 polls a second took 7-20 % of the CPU samples of an unpaced run (a job competing
         * with the benchmark for two cores): so an unpaced phase, where freshness only shows queueing, polls
         * once a second unless a window fills fast. A paced phase polls every 100 ms: the poll time stands in
         * for the write's acknowledgement in the checkpoint analysis.
         */
        long nextPollMs(long pauseMs, int mostNew) {
            if (paced || mostNew > POLL_SOON_AFTER) return MIN_POLL_MS;
            return Math.min(MAX_POLL_MS, pauseMs * 2);
        }

        /** Starts fresh sample sets now (what came before is dropped); returns the finished ones. */
        synchronized LongSamples[] swapSamples() {
            pollTaps();
            LongSamples[] old = {freshnessSink, batchSink};
            freshnessSink = new LongSamples();
            batchSink = new LongSamples();
            lastTimeline = timeline;
            timeline = new ArrayList<>();
            return old;
        }

        /**
         * How checkpoints relate to freshness in the last window: the window's checkpoints (trigger, duration,
         * and per operator the largest sync, async, alignment and start-delay times), and the freshness of the
         * lists whose way through the job ([ingest, ack]) overlapped a checkpoint against those that did not.
         */
        Map<String, Object> checkpointAnalysis(long fromMs, long toMs) throws Exception {
            AccessExecutionGraph g = cluster.graph(client.getJobID());
            List<long[]> spans = new ArrayList<>();
            List<Map<String, Object>> list = new ArrayList<>();
            Map<String, double[]> perVertex = new LinkedHashMap<>();
            for (AbstractCheckpointStats c : g.getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
                long start = c.getTriggerTimestamp();
                long end = start + Math.max(0, c.getEndToEndDuration());
                if (end < fromMs - 60_000 || start > toMs) continue;
                spans.add(new long[] {start, end});
                if (start < fromMs || start > toMs) continue;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.getCheckpointId());
                m.put("atSecond", round((start - fromMs) / 1000.0, 1));
                m.put("durationMs", c.getEndToEndDuration());
                m.put("status", c.getStatus().toString());
                m.put("savepoint", c.getProperties().isSavepoint());
                if (c instanceof org.apache.flink.runtime.checkpoint.FailedCheckpointStats f) {
                    m.put("failure", f.getFailureMessage());
                }
                list.add(m);
                for (AccessExecutionJobVertex v : g.getVerticesTopologically()) {
                    TaskStateStats t = c.getTaskStateStats(v.getJobVertexId());
                    if (t == null) continue;
                    var sum = t.getSummaryStats();
                    double[] mx = perVertex.computeIfAbsent(shortName(v.getName()), k -> new double[4]);
                    mx[0] = Math.max(mx[0], sum.getSyncCheckpointDurationStats().getMaximum());
                    mx[1] = Math.max(mx[1], sum.getAsyncCheckpointDurationStats().getMaximum());
                    mx[2] = Math.max(mx[2], sum.getAlignmentDurationStats().getMaximum());
                    mx[3] = Math.max(mx[3], sum.getCheckpointStartDelayStats().getMaximum());
                }
            }
            Map<String, Object> vertices = new LinkedHashMap<>();
            perVertex.forEach((name, mx) -> vertices.put(name, Map.of("syncMsMax", (long) mx[0], "asyncMsMax",
                    (long) mx[1], "alignmentMsMax", (long) mx[2], "startDelayMsMax", (long) mx[3])));
            LongSamples overlapping = new LongSamples();
            LongSamples clean = new LongSamples();
            for (Poll p : lastTimeline) {
                for (long v : p.values) {
                    long ingest = p.ms - v;
                    boolean hit = false;
                    for (long[] span : spans) {
                        if (ingest <= span[1] && p.ms >= span[0]) {
                            hit = true;
                            break;
                        }
                    }
                    (hit ? overlapping : clean).add(v);
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checkpoints", list);
            m.put("perOperatorMax", vertices);
            m.put("freshnessOverlappingACheckpoint", latencyMs(overlapping, 1));
            m.put("freshnessClearOfCheckpoints", latencyMs(clean, 1));
            return m;
        }

        Window measure(Duration d) throws Exception {
            swapSamples();
            Snapshot a = snapshot();
            List<long[]> perSecond = new ArrayList<>();
            long end = System.nanoTime() + d.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                perSecond.add(new long[] {System.nanoTime(), sourceRecords()});
                if (perSecond.size() % 10 == 0) {
                    JobStatus s = client.getJobStatus().get();
                    if (s.isGloballyTerminalState()) {
                        console.printf("%s: job ended during the measurement (%s)%n", phase, s);
                        break;
                    }
                }
            }
            Snapshot b = snapshot();
            LongSamples[] samples = swapSamples();
            Window w = new Window(a, b, samples[0], samples[1], perSecond);
            try {
                w.checkpointAnalysis = checkpointAnalysis(a.wallMs, b.wallMs);
            } catch (Exception e) {
                console.println(phase + ": no checkpoint analysis: " + e);
            }
            return w;
        }

        /** A JFR recording ("profile" settings) of the next {@code d}, summarised into hotspots. */
        Map<String, Object> profile(Duration d) throws Exception {
            Path file = out.resolve(phase + ".jfr");
            try (jdk.jfr.Recording recording =
                         new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
                recording.setName("benchmark-" + phase);
                recording.start();
                Thread.sleep(d.toMillis());
                recording.stop();
                recording.dump(file);
            }
            JfrHotspots.Summary summary = JfrHotspots.summarize(file, 12);
            Path report = out.resolve("hotspots-" + phase + ".txt");
            try (PrintStream p = new PrintStream(Files.newOutputStream(report))) {
                JfrHotspots.print(summary, p, 20);
            }
            Map<String, Object> profile = JfrHotspots.toMap(summary, 12);
            profile.put("seconds", d.toSeconds());
            profile.put("recording", file.toString());
            profile.put("report", report.toString());
            return profile;
        }

        Snapshot snapshot() {
            Snapshot s = new Snapshot();
            s.nanos = System.nanoTime();
            s.wallMs = System.currentTimeMillis();
            s.sourceRecords = sourceRecords();
            s.routedEvents = capture.sum("events.in", op -> true);
            s.redisWrites = capture.sum("redis.writes", op -> true);
            s.processCpuNanos = processCpuNanos();
            s.machine = ProcStat.read();
            s.threads = threadCpu();
            s.osThreads = osThreadCpu();
            s.redisCpu = redisCpuSeconds();
            s.redisCommands = redisCommandStats();
            return s;
        }

        /** The read load, in a child JVM (see {@link ReadLoad#main}), while this job keeps writing. */
        @SuppressWarnings("unchecked")
        Map<String, Object> reads(Duration d) throws Exception {
            int readers = (int) num("readers", 4);
            double rate = num("read-rate", 500);
            swapSamples();
            console.printf("%s: %d readers at %,.0f reads/s each for %d s (separate JVM) ...%n", phase, readers, rate,
                    d.toSeconds());
            String label = phase + (client.getJobStatus().get().isGloballyTerminalState() ? "-stopped" : "");
            Path json = out.resolve("reads-" + label + ".json");
            Files.deleteIfExists(json);
            Map<String, long[]> commandsBefore = redisCommandStats();
            long readStart = System.nanoTime();
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "-Dlog4j2.level=WARN", ReadLoad.class.getName(),
                    "--redis", config.redisUrl, "--namespace", config.namespace, "--readers", Integer.toString(readers),
                    "--rate", Double.toString(rate), "--seconds", Long.toString(d.toSeconds()),
                    "--k", Integer.toString(config.k), "--out", json.toString())
                    .redirectErrorStream(true).redirectOutput(out.resolve("reads-" + label + ".log").toFile()).start();
            if (!p.waitFor(d.toSeconds() + 120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the read load did not finish; see reads-" + label + ".log");
            }
            if (p.exitValue() != 0 || !Files.exists(json)) {
                throw new IllegalStateException("the read load failed; see reads-" + label + ".log");
            }
            LongSamples[] duringReads = swapSamples();
            Map<String, Object> m = new ObjectMapper().readValue(json.toFile(), LinkedHashMap.class);
            m.put("redisCommands", commandDelta(commandsBefore, redisCommandStats(), (System.nanoTime() - readStart) / 1e9));
            m.put("freshnessDuringReads", latencyMs(duringReads[0], 1));
            Map<String, Object> rec = (Map<String, Object>) m.get("recommendations");
            Map<String, Object> get = (Map<String, Object>) m.get("plainGet");
            console.printf("%s: recommendations(user, %d) p50 %s ms, p99 %s ms; GET of %s bytes p50 %s ms, "
                            + "p99 %s ms (%s + %s reads, %s errors)%n", label, config.k, rec.get("p50"), rec.get("p99"),
                    m.get("valueBytes"), get.get("p50"), get.get("p99"), rec.get("samples"), get.get("samples"),
                    m.get("errors"));
            return m;
        }

        /** Stops the job with a canonical savepoint: every operator's full state, with the sources stopped. */
        Map<String, Object> stopWithSavepoint() throws Exception {
            long t0 = System.nanoTime();
            String path = client.stopWithSavepoint(false, out.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
            client.getJobExecutionResult().get(5, TimeUnit.MINUTES);
            long lines = sourceRecords();
            AccessExecutionGraph g = cluster.graph(client.getJobID());
            CheckpointStatsSnapshot cs = g.getCheckpointStatsSnapshot();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("savepoint", path);
            m.put("savepointSeconds", round((System.nanoTime() - t0) / 1e9, 1));
            m.put("stateBackend", g.getStateBackendName().orElse("?"));
            m.put("linesReplayed", lines);
            long users = stats.usersAfter(lines);
            long items = stats.itemsAfter(lines);
            m.put("users", users);
            m.put("items", items);
            AbstractCheckpointStats sp = cs.getHistory().getLatestSavepoint();
            AbstractCheckpointStats cp = cs.getHistory().getLatestCompletedCheckpoint();
            Map<String, long[]> perVertex = new LinkedHashMap<>();
            for (AccessExecutionJobVertex v : g.getVerticesTopologically()) {
                long[] sizes = {size(sp, v), size(cp, v)};
                perVertex.put(v.getName(), sizes);
            }
            long userBytes = 0;
            long itemBytes = 0;
            List<Map<String, Object>> ops = new ArrayList<>();
            for (Map.Entry<String, long[]> e : perVertex.entrySet()) {
                String name = e.getKey();
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("vertex", name);
                o.put("savepointBytes", e.getValue()[0]);
                o.put("lastCheckpointBytes", e.getValue()[1]);
                ops.add(o);
                if (keyedBy(name, "user features", "user sequence", "recommend")) userBytes += e.getValue()[0];
                if (keyedBy(name, "item features", "co-visitation")) itemBytes += e.getValue()[0];
            }
            m.put("operators", ops);
            m.put("savepointTotalBytes", sp == null ? -1 : sp.getStateSize());
            m.put("lastCheckpointTotalBytes", cp == null ? -1 : cp.getStateSize());
            m.put("userStateBytes", userBytes);
            m.put("itemStateBytes", itemBytes);
            m.put("bytesPerUser", users == 0 ? 0 : round((double) userBytes / users, 1));
            m.put("bytesPerItem", items == 0 ? 0 : round((double) itemBytes / items, 1));
            console.printf("%s: savepoint %s: %,d users, %,d items: %,.0f bytes/user, %,.0f bytes/item "
                            + "(canonical savepoint; %,d bytes in all)%n", phase, path, users, items,
                    (double) userBytes / Math.max(1, users), (double) itemBytes / Math.max(1, items),
                    sp == null ? -1 : sp.getStateSize());
            return m;
        }

        private boolean keyedBy(String vertex, String... names) {
            String v = vertex.toLowerCase(Locale.ROOT);
            for (String n : names) {
                if (v.equals(n) || v.startsWith(n + " ") || v.contains("-> " + n) || v.startsWith(n + " ->")) return true;
            }
            return false;
        }

        private long size(AbstractCheckpointStats s, AccessExecutionJobVertex v) {
            if (s == null) return -1;
            TaskStateStats t = s.getTaskStateStats(v.getJobVertexId());
            return t == null ? -1 : t.getStateSize();
        }

        Map<String, Object> checkpointSummary() throws Exception {
            AccessExecutionGraph g = cluster.graph(client.getJobID());
            CheckpointStatsSnapshot cs = g.getCheckpointStatsSnapshot();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("completed", cs.getCounts().getNumberOfCompletedCheckpoints());
            m.put("failed", cs.getCounts().getNumberOfFailedCheckpoints());
            var d = cs.getSummaryStats().getEndToEndDurationStats();
            m.put("durationMsAvg", d.getCount() == 0 ? null : d.getAverage());
            m.put("durationMsMax", d.getCount() == 0 ? null : d.getMaximum());
            AbstractCheckpointStats cp = cs.getHistory().getLatestCompletedCheckpoint();
            m.put("lastFullSizeBytes", cp == null ? null : cp.getStateSize());
            m.put("lastIncrementalSizeBytes", cp == null ? null : cp.getCheckpointedSize());
            var failed = cs.getHistory().getLatestFailedCheckpoint();
            if (failed != null) m.put("lastFailure", failed.getFailureMessage());
            return m;
        }

        void cancel() throws Exception {
            if (!client.getJobStatus().get().isGloballyTerminalState()) {
                client.cancel().get(2, TimeUnit.MINUTES);
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!client.getJobStatus().get().isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws Exception {
            sampling = false;
            sampler.interrupt();
            try {
                cancel();
            } catch (Exception ignored) {
                // already ended
            }
            cluster.close();
        }

        /** Measurements between two snapshots. */
        final class Window {
            final long events;
            final double seconds;
            final Snapshot a;
            final Snapshot b;
            final LongSamples freshness;
            final LongSamples batch;
            final List<long[]> perSecond;
            Map<String, Object> profile;
            Map<String, Object> checkpointAnalysis;

            Window(Snapshot a, Snapshot b, LongSamples freshness, LongSamples batch, List<long[]> perSecond) {
                this.a = a;
                this.b = b;
                this.events = b.sourceRecords - a.sourceRecords;
                this.seconds = (b.nanos - a.nanos) / 1e9;
                this.freshness = freshness;
                this.batch = batch;
                this.perSecond = perSecond;
            }

            double eventsPerSecond() {
                return events / seconds;
            }

            Map<String, Object> toMap() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seconds", round(seconds, 1));
                m.put("events", events);
                m.put("eventsPerSecond", Math.round(eventsPerSecond()));
                m.put("routedEventsPerSecond", Math.round((b.routedEvents - a.routedEvents) / seconds));
                m.put("redisWritesPerSecond", Math.round((b.redisWrites - a.redisWrites) / seconds));
                m.put("eventsPerSecondBy5s", windows(5));
                m.put("freshnessMs", latencyMs(freshness, 1));
                m.put("redisBatchMs", latencyMs(batch, 1));
                long lost = freshnessTaps.stream().mapToLong(HistogramTap::lost).sum();
                m.put("freshnessSamplesLost", lost);
                m.put("cpu", cpu());
                m.put("cpuByThread", cpuByThread());
                m.put("cpuByNonJavaThread", cpuByNonJavaThread());
                m.put("redisCommands", commandDelta(a.redisCommands, b.redisCommands, seconds));
                if (checkpointAnalysis != null) m.put("checkpointAnalysis", checkpointAnalysis);
                if (profile != null) m.put("profile", profile);
                return m;
            }

            /** Events/s over consecutive windows of {@code n} one-second samples: min and max. */
            Map<String, Object> windows(int n) {
                double min = Double.MAX_VALUE;
                double max = 0;
                long[] prev = {a.nanos, a.sourceRecords};
                for (int i = n - 1; i < perSecond.size(); i += n) {
                    long[] cur = perSecond.get(i);
                    double r = (cur[1] - prev[1]) / ((cur[0] - prev[0]) / 1e9);
                    min = Math.min(min, r);
                    max = Math.max(max, r);
                    prev = cur;
                }
                return max == 0 ? Map.of() : Map.of("min", Math.round(min), "max", Math.round(max));
            }

            Map<String, Object> cpu() {
                Map<String, Object> m = new LinkedHashMap<>();
                double cores = Runtime.getRuntime().availableProcessors();
                m.put("jvmCores", round((b.processCpuNanos - a.processCpuNanos) / 1e9 / seconds, 2));
                m.put("jvmCpuUsPerEvent", round((b.processCpuNanos - a.processCpuNanos) / 1e3 / Math.max(1, events), 1));
                m.put("redisServerCores", b.redisCpu < 0 ? null : round((b.redisCpu - a.redisCpu) / seconds, 2));
                m.put("machineBusyCores", a.machine == null || b.machine == null ? null
                        : round(b.machine.busyFraction(a.machine) * cores, 2));
                m.put("machineCores", (int) cores);
                Object busy = m.get("machineBusyCores");
                Object redis = m.get("redisServerCores");
                if (busy instanceof Double bc) {
                    m.put("otherProcessesCores", round(Math.max(0, bc - (Double) m.get("jvmCores")
                            - (redis instanceof Double rc ? rc : 0)), 2));
                }
                m.put("loadAverage", loadAverage());
                return m;
            }

            /** Threads the JVM does not list (GC, JIT, RocksDB's flush and compaction threads), from /proc. */
            List<Map<String, Object>> cpuByNonJavaThread() {
                java.util.Set<String> javaNames = new java.util.HashSet<>();
                for (ThreadCpu t : b.threads.values()) {
                    javaNames.add(t.name.length() > 15 ? t.name.substring(0, 15) : t.name);
                }
                for (ThreadCpu t : a.threads.values()) {
                    javaNames.add(t.name.length() > 15 ? t.name.substring(0, 15) : t.name);
                }
                Map<String, Double> byName = new HashMap<>();
                for (Map.Entry<Long, ThreadCpu> e : b.osThreads.entrySet()) {
                    if (javaNames.contains(e.getValue().name)) continue;
                    ThreadCpu before = a.osThreads.get(e.getKey());
                    long used = e.getValue().nanos - (before == null ? 0 : before.nanos);
                    byName.merge(JfrHotspots.normalise(e.getValue().name), used / 1e9 / seconds, Double::sum);
                }
                return busiestFirst(byName);
            }

            List<Map<String, Object>> cpuByThread() {
                Map<String, Double> byTask = new HashMap<>();
                for (Map.Entry<Long, ThreadCpu> e : b.threads.entrySet()) {
                    ThreadCpu before = a.threads.get(e.getKey());
                    long used = e.getValue().nanos - (before == null ? 0 : before.nanos);
                    byTask.merge(JfrHotspots.normalise(e.getValue().name), used / 1e9 / seconds, Double::sum);
                }
                return busiestFirst(byTask);
            }

            /** Threads using at least 0.01 cores, busiest first, with their cores and CPU microseconds per event. */
            private List<Map<String, Object>> busiestFirst(Map<String, Double> coresByThread) {
                List<Map.Entry<String, Double>> sorted = new ArrayList<>(coresByThread.entrySet());
                sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
                List<Map<String, Object>> outList = new ArrayList<>();
                for (Map.Entry<String, Double> e : sorted) {
                    if (e.getValue() < 0.01) break;
                    outList.add(Map.of("thread", e.getKey(), "cores", round(e.getValue(), 3),
                            "usPerEvent", round(e.getValue() * 1e6 / Math.max(1, eventsPerSecond()), 1)));
                }
                return outList;
            }
        }
    }

    /** Counters at one instant. */
    private static final class Snapshot {
        long nanos;
        long wallMs;
        long sourceRecords;
        long routedEvents;
        long redisWrites;
        long processCpuNanos;
        ProcStat machine;
        Map<Long, ThreadCpu> threads;
        Map<Long, ThreadCpu> osThreads;
        double redisCpu;
        Map<String, long[]> redisCommands;
    }

    private record ThreadCpu(String name, long nanos) {}

    /** Freshness samples read in one poll, at {@code ms} (their lists were acknowledged at most 100 ms before). */
    private record Poll(long ms, long[] values) {}

    private static String shortName(String vertex) {
        return vertex.length() > 60 ? vertex.substring(0, 60) + "..." : vertex;
    }

    /** The {@code cpu} line of /proc/stat: busy and total jiffies of the whole machine. */
    private record ProcStat(long busy, long total) {
        static ProcStat read() {
            try {
                String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
                long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                return new ProcStat(total - idle, total);
            } catch (Exception e) {
                return null;
            }
        }

        double busyFraction(ProcStat before) {
            return (double) (busy - before.busy) / Math.max(1, total - before.total);
        }
    }

    private static Map<Long, ThreadCpu> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> m = new HashMap<>();
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) continue;
            long t = mx.getThreadCpuTime(ids[i]);
            if (t >= 0) m.put(ids[i], new ThreadCpu(infos[i].getThreadName(), t));
        }
        return m;
    }

    /** Every OS thread of this process (Java or not) from /proc/self/task: name (15 chars) and CPU time. */
    private static Map<Long, ThreadCpu> osThreadCpu() {
        Map<Long, ThreadCpu> m = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    m.put(Long.parseLong(t.getFileName().toString()), new ThreadCpu(name, ticks * 10_000_000L));
                } catch (IOException | RuntimeException ignored) {
                    // the thread ended
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return m;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private double redisCpuSeconds() {
        try (Jedis j = jedis()) {
            double s = 0;
            for (String line : j.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    s += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return s;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Redis's own accounting (INFO commandstats): calls and microseconds of execution per command. */
    private Map<String, long[]> redisCommandStats() {
        Map<String, long[]> m = new HashMap<>();
        try (Jedis j = jedis()) {
            for (String line : j.info("commandstats").split("\r?\n")) {
                if (!line.startsWith("cmdstat_")) continue;
                String name = line.substring(8, line.indexOf(':'));
                long calls = 0;
                long usec = 0;
                for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (kv.startsWith("calls=")) calls = Long.parseLong(kv.substring(6));
                    if (kv.startsWith("usec=")) usec = Long.parseLong(kv.substring(5));
                }
                m.put(name, new long[] {calls, usec});
            }
        } catch (Exception e) {
            // no stats: leave empty
        }
        return m;
    }

    /** Commands run in a window: calls/s, microseconds per call, and the share of the window Redis spent on them. */
    static List<Map<String, Object>> commandDelta(Map<String, long[]> a, Map<String, long[]> b, double seconds) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : b.entrySet()) {
            long[] before = a.getOrDefault(e.getKey(), new long[2]);
            long calls = e.getValue()[0] - before[0];
            long usec = e.getValue()[1] - before[1];
            if (calls <= 0) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("command", e.getKey());
            m.put("callsPerSecond", Math.round(calls / seconds));
            m.put("usecPerCall", round((double) usec / calls, 2));
            m.put("busyShare", round(usec / 1e6 / seconds, 3));
            out.add(m);
        }
        out.sort((x, y) -> Double.compare((Double) y.get("busyShare"), (Double) x.get("busyShare")));
        return out;
    }

    private Jedis jedis() {
        RedisEndpoint e = RedisEndpoint.parse(require("redis"));
        Jedis j = new Jedis(e.host(), e.port(), 30_000);
        if (e.password() != null) j.auth(e.password());
        if (e.database() != 0) j.select(e.database());
        return j;
    }

    private static Map<String, Object> heap(boolean gc) {
        if (gc) {
            System.gc();
        }
        MemoryUsage h = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("usedBytes", h.getUsed());
        m.put("committedBytes", h.getCommitted());
        m.put("maxBytes", h.getMax());
        m.put("afterGc", gc);
        m.put("processRssBytes", rssBytes());
        return m;
    }

    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    static Map<String, Object> latencyMs(LongSamples s, double divisor) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", s.size());
        if (s.size() > 0) {
            m.put("p50", round(s.percentile(50) / divisor, 3));
            m.put("p90", round(s.percentile(90) / divisor, 3));
            m.put("p99", round(s.percentile(99) / divisor, 3));
            m.put("p999", round(s.percentile(99.9) / divisor, 3));
            m.put("max", round(s.max() / divisor, 3));
            m.put("mean", round(s.mean() / divisor, 3));
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------ report

    private Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memTotal", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvmMaxHeapBytes", Runtime.getRuntime().maxMemory());
        m.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    private Map<String, Object> data() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", events.toString());
        m.put("lines", stats.lines);
        m.put("validEvents", stats.validEvents);
        m.put("users", stats.users());
        m.put("items", stats.items());
        m.put("spanHours", round((stats.maxTs - stats.minTs) / 3.6e6, 2));
        m.put("replay", "--repeat N: pass p shifts timestamps by p x (span + 1 ms) and suffixes user, item and "
                + "session ids with ~p (pass 0 as in the file); --rate R paces lines at R/s");
        return m;
    }

    private Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(opts);
        m.remove("job-args");
        m.put("jobArgs", opts.getOrDefault("job-args", "").replace('\u0000', ' '));
        return m;
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "?";
    }

    private void writeResults() throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("results.json").toFile(), results);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private String require(String name) {
        String v = opts.get(name);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    private double num(String name, double dflt) {
        return opts.containsKey(name) ? Double.parseDouble(opts.get(name)) : dflt;
    }

    private boolean bool(String name, boolean dflt) {
        return opts.containsKey(name) ? Boolean.parseBoolean(opts.get(name)) : dflt;
    }

    private Duration seconds(String name, long dflt) {
        return Duration.ofMillis((long) (num(name, dflt) * 1000));
    }

    static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%,.0f", v);
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
