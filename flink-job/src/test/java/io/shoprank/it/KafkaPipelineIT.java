package io.shoprank.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.ranking.UserRanking;
import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.RedisTestServer;
import io.shoprank.testing.KafkaTestBroker;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job in Kafka mode at parallelism 2 against a real KRaft broker and a real redis-server: the ms-store
 * events and catalog, with malformed records mixed into the events topic. Every malformed record lands in
 * the dead-letter topic with its reason and raw payload, and every valid event still reaches Redis.
 */
class KafkaPipelineIT {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = ItTestJobs.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Malformed record -> the reason the dead letter must carry. */
    static Map<String, String> malformed() {
        String ok = "\"ts\":1416291916000,\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"";
        Map<String, String> m = new LinkedHashMap<>();
        m.put("{\"ts\":1416291916000,\"type\":\"view\",\"user\":", "broken JSON");
        m.put("[1,2,3]", "not a JSON object");
        m.put("", "not a JSON object: empty record");
        m.put("{\"ts\":1416291916000,\"type\":\"view\",\"item\":\"DQF-00248\"}", "missing field: user");
        m.put("{\"ts\":1416291916000,\"type\":\"cart\",\"user\":\"u-bad\"}", "missing field: item");
        m.put("{\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "missing field: ts");
        m.put("{\"ts\":\"yesterday\",\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "ts is not an integer");
        m.put("{\"ts\":1416291916000.5,\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "ts is not an integer");
        m.put("{\"ts\":1416291916000,\"type\":\"teleport\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "unknown type: teleport");
        m.put("{\"ts\":15000,\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "ts before 2000-01-01");
        m.put("{\"ts\":99999999999999,\"type\":\"view\",\"user\":\"u-bad\",\"item\":\"DQF-00248\"}", "ts more than a day after the wall clock");
        m.put("{\"ts\":1416291916000,\"type\":\"view\",\"user\":\"" + "u".repeat(300) + "\",\"item\":\"DQF-00248\"}", "user longer than 256 characters");
        m.put("{\"ts\":1416291916000,\"type\":\"search\",\"user\":\"u-bad\",\"query\":\"" + "q".repeat(2000) + "\"}", "query longer than 1024 characters");
        m.put("{" + ok + ",\"price\":\"cheap\"}", "price is not a number");
        m.put("{" + ok + ",\"qty\":-1}", "qty is negative or not finite");
        m.put("{" + ok + ",\"user\":{\"id\":1}}", "user is not a string");
        m.put("{" + ok + "} trailing", "broken JSON");
        return m;
    }

    @Test
    void malformedRecordsAreDeadLetteredWhileValidEventsFlow(@TempDir Path tmp) throws Exception {
        Path events = TestData.file("ms-store.events.jsonl.gz");
        Path items = TestData.file("ms-store.items.jsonl.gz");
        Map<String, String> bad = malformed();
        try (KafkaTestBroker kafka = KafkaTestBroker.start(); RedisTestServer redis = new RedisTestServer().start()) {
            kafka.createTopic("events", 2);
            kafka.createTopic("items", 1);
            kafka.createTopic("events-dlq", 1);
            kafka.produce("items", items);
            List<String> lines = readLines(events);
            List<String> mixed = new ArrayList<>();
            List<String> badLines = new ArrayList<>(bad.keySet());
            for (int i = 0; i < lines.size(); i++) {
                mixed.add(lines.get(i));
                if (i % 700 == 0 && i / 700 < badLines.size()) {
                    mixed.add(badLines.get(i / 700));
                }
            }
            for (int i = lines.size() / 700 + 1; i < badLines.size(); i++) {
                mixed.add(badLines.get(i));
            }
            kafka.produce("events", mixed);

            Map<String, String> m = new HashMap<>();
            m.put("source", "kafka");
            m.put("kafka-bootstrap", kafka.bootstrapServers());
            m.put("redis", redis.url());
            m.put("namespace", "it-kafka");
            m.put("parallelism", String.valueOf(ItTestJobs.PARALLELISM));
            m.put("checkpoint-interval-ms", "1000");
            m.put("checkpoint-dir", tmp.resolve("checkpoints").toUri().toString());
            JobConfig config = JobConfig.fromMap(m);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            ShoprankJob.build(env, config);
            JobClient job = env.executeAsync("kafka pipeline");
            try {
                List<String> dlq = kafka.consume("events-dlq", bad.size(), Duration.ofSeconds(90));
                assertEquals(bad.size(), dlq.size(), "dead letters: " + dlq);
                Map<String, String> reasonByRaw = new HashMap<>();
                for (String d : dlq) {
                    JsonNode n = JSON.readTree(d);
                    reasonByRaw.put(n.get("raw").asText(), n.get("reason").asText());
                    assertTrue(n.get("origin").asText().startsWith("events/"), d);
                }
                for (Map.Entry<String, String> b : bad.entrySet()) {
                    String reason = reasonByRaw.get(b.getKey());
                    assertTrue(reason != null && reason.startsWith(b.getValue()),
                            "record " + abbreviate(b.getKey()) + ": reason " + reason + ", expected " + b.getValue());
                }

                ExpectedState expected = ExpectedState.of(events);
                Map<String, Integer> catalogUpserts = new HashMap<>();
                for (String line : readLines(items)) {
                    catalogUpserts.merge(new EventParser().parse(line, "items").catalog.item, 1, Integer::sum);
                }
                try (FeatureStoreClient store = new FeatureStoreClient(RedisEndpoint.parse(redis.url(), "it-kafka"))) {
                    waitUntilCaughtUp(expected, store, Duration.ofSeconds(90));
                    RedisAssertions.assertComplete(expected, store, config.k, catalogUpserts);
                    String title = store.itemFeatures("DAF-00448").get("title");
                    assertTrue(title != null && title.startsWith("INCIPIO Roosevelt Folio"), "catalog title: " + title);
                }
            } finally {
                job.cancel().get();
            }
        }
    }

    /** An unbounded job never finishes: wait until every user's list reflects all of the user's events. */
    static void waitUntilCaughtUp(ExpectedState expected, FeatureStoreClient store, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = expected.userItemEvents.entrySet().stream().allMatch(u ->
                    store.recommendationsWithMeta(u.getKey(), 1).version() / UserRanking.VERSION_STRIDE
                            == u.getValue());
            if (done) return;
            Thread.sleep(500);
        }
    }

    static List<String> readLines(Path gz) throws java.io.IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    private static String abbreviate(String s) {
        return s.length() < 100 ? s : s.substring(0, 100) + "...";
    }
}
