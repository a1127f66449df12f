package io.shoprank.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaTestBrokerTest {

    private static KafkaTestBroker kafka;

    @BeforeAll
    static void startBroker() throws Exception {
        long t0 = System.nanoTime();
        kafka = KafkaTestBroker.start();
        // Printed so a slow start is visible in target/surefire-reports/*-output.txt.
        System.out.printf("KafkaTestBroker started in %d ms at %s%n",
                (System.nanoTime() - t0) / 1_000_000, kafka.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void valuesRoundTripAcrossPartitions() throws Exception {
        kafka.createTopic("roundtrip", 2);
        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "{\"n\":" + i + "}").toList();

        kafka.produce("roundtrip", sent);
        List<String> got = kafka.consume("roundtrip", sent.size(), Duration.ofSeconds(30));

        // Null keys spread records over both partitions, so only the multiset is defined, not the order.
        assertEquals(sent.size(), got.size());
        assertEquals(new HashSet<>(sent), new HashSet<>(got));
    }

    @Test
    void gzippedJsonLinesAreStreamedLineByLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sample.jsonl.gz");
        List<String> lines = new ArrayList<>();
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 1000; i++) {
                String line = "{\"session\":" + (i % 7) + ",\"item\":\"ü-" + i + "\"}";
                lines.add(line);
                w.write(line);
                w.newLine();
            }
            w.newLine(); // a trailing blank line must not become an empty record
        }
        kafka.createTopic("jsonl", 1);

        long produced = kafka.produce("jsonl", file);
        // minCount 0: drain everything currently in the topic, so extra (e.g. empty) records would show.
        List<String> got = kafka.consume("jsonl", 0, Duration.ofSeconds(30));

        assertEquals(lines.size(), produced);
        // One partition preserves order, and UTF-8 must survive the trip.
        assertEquals(lines, got);
    }

    @Test
    void consumeOfMissingTopicTimesOutEmpty() throws Exception {
        long t0 = System.nanoTime();
        List<String> got = kafka.consume("does-not-exist", 1, Duration.ofSeconds(2));
        assertTrue(got.isEmpty());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
    }
}
