package io.shoprank.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.events.EventType;
import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

class JsonLinesFormatTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String LINES = String.join("\n",
            "{\"ts\": 0, \"type\": \"view\", \"user\": \"u0\", \"item\": \"i0\"}", // invalid ts: dead letter
            "{\"ts\": " + T0 + ", \"type\": \"view\", \"user\": \"u1\", \"item\": \"i1\", \"session\": \"s1\", \"category\": \"c\"}",
            "{\"ts\": " + (T0 + 500) + ", \"type\": \"search\", \"user\": \"u2\", \"query\": \"shoes\"}",
            "{\"ts\": " + (T0 + 1_000) + ", \"type\": \"purchase\", \"user\": \"u1\", \"item\": \"i2\"}") + "\n";

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void readsEveryLineOncePerPassAndParsesIt() throws Exception {
        List<RecordAndPosition<ParsedRecord>> all = readAll(new JsonLinesFormat("events", 0), split(plain()));

        assertEquals(4, all.size());
        assertNotNull(all.get(0).getRecord().deadLetter, "the 1970 line is a dead letter");
        assertEquals("u1", all.get(1).getRecord().event.user);
        assertEquals(EventType.SEARCH, all.get(2).getRecord().event.type);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).getRecordSkipCount(), "position: records to skip on restore");
            assertEquals(CheckpointedPosition.NO_OFFSET, all.get(i).getOffset());
        }
    }

    @Test
    void gzipIsDecompressedByExtension() throws Exception {
        java.nio.file.Path gz = tmp.resolve("x.events.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(LINES.getBytes(StandardCharsets.UTF_8));
        }
        List<RecordAndPosition<ParsedRecord>> all = readAll(new JsonLinesFormat("events", 0), split(gz));
        assertEquals(4, all.size());
        assertEquals("i2", all.get(3).getRecord().event.item);
    }

    @Test
    void laterPassesShiftTimeBySpanAndSuffixIds() throws Exception {
        List<RecordAndPosition<ParsedRecord>> all = readAll(new JsonLinesFormat("events", 0, 0, 3), split(plain()));

        assertEquals(12, all.size());
        long span = 1_000 + 1; // valid timestamps only: the 1970 line does not count
        for (int pass = 0; pass < 3; pass++) {
            String sfx = pass == 0 ? "" : "~" + pass;
            ParsedRecord dead = all.get(4 * pass).getRecord();
            ParsedRecord view = all.get(4 * pass + 1).getRecord();
            ParsedRecord search = all.get(4 * pass + 2).getRecord();
            ParsedRecord buy = all.get(4 * pass + 3).getRecord();
            assertNotNull(dead.deadLetter, "still a dead letter in pass " + pass);
            assertEquals(T0 + pass * span, view.event.ts);
            assertEquals("u1" + sfx, view.event.user);
            assertEquals("i1" + sfx, view.event.item);
            assertEquals("s1" + sfx, view.event.session);
            assertEquals("c", view.event.category, "categories are shared by all passes");
            assertNull(search.event.item);
            assertEquals("u2" + sfx, search.event.user);
            assertEquals(T0 + 1_000 + pass * span, buy.event.ts);
            assertEquals(12, all.get(11).getRecordSkipCount());
        }
        assertTrue(all.get(5).getRecord().event.ts > all.get(3).getRecord().event.ts,
                "a pass starts after the one before ends: nothing is late");
    }

    @Test
    void catalogRecordsGetTheSameItemSuffixes() throws Exception {
        java.nio.file.Path items = tmp.resolve("x.items.jsonl");
        Files.writeString(items, "{\"ts\": " + T0 + ", \"type\": \"item\", \"item\": \"i1\", \"title\": \"Shoe\"}\n");
        List<RecordAndPosition<ParsedRecord>> all = readAll(new JsonLinesFormat("items", 0, 0, 2), split(items));
        assertEquals("i1", all.get(0).getRecord().catalog.item);
        assertEquals("i1~1", all.get(1).getRecord().catalog.item);
        assertEquals("Shoe", all.get(1).getRecord().catalog.title);
    }

    @Test
    void restoreSkipsWhatWasReadAcrossPasses() throws Exception {
        JsonLinesFormat format = new JsonLinesFormat("events", 0, 0, 3);
        FileSourceSplit split = split(plain()).updateWithCheckpointedPosition(
                new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 6));
        List<RecordAndPosition<ParsedRecord>> rest = readAll(format, split, true);

        assertEquals(6, rest.size());
        ParsedRecord first = rest.get(0).getRecord();
        assertEquals("u2~1", first.event.user, "record 7 of 12 is pass 1's search");
        assertEquals(T0 + 500 + 1_001, first.event.ts, "the span was recomputed while skipping");
        assertEquals(7, rest.get(0).getRecordSkipCount());
        assertEquals(12, rest.get(5).getRecordSkipCount());
    }

    @Test
    void rateEmitsAtTheOfferedLoadAndStampsTheScheduledTime() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            b.append("{\"ts\": ").append(T0 + i).append(", \"type\": \"view\", \"user\": \"u\", \"item\": \"i")
                    .append(i).append("\"}\n");
        }
        java.nio.file.Path f = tmp.resolve("paced.jsonl");
        Files.writeString(f, b.toString());
        long start = System.nanoTime();
        BulkFormat.Reader<ParsedRecord> reader = new JsonLinesFormat("events", 0, 200, 1)
                .createReader(new Configuration(), split(f));
        List<ParsedRecord> out = new ArrayList<>();
        int batches = 0;
        BulkFormat.RecordIterator<ParsedRecord> it;
        while ((it = reader.readBatch()) != null) {
            batches++;
            RecordAndPosition<ParsedRecord> r;
            while ((r = it.next()) != null) out.add(r.getRecord());
            it.releaseBatch();
        }
        reader.close();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(40, out.size());
        assertTrue(seconds >= 39 / 200.0 - 0.01, "40 lines at 200/s take 195 ms at least: " + seconds);
        assertTrue(batches >= 20, "a paced reader hands records over before it sleeps: " + batches + " batches");
        long first = out.get(0).event.ingestMs;
        long last = out.get(39).event.ingestMs;
        assertTrue(Math.abs((last - first) - 195) <= 2, "ingestMs follows the schedule: " + (last - first));
    }

    @Test
    void unpacedBatchesAreBounded() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2_500; i++) {
            b.append("{\"ts\": ").append(T0 + i).append(", \"type\": \"view\", \"user\": \"u\", \"item\": \"i\"}\n");
        }
        java.nio.file.Path f = tmp.resolve("many.jsonl");
        Files.writeString(f, b.toString());
        BulkFormat.Reader<ParsedRecord> reader = new JsonLinesFormat("events", 0).createReader(new Configuration(), split(f));
        List<Integer> sizes = new ArrayList<>();
        BulkFormat.RecordIterator<ParsedRecord> it;
        while ((it = reader.readBatch()) != null) {
            int n = 0;
            while (it.next() != null) n++;
            sizes.add(n);
        }
        assertEquals(List.of(JsonLinesFormat.MAX_BATCH, JsonLinesFormat.MAX_BATCH, 2_500 - 2 * JsonLinesFormat.MAX_BATCH), sizes);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new JsonLinesFormat("events", 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new JsonLinesFormat("events", 0, -1, 1));
    }

    private java.nio.file.Path plain() throws IOException {
        java.nio.file.Path f = tmp.resolve("x.events.jsonl");
        Files.writeString(f, LINES);
        return f;
    }

    private static FileSourceSplit split(java.nio.file.Path f) throws IOException {
        return new FileSourceSplit("0", new Path(f.toUri()), 0, Files.size(f), 0, Files.size(f));
    }

    private static List<RecordAndPosition<ParsedRecord>> readAll(JsonLinesFormat format, FileSourceSplit split)
            throws IOException {
        return readAll(format, split, false);
    }

    private static List<RecordAndPosition<ParsedRecord>> readAll(JsonLinesFormat format, FileSourceSplit split,
                                                                 boolean restore) throws IOException {
        BulkFormat.Reader<ParsedRecord> reader = restore
                ? format.restoreReader(new Configuration(), split)
                : format.createReader(new Configuration(), split);
        List<RecordAndPosition<ParsedRecord>> out = new ArrayList<>();
        BulkFormat.RecordIterator<ParsedRecord> it;
        while ((it = reader.readBatch()) != null) {
            RecordAndPosition<ParsedRecord> r;
            while ((r = it.next()) != null) {
                // RecordAndPosition objects are reused by the iterator: copy
                out.add(new RecordAndPosition<>(r.getRecord(), r.getOffset(), r.getRecordSkipCount()));
            }
            it.releaseBatch();
        }
        reader.close();
        return out;
    }
}
