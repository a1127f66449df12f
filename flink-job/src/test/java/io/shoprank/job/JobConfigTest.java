package io.shoprank.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobConfigTest {

    @Test
    void defaultsNeedOnlyTheEventsFile() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--events", "data/x.events.jsonl.gz"});

        assertEquals(JobConfig.SourceKind.FILE, c.source);
        assertEquals("data/x.events.jsonl.gz", c.eventsPath);
        assertNull(c.itemsPath);
        assertEquals(0.0, c.speedup);
        assertEquals(20, c.k);
        assertEquals(JobConfig.Exclude.SEEN, c.exclude);
        assertEquals(Duration.ofSeconds(2), c.outOfOrderness);
        assertEquals(Duration.ofMinutes(1), c.allowedLateness);
        assertEquals(Duration.ofDays(30), c.stateTtl);
        assertEquals(Duration.ofDays(7), c.redisTtl);
        assertEquals(Duration.ofHours(6), c.trendingHalfLife);
        assertEquals(2, c.parallelism);
    }

    @Test
    void parsesEveryKindOfValue() {
        JobConfig c = JobConfig.fromArgs(new String[] {
            "--source", "kafka",
            "--kafka-bootstrap", "broker:9093",
            "--events-topic", "ev",
            "--speedup", "2.5",
            "--k", "10",
            "--max-neighbours", "40",
            "--trending-size", "50",
            "--exclude", "bought",
            "--state-ttl-hours", "48",
            "--redis-ttl-hours", "12",
            "--allowed-lateness-ms", "1500",
            "--out-of-orderness-ms", "0",
            "--trending-half-life-minutes", "30",
            "--redis", "redis://:secret@cache:6380/2",
        });

        assertEquals(JobConfig.SourceKind.KAFKA, c.source);
        assertNull(c.eventsPath, "not required with --source kafka");
        assertEquals("broker:9093", c.kafkaBootstrap);
        assertEquals("ev", c.eventsTopic);
        assertEquals(2.5, c.speedup);
        assertEquals(10, c.k);
        assertEquals(40, c.maxNeighbours);
        assertEquals(50, c.trendingSize);
        assertEquals(JobConfig.Exclude.BOUGHT, c.exclude);
        assertEquals(Duration.ofHours(48), c.stateTtl);
        assertEquals(Duration.ofHours(12), c.redisTtl);
        assertEquals(Duration.ofMillis(1500), c.allowedLateness);
        assertEquals(Duration.ZERO, c.outOfOrderness);
        assertEquals(Duration.ofMinutes(30), c.trendingHalfLife);
        assertEquals("redis://:secret@cache:6380/2", c.redisUrl);
    }

    @Test
    void enumValuesAreCaseInsensitive() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--source", "KaFkA", "--exclude", "Seen"});

        assertEquals(JobConfig.SourceKind.KAFKA, c.source);
        assertEquals(JobConfig.Exclude.SEEN, c.exclude);
    }

    @Test
    void aNegativeNumberIsAValueNotAFlagAndIsRejectedByValidation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--speedup", "-1"}));
        assertEquals("--speedup must be >= 0", e.getMessage());
    }

    @Test
    void aFlagWithoutValueIsAnError() {
        assertEquals("--items needs a value (see --help)", assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--source", "kafka", "--items"})).getMessage());
        assertEquals("--events needs a value (see --help)", assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "--k", "5"})).getMessage());
    }

    @Test
    void redisTtlMayNotOutliveStateTtl() {
        assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {
                "--events", "x", "--redis-ttl-hours", "48", "--state-ttl-hours", "24"}));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {
                "--events", "x", "--state-ttl-hours", "0"}));
    }

    @Test
    void laterValueWins() {
        assertEquals(7, JobConfig.fromArgs(new String[] {"--events", "x", "--k", "5", "--k", "7"}).k);
    }

    @Test
    void fromMapValidatesToo() {
        assertEquals(3, JobConfig.fromMap(Map.of("events", "x", "k", "3")).k);
        assertThrows(IllegalArgumentException.class, () -> JobConfig.fromMap(Map.of("k", "3")));
    }

    @Test
    void unknownFlagIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--topk", "5"}));
        assertEquals("unknown setting --topk (see --help)", e.getMessage());
    }

    @Test
    void argumentWithoutDashesIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"events", "x"}));
        assertEquals("expected --name value, got: events", e.getMessage());
    }

    @Test
    void fileSourceNeedsTheEventsFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[0]));
        assertEquals("--events FILE is required with --source file", e.getMessage());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "parallelism,                0,     --parallelism must be >= 1",
        "k,                          0,     --k must be in 1..500",
        "k,                          501,   --k must be in 1..500",
        "seed-items,                 0,     --seed-items must be >= 1",
        "pair-window,                0,     --pair-window must be >= 1",
        "max-neighbours,             19,    --max-neighbours must be >= --k",
        "max-seen-items,             0,     --max-seen-items must be >= 1",
        "trending-size,              19,    --trending-size must be >= --k",
        "redis-batch,                0,     --redis-batch must be >= 1",
        "trending-half-life-minutes, 0,     --trending-half-life-minutes must be > 0",
        "trending-half-life-minutes, -5,    --trending-half-life-minutes must be > 0",
    })
    void invalidValuesAreRejectedWithTheRule(String flag, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--" + flag, value}));
        assertEquals(message, e.getMessage());
    }

    @Test
    void boundaryValuesAreAccepted() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--events", "x", "--k", "500", "--max-neighbours", "500",
                "--trending-size", "500"});
        assertEquals(500, c.k);
        JobConfig one = JobConfig.fromArgs(new String[] {"--events", "x", "--k", "1", "--parallelism", "1",
                "--seed-items", "1", "--pair-window", "1", "--max-seen-items", "1", "--redis-batch", "1",
                "--trending-half-life-minutes", "1"});
        assertEquals(1, one.k);
    }

    @Test
    void malformedValuesAreRejected() {
        assertThrows(NumberFormatException.class, () -> JobConfig.fromArgs(new String[] {"--events", "x", "--k", "ten"}));
        assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--exclude", "clicked"}));
        assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--source", "s3", "--events", "x"}));
    }

    /** --help must list every setting the parser accepts, and nothing else. */
    @Test
    void describeListsExactlyTheAcceptedSettings() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/shoprank/job/JobConfig.java"));
        Set<String> accepted = new TreeSet<>();
        Matcher m = Pattern.compile("case \"([a-z0-9-]+)\":").matcher(source);
        while (m.find()) accepted.add(m.group(1));

        Set<String> described = new TreeSet<>();
        Matcher d = Pattern.compile("--([a-z0-9-]+)").matcher(JobConfig.describe());
        while (d.find()) described.add(d.group(1));

        assertTrue(accepted.size() > 20, "found the parser's cases: " + accepted);
        assertEquals(accepted, described);
    }

    @Test
    void kafkaPropertiesComeFromTheNamedFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path file = tmp.resolve("client.properties");
        java.nio.file.Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
        JobConfig c = JobConfig.fromArgs(new String[] {"--source", "kafka", "--kafka-properties", file.toString()});

        assertEquals("SASL_SSL", c.kafkaClientProperties().getProperty("security.protocol"));
        assertEquals("PLAIN", c.kafkaClientProperties().getProperty("sasl.mechanism"));
        assertTrue(JobConfig.fromArgs(new String[] {"--source", "kafka"}).kafkaClientProperties().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> JobConfig.fromArgs(new String[] {
                "--source", "kafka", "--kafka-properties", tmp.resolve("missing").toString()}).kafkaClientProperties());
    }
}
