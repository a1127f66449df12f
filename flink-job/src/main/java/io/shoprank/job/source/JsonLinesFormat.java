package io.shoprank.job.source;

import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.api.common.io.compression.InflaterInputStreamFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads canonical JSON lines ({@code .gz} and the other standard compressions by extension) and parses each
 * line into a {@link ParsedRecord} inside the source, so watermarks come from valid event timestamps only.
 *
 * <p>Replay controls, all applied in the split-fetcher thread (never the task thread):
 * <ul>
 *   <li>{@code speedup}: event time advances that many times faster than the wall clock ({@link ReplayPacer});</li>
 *   <li>{@code rate}: a fixed offered load of that many lines per second of wall clock; an event's
 *       {@code ingestMs} is then the moment it was <em>scheduled</em> to enter the job, so time spent waiting
 *       in the source while the job backpressures counts towards freshness (no coordinated omission);</li>
 *   <li>{@code repeat}: passes over the file. Pass {@code p} (0-based) shifts every timestamp by
 *       {@code p * span}, where span is the file's valid-timestamp range plus 1 ms, and suffixes user, item
 *       and session ids (events) and item ids (catalog) with {@code ~p}: pass 0 is the file as it is, and
 *       later passes are new users on new items, later in event time, so passes neither collide in state nor
 *       arrive late.</li>
 * </ul>
 *
 * <p>Batches handed to the task thread hold at most {@link #MAX_BATCH} records, and a paced reader hands over
 * what it holds before it sleeps, so pacing never keeps a parsed record waiting in a half-full batch. (Flink's
 * {@code StreamFormat} adapter fills batches by bytes, about 1 MB: at 2,000 events/s that held records back
 * for seconds.)
 *
 * <p>Checkpointed position: the number of records read from the split over all passes; a restored reader
 * reads and drops that many again (without pacing), which also recomputes the span.
 */
public final class JsonLinesFormat implements BulkFormat<ParsedRecord, FileSourceSplit> {
    private static final long serialVersionUID = 2L;

    /** Records per batch handed from the fetcher thread to the task thread, at most. */
    public static final int MAX_BATCH = 1024;
    /** Separator between an id and its pass number in passes after the first. */
    public static final String PASS_SEPARATOR = "~";

    private final String origin;
    private final double speedup;
    private final double rate;
    private final int repeat;

    public JsonLinesFormat(String origin, double speedup) {
        this(origin, speedup, 0, 1);
    }

    /**
     * @param origin  label kept on dead letters ("events", "items")
     * @param speedup event-time pace, 0 = not paced by event time
     * @param rate    lines per second, 0 = not paced by rate (at most one of speedup and rate is set)
     * @param repeat  passes over the file, at least 1
     */
    public JsonLinesFormat(String origin, double speedup, double rate, int repeat) {
        if (repeat < 1) throw new IllegalArgumentException("repeat must be >= 1: " + repeat);
        if (rate < 0 || !Double.isFinite(rate)) throw new IllegalArgumentException("rate must be >= 0: " + rate);
        this.origin = origin;
        this.speedup = speedup;
        this.rate = rate;
        this.repeat = repeat;
    }

    @Override
    public BulkFormat.Reader<ParsedRecord> createReader(Configuration config, FileSourceSplit split) {
        return new ReplayReader(() -> open(split.path()), origin, speedup, rate, repeat, 0);
    }

    @Override
    public BulkFormat.Reader<ParsedRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new ReplayReader(() -> open(split.path()), origin, speedup, rate, repeat, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }

    static BufferedReader open(Path path) throws IOException {
        InputStream in = path.getFileSystem().open(path);
        InflaterInputStreamFactory<?> decompressor = StandardDeCompressors.getDecompressorForFileName(path.getPath());
        if (decompressor != null) {
            in = decompressor.create(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Opens the file from its start, once per pass. */
    @FunctionalInterface
    interface LineSource {
        BufferedReader open() throws IOException;
    }

    /** Reads the file {@code repeat} times, remapping later passes, paced as configured. */
    static final class ReplayReader implements BulkFormat.Reader<ParsedRecord> {
        private final LineSource source;
        private final String origin;
        private final int repeat;
        private final double rate;
        private final ReplayPacer pacer;
        private final EventParser parser = new EventParser();

        private BufferedReader lines;
        private int pass;
        private String suffix = "";
        private long shift;
        /** Valid timestamps seen in pass 0 (events and catalog records). */
        private long minTs = Long.MAX_VALUE;
        private long maxTs = Long.MIN_VALUE;
        /** Records handed out over all passes: the checkpointed position. */
        private long emitted;
        /** Read but not handed out yet: it was not due when the batch was cut. */
        private ParsedRecord held;
        private boolean rateStarted;
        private long rateStartNanos;
        private long rateStartMs;

        ReplayReader(LineSource source, String origin, double speedup, double rate, int repeat, long skip) {
            this.source = source;
            this.origin = origin;
            this.repeat = repeat;
            this.rate = rate;
            this.pacer = new ReplayPacer(speedup);
            try {
                for (; emitted < skip; emitted++) {
                    if (readRecord() == null) break;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public RecordIterator<ParsedRecord> readBatch() throws IOException {
            long first = emitted;
            List<ParsedRecord> batch = new ArrayList<>(rate > 0 ? 16 : MAX_BATCH);
            while (batch.size() < MAX_BATCH) {
                ParsedRecord r = held != null ? held : readRecord();
                held = null;
                if (r == null) break;
                long waitNanos = waitNanos(r);
                if (waitNanos > 0) {
                    if (!batch.isEmpty()) {
                        held = r; // hand over what is due now; this one goes first in the next batch
                        break;
                    }
                    sleepNanos(waitNanos);
                }
                stampIngest(r);
                batch.add(r);
                emitted++;
            }
            return batch.isEmpty() ? null
                    : new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, first);
        }

        /** Nanoseconds until {@code r} is due; 0 or less when it may go now. */
        private long waitNanos(ParsedRecord r) {
            if (rate > 0) {
                if (!rateStarted) {
                    // anchored so that this record is due now (a restored reader goes on at the same pace)
                    rateStarted = true;
                    rateStartNanos = System.nanoTime() - scheduleNanos(emitted);
                    rateStartMs = System.currentTimeMillis() - scheduleNanos(emitted) / 1_000_000;
                }
                return rateStartNanos + scheduleNanos(emitted) - System.nanoTime();
            }
            if (r.event != null) {
                return pacer.delayMs(r.event.ts, System.currentTimeMillis()) * 1_000_000L;
            }
            return 0;
        }

        private long scheduleNanos(long n) {
            return (long) (n * 1e9 / rate);
        }

        private void stampIngest(ParsedRecord r) {
            if (r.event == null) return;
            r.event.ingestMs = rate > 0
                    ? Math.min(System.currentTimeMillis(), rateStartMs + scheduleNanos(emitted) / 1_000_000)
                    : System.currentTimeMillis();
        }

        private static void sleepNanos(long nanos) throws IOException {
            long until = System.nanoTime() + nanos;
            long left;
            while ((left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while pacing the replay");
                }
            }
        }

        /** The next record over all passes, remapped for its pass; null after the last pass. */
        ParsedRecord readRecord() throws IOException {
            while (true) {
                if (lines == null) {
                    if (pass >= repeat) return null;
                    lines = source.open();
                }
                String line = lines.readLine();
                if (line == null) {
                    lines.close();
                    lines = null;
                    nextPass();
                    continue;
                }
                ParsedRecord r = parser.parse(line, origin);
                if (pass == 0) {
                    observe(r);
                } else {
                    remap(r);
                }
                return r;
            }
        }

        private void nextPass() {
            pass++;
            long span = maxTs >= minTs ? maxTs - minTs + 1 : 1;
            shift = pass * span;
            suffix = PASS_SEPARATOR + pass;
        }

        private void observe(ParsedRecord r) {
            long ts = r.event != null ? r.event.ts : r.catalog != null ? r.catalog.ts : Long.MIN_VALUE;
            if (ts != Long.MIN_VALUE) {
                minTs = Math.min(minTs, ts);
                maxTs = Math.max(maxTs, ts);
            }
        }

        private void remap(ParsedRecord r) {
            if (r.event != null) {
                r.event.ts += shift;
                r.event.user = r.event.user + suffix;
                if (r.event.item != null) r.event.item = r.event.item + suffix;
                if (r.event.session != null) r.event.session = r.event.session + suffix;
            } else if (r.catalog != null) {
                r.catalog.ts += shift;
                r.catalog.item = r.catalog.item + suffix;
            }
        }

        /** The pass being read (0-based); {@code repeat} once all are read. */
        int pass() {
            return pass;
        }

        @Override
        public void close() throws IOException {
            if (lines != null) {
                lines.close();
                lines = null;
            }
        }
    }
}
