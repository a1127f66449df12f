package io.shoprank.job.deadletter;

import io.shoprank.job.events.DeadLetter;
import io.shoprank.job.events.EventParser;
import org.apache.flink.api.common.serialization.Encoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replay tool on the dead-letter files of the job's file mode, written with the file sink's own encoder in
 * its bucket layout. The "fixed" dead letters carry a reason an older parser gave to a record this build accepts
 * (as if that parser's bug was fixed); one record is still invalid, one is late, one line is not a dead letter.
 */
class DeadLetterReplayTest {
    private static final long TS = 1_416_291_916_000L; // 2014-11-18, valid for the current parser

    static final String VIEW = "{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\"}";
    static final String CART = "{\"ts\":" + (TS + 1000) + ",\"type\":\"cart\",\"user\":\"u2\",\"item\":\"i2\",\"qty\":1}";
    static final String ITEM = "{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i1\",\"title\":\"Folio\",\"price\":9.5}";
    static final String INVALID = "{\"ts\":15000,\"type\":\"view\",\"user\":\"u3\",\"item\":\"i3\"}";
    static final String LATE = "{\"ts\":" + (TS - 600_000) + ",\"type\":\"view\",\"user\":\"u4\",\"item\":\"i4\"}";

    /** The dead letters the job wrote: two fixed events, a fixed catalog record, one still invalid, one late. */
    static List<DeadLetter> deadLetters() {
        return List.of(
                new DeadLetter("events", "missing field: user", VIEW, 1L),
                new DeadLetter("events/1@17", "unknown type: cart", CART, 2L),
                new DeadLetter("items", "price is not a number", ITEM, 3L),
                new DeadLetter("events", "ts before 2000-01-01: 15000", INVALID, 4L),
                new DeadLetter("late", "late: ts " + (TS - 600_000) + " is more than 60000 ms behind the watermark "
                        + TS, LATE, 5L));
    }

    /** Writes dead letters like the job's FileSink: part files in an hourly bucket, plus one in progress. */
    static Path writeDeadLetterDir(Path tmp) throws IOException {
        Path bucket = Files.createDirectories(tmp.resolve("dead-letters/2026-01-01--10"));
        Encoder<DeadLetter> encoder = DeadLetterSinks.fileEncoder();
        List<DeadLetter> all = deadLetters();
        try (OutputStream out = Files.newOutputStream(bucket.resolve("part-6f1c-0"))) {
            for (DeadLetter d : all.subList(0, 3)) encoder.encode(d, out);
        }
        try (OutputStream out = Files.newOutputStream(bucket.resolve("part-6f1c-1"))) {
            for (DeadLetter d : all.subList(3, all.size())) encoder.encode(d, out);
            out.write("this is not a dead letter\n\n".getBytes());
        }
        // a part file the job is still writing: hidden until its checkpoint commits it, never read
        try (OutputStream out = Files.newOutputStream(bucket.resolve(".part-6f1c-2.inprogress.0b5e"))) {
            encoder.encode(new DeadLetter("events", "missing field: user", VIEW, 6L), out);
        }
        return tmp.resolve("dead-letters");
    }

    @Test
    void replaysWhatTheCurrentParserAcceptsAndKeepsTheRest(@TempDir Path tmp) throws Exception {
        Path dir = writeDeadLetterDir(tmp);
        Path out = tmp.resolve("replay.events.jsonl");
        Path remainder = tmp.resolve("remainder.jsonl");

        DeadLetterReplay.Summary s = DeadLetterReplay.run("--from-files", dir.toString(), "--to-file", out.toString(),
                "--remainder", remainder.toString());

        assertEquals(6, s.read);
        assertEquals(2, s.replayedEvents);
        assertEquals(1, s.replayedCatalog);
        assertEquals(2, s.stillInvalid, "the invalid record and the unreadable line");
        assertEquals(1, s.skippedLate);
        assertEquals(0, s.filteredOut);
        assertEquals(Map.of("ts before 2000-01-01", 1L, "unreadable dead letter", 1L), s.stillInvalidByReason);

        // the job's replay format: the raw records, one a line, which the current parser accepts
        assertEquals(List.of(VIEW, CART), Files.readAllLines(out));
        assertEquals(List.of(ITEM), Files.readAllLines(tmp.resolve("replay.items.jsonl")));
        EventParser parser = new EventParser();
        for (String line : Files.readAllLines(out)) {
            assertNotNull(parser.parse(line, "replay").event, line);
        }

        // the remainder, in the dead-letter format: nothing dropped, the still-invalid one with its current reason
        List<DeadLetter> rest = Files.readAllLines(remainder).stream().map(DeadLetterJson::fromJson).toList();
        assertEquals(3, rest.size(), rest.toString());
        assertEquals("ts before 2000-01-01: 15000", rest.get(0).reason);
        assertEquals(INVALID, rest.get(0).raw);
        assertEquals(4L, rest.get(0).ingestMs);
        assertTrue(rest.get(1).reason.startsWith("late: "), rest.get(1).reason);
        assertEquals(LATE, rest.get(1).raw);
        assertTrue(rest.get(2).reason.startsWith("unreadable dead letter: "), rest.get(2).reason);
        assertEquals("this is not a dead letter", rest.get(2).raw);
        assertTrue(rest.get(2).origin.endsWith("part-6f1c-1:3"), rest.get(2).origin);

        // the remainder is an input again: with --include-late the late event goes, the invalid ones stay
        Path out2 = tmp.resolve("replay2.jsonl");
        Path remainder2 = tmp.resolve("remainder2.jsonl");
        DeadLetterReplay.Summary again = DeadLetterReplay.run("--from-files", remainder.toString(),
                "--to-file", out2.toString(), "--remainder", remainder2.toString(), "--include-late");
        assertEquals(3, again.read);
        assertEquals(1, again.replayedEvents);
        assertEquals(0, again.skippedLate);
        assertEquals(2, again.stillInvalid);
        assertEquals(List.of(LATE), Files.readAllLines(out2));
        assertEquals(2, Files.readAllLines(remainder2).size());
        assertFalse(Files.exists(tmp.resolve("replay2.jsonl.items.jsonl")), "no catalog record, no items file");
    }

    @Test
    void dryRunCountsByReasonAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = writeDeadLetterDir(tmp);
        Path out = tmp.resolve("replay.jsonl");
        Path remainder = tmp.resolve("remainder.jsonl");

        DeadLetterReplay.Summary s = DeadLetterReplay.run("--from-files", dir.toString(), "--to-file", out.toString(),
                "--remainder", remainder.toString(), "--dry-run");

        assertEquals(3, s.replayed());
        assertEquals(2, s.stillInvalid);
        assertEquals(1, s.skippedLate);
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(remainder));
        String report = s.render();
        assertTrue(report.startsWith("DRY RUN"), report);
        assertTrue(report.contains("missing field: user"), report);
        assertTrue(report.contains("ts before 2000-01-01"), report);
        assertTrue(report.contains("would replay"), report);
    }

    @Test
    void reasonFilterReplaysOnlyMatchingDeadLettersAndKeepsTheOthers(@TempDir Path tmp) throws Exception {
        Path dir = writeDeadLetterDir(tmp);
        Path out = tmp.resolve("replay.jsonl");
        Path remainder = tmp.resolve("remainder.jsonl");

        DeadLetterReplay.Summary s = DeadLetterReplay.run("--from-files", dir.toString(), "--to-file", out.toString(),
                "--remainder", remainder.toString(), "--reason-filter", "missing field");

        assertEquals(1, s.replayedEvents);
        assertEquals(0, s.replayedCatalog);
        assertEquals(4, s.filteredOut);
        assertEquals(1, s.stillInvalid, "the unreadable line has no reason to filter on");
        assertEquals(List.of(VIEW), Files.readAllLines(out));
        assertEquals(5, Files.readAllLines(remainder).size());
    }

    @Test
    void lateEventsAreReplayedOnlyWithIncludeLate(@TempDir Path tmp) throws Exception {
        Path dir = writeDeadLetterDir(tmp);
        DeadLetterReplay.Summary s = DeadLetterReplay.run("--from-files", dir.toString(), "--dry-run",
                "--reason-filter", "late", "--include-late");
        assertEquals(1, s.replayedEvents);
        assertEquals(0, s.skippedLate);
    }

    @Test
    void refusesUnsafeCommandLines(@TempDir Path tmp) throws Exception {
        Path dir = writeDeadLetterDir(tmp);
        Path existing = Files.writeString(tmp.resolve("existing.jsonl"), "x\n");
        String d = dir.toString();
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--to-file", tmp.resolve("a").toString()), "no remainder");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--remainder", tmp.resolve("r").toString()), "no output");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--to-file", existing.toString(), "--remainder", tmp.resolve("r").toString()),
                "existing output");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--to-file", tmp.resolve("a").toString(), "--remainder", existing.toString()),
                "existing remainder (e.g. the input itself)");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--to-file", tmp.resolve("a").toString(), "--remainder", tmp.resolve("a").toString()),
                "one file for two outputs");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--from-kafka", "localhost:9092", "--dry-run"), "two inputs");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--to-file", tmp.resolve("a").toString(), "--remainder-topic", "dlq-rest"),
                "a remainder topic without a cluster");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse("--dry-run"), "no input");
        assertThrows(IllegalArgumentException.class, () -> DeadLetterReplay.Options.parse(
                "--from-files", d, "--dry-run", "--bogus", "1"));
        assertFalse(Files.exists(tmp.resolve("a")));
    }

    @Test
    void reasonGroupsDropPerRecordValues() {
        assertEquals("ts before 2000-01-01", DeadLetterReplay.reasonGroup("ts before 2000-01-01: 15000"));
        assertEquals("broken JSON", DeadLetterReplay.reasonGroup("broken JSON: Unexpected end-of-input"));
        assertEquals("missing field: user", DeadLetterReplay.reasonGroup("missing field: user"));
        assertEquals("ts is not an integer", DeadLetterReplay.reasonGroup("ts is not an integer"));
        assertEquals("late", DeadLetterReplay.reasonGroup("late: ts 1 is more than 60000 ms behind the watermark 2"));
    }

    @Test
    void deadLetterJsonRoundTrips() {
        DeadLetter d = new DeadLetter("events/3@81723", "broken JSON: x", "{\"ts\":1,\n\"a\":\"\\u00e9\"", 42L);
        DeadLetter back = DeadLetterJson.fromJson(DeadLetterJson.toJson(d));
        assertEquals(d.origin, back.origin);
        assertEquals(d.reason, back.reason);
        assertEquals(d.raw, back.raw);
        assertEquals(d.ingestMs, back.ingestMs);
        assertEquals("", DeadLetterJson.fromJson(DeadLetterJson.toJson(new DeadLetter("o", "r", null, 0))).raw);
        assertThrows(IllegalArgumentException.class, () -> DeadLetterJson.fromJson("{\"raw\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> DeadLetterJson.fromJson("[1]"));
        assertNull(DeadLetterJson.fromJson("{\"reason\":\"r\"}").origin);
    }

    @Test
    void multiLineRawRecordsAreWrittenAsOneLine() {
        assertEquals("{\"ts\":1,\"type\":\"view\"}", DeadLetterReplay.oneLine("{\"ts\": 1,\n  \"type\": \"view\"}"));
        assertEquals(VIEW, DeadLetterReplay.oneLine(VIEW));
    }
}
