package io.shoprank.job.source;

import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads canonical JSON lines (the FileSource decompresses {@code .gz} by extension) and parses each line into
 * a {@link ParsedRecord} inside the source, so watermarks come from valid event timestamps only. Optionally
 * paces the replay by a speed-up factor; it sleeps in the split-fetcher thread, not the task thread.
 */
public final class JsonLinesFormat extends SimpleStreamFormat<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private final String origin;
    private final double speedup;

    public JsonLinesFormat(String origin, double speedup) {
        this.origin = origin;
        this.speedup = speedup;
    }

    @Override
    public StreamFormat.Reader<ParsedRecord> createReader(Configuration config, FSDataInputStream stream) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        EventParser parser = new EventParser();
        ReplayPacer pacer = new ReplayPacer(speedup);
        return new StreamFormat.Reader<>() {
            @Override
            public ParsedRecord read() throws IOException {
                String line = lines.readLine();
                if (line == null) {
                    return null;
                }
                ParsedRecord r = parser.parse(line, origin);
                if (r.event != null) {
                    pace(r.event.ts);
                    r.event.ingestMs = System.currentTimeMillis();
                }
                return r;
            }

            private void pace(long ts) throws IOException {
                long wait = pacer.delayMs(ts, System.currentTimeMillis());
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while pacing the replay", e);
                    }
                }
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
