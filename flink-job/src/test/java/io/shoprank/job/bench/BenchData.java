package io.shoprank.job.bench;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Input for the JMH benchmarks: the first lines of a real replay file (system property {@code bench.events},
 * default {@code ../shared/data/taobao-2h.events.jsonl.gz}, looked up from the working directory and its
 * parent), so that ids, types and the user/item mix are those of the data the job runs on.
 */
final class BenchData {
    static final int LINES = 20_000;

    private BenchData() {}

    static List<String> lines() throws IOException {
        Path file = locate();
        List<String> lines = new ArrayList<>(LINES);
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (lines.size() < LINES && (line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The valid item events among {@link #lines()}, in file order. */
    static Event[] itemEvents() throws IOException {
        EventParser parser = new EventParser();
        List<Event> events = new ArrayList<>();
        for (String line : lines()) {
            ParsedRecord r = parser.parse(line, "bench");
            if (r.event != null && r.event.item != null) events.add(r.event);
        }
        return events.toArray(new Event[0]);
    }

    /** Moves every event forward by the events' span, so that cycling through them keeps time moving on. */
    static void shiftForNextCycle(Event[] events) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Event e : events) {
            min = Math.min(min, e.ts);
            max = Math.max(max, e.ts);
        }
        long span = max - min + 1;
        for (Event e : events) e.ts += span;
    }

    private static Path locate() {
        String configured = System.getProperty("bench.events", "../shared/data/taobao-2h.events.jsonl.gz");
        for (Path p : new Path[] {Path.of(configured), Path.of("..").resolve(configured)}) {
            if (Files.exists(p)) return p;
        }
        throw new IllegalStateException("replay file not found: " + configured + " (set -Dbench.events=FILE)");
    }
}
