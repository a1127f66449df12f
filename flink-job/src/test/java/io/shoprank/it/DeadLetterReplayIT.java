package io.shoprank.it;

import io.shoprank.job.deadletter.DeadLetterJson;
import io.shoprank.job.deadletter.DeadLetterReplay;
import io.shoprank.job.events.DeadLetter;
import io.shoprank.testing.KafkaTestBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dead-letter replay tool against a real KRaft broker: dead letters in the job's format on
 * {@code events-dlq} (as the job's Kafka sink writes them), of which the ones the current parser accepts reach
 * {@code events} / {@code items}, and the rest the remainder topic. A dry run commits nothing; a real run commits
 * the group's offsets, so a second run replays nothing and a later one only what was dead-lettered since.
 */
class DeadLetterReplayIT {
    private static final long TS = 1_416_291_916_000L;
    private static final String VIEW = "{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\"}";
    private static final String PURCHASE = "{\"ts\":" + (TS + 5) + ",\"type\":\"purchase\",\"user\":\"u2\",\"item\":\"i2\"}";
    private static final String ITEM = "{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i1\",\"title\":\"Folio\"}";
    private static final String INVALID = "{\"ts\":15000,\"type\":\"view\",\"user\":\"u3\",\"item\":\"i3\"}";
    private static final String LATE = "{\"ts\":" + (TS - 600_000) + ",\"type\":\"view\",\"user\":\"u4\",\"item\":\"i4\"}";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void replaysFixedDeadLettersOnceAndKeepsTheRest() throws Exception {
        try (KafkaTestBroker kafka = KafkaTestBroker.start()) {
            kafka.createTopic("events", 2);
            kafka.createTopic("items", 1);
            kafka.createTopic("events-dlq", 2);
            kafka.createTopic("events-dlq-remainder", 1);
            kafka.produce("events-dlq", List.of(
                    dlq("events/0@11", "missing field: user", VIEW),
                    dlq("events/1@12", "unknown type: purchase", PURCHASE),
                    dlq("items/0@3", "price is not a number", ITEM),
                    dlq("events/0@40", "ts before 2000-01-01: 15000", INVALID),
                    dlq("late", "late: ts " + (TS - 600_000) + " is more than 60000 ms behind the watermark " + TS, LATE)));
            String bootstrap = kafka.bootstrapServers();
            String[] replay = {"--from-kafka", bootstrap, "--dlq-topic", "events-dlq", "--group", "it-replay",
                    "--to-kafka", bootstrap, "--topic", "events", "--remainder-topic", "events-dlq-remainder"};

            DeadLetterReplay.Summary dry = DeadLetterReplay.run(concat(replay, "--dry-run"));
            assertEquals(5, dry.read);
            assertEquals(3, dry.replayed());
            assertEquals(1, dry.stillInvalid);
            assertEquals(1, dry.skippedLate);
            assertEquals(0, kafka.consume("events", 0, WAIT).size(), "a dry run sends nothing");

            DeadLetterReplay.Summary first = DeadLetterReplay.run(replay);
            assertEquals(5, first.read, "the dry run committed no offsets");
            assertEquals(2, first.replayedEvents);
            assertEquals(1, first.replayedCatalog);
            assertEquals(Map.of("ts before 2000-01-01", 1L), first.stillInvalidByReason);
            assertEquals(1, first.skippedLate);

            List<String> events = kafka.consume("events", 0, WAIT);
            assertEquals(2, events.size(), events.toString());
            assertTrue(events.containsAll(List.of(VIEW, PURCHASE)), events.toString());
            assertEquals(List.of(ITEM), kafka.consume("items", 0, WAIT));
            List<DeadLetter> rest = kafka.consume("events-dlq-remainder", 0, WAIT).stream()
                    .map(DeadLetterJson::fromJson).toList();
            assertEquals(2, rest.size(), rest.toString());
            DeadLetter invalid = rest.stream().filter(d -> d.raw.equals(INVALID)).findFirst().orElseThrow();
            assertEquals("ts before 2000-01-01: 15000", invalid.reason);
            assertEquals("events/0@40", invalid.origin);
            assertTrue(rest.stream().anyMatch(d -> d.raw.equals(LATE) && d.reason.startsWith("late: ")), rest.toString());

            DeadLetterReplay.Summary second = DeadLetterReplay.run(replay);
            assertEquals(0, second.read, "offsets committed: nothing is replayed twice");
            assertEquals(2, kafka.consume("events", 0, WAIT).size());
            assertEquals(2, kafka.consume("events-dlq-remainder", 0, WAIT).size());

            // dead-lettered since: the next run reads only that one
            String later = "{\"ts\":" + (TS + 9) + ",\"type\":\"click\",\"user\":\"u5\",\"item\":\"i5\"}";
            kafka.produce("events-dlq", List.of(dlq("events/1@99", "missing field: item", later)));
            DeadLetterReplay.Summary third = DeadLetterReplay.run(replay);
            assertEquals(1, third.read);
            assertEquals(1, third.replayedEvents);
            List<String> after = kafka.consume("events", 0, WAIT);
            assertEquals(3, after.size(), after.toString());
            assertTrue(after.contains(later), after.toString());
        }
    }

    private static String dlq(String origin, String reason, String raw) {
        return DeadLetterJson.toJson(new DeadLetter(origin, reason, raw, System.currentTimeMillis()));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
