package io.shoprank.job.source;

import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * Watermark strategies for the two record streams.
 *
 * <p>Behaviour events: bounded out-of-orderness over valid events only (dead letters and catalog records
 * never move event time), with idleness so that a quiet partition does not hold the job back. The watermark
 * is emitted from the events themselves (each time it has advanced by {@link #STEP_MS}), never on a
 * processing-time period: its place among the records is then a function of the input alone, so event-time
 * timers downstream (label windows, model epochs, idle-list refreshes) fire at the same records in every
 * run, which keeps a replay at parallelism 1 deterministic.
 *
 * <p>Catalog records: they are never late and must not hold back event time, so their stream announces the
 * maximum watermark; after a union the events' watermark alone decides.
 */
public final class EventTimeWatermarks {
    /** Event-time granularity of the events' watermark. */
    public static final long STEP_MS = 200;

    private EventTimeWatermarks() {}

    public static WatermarkStrategy<ParsedRecord> forEvents(Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<ParsedRecord> s = WatermarkStrategy
                .<ParsedRecord>forGenerator(ctx -> new EventsOnly(outOfOrderness.toMillis()))
                .withTimestampAssigner((r, previous) -> timestampOf(r, previous));
        return idleness.isZero() ? s : s.withIdleness(idleness);
    }

    public static WatermarkStrategy<ParsedRecord> forCatalog() {
        return WatermarkStrategy.<ParsedRecord>forGenerator(ctx -> new AlwaysMax())
                .withTimestampAssigner((r, previous) -> timestampOf(r, previous));
    }

    static long timestampOf(ParsedRecord r, long previous) {
        if (r.event != null) return r.event.ts;
        if (r.catalog != null) return r.catalog.ts;
        return r.deadLetter != null ? r.deadLetter.ingestMs : previous;
    }

    /** Bounded out-of-orderness that only looks at valid behaviour events; punctuated (see the class). */
    static final class EventsOnly implements WatermarkGenerator<ParsedRecord> {
        private final long bound;
        private long emitted = Long.MIN_VALUE;

        EventsOnly(long bound) {
            this.bound = bound;
        }

        @Override
        public void onEvent(ParsedRecord r, long ts, WatermarkOutput out) {
            if (r.event == null) {
                return;
            }
            long w = r.event.ts - bound - 1;
            if (w >= emitted + STEP_MS || emitted == Long.MIN_VALUE) {
                emitted = w;
                out.emitWatermark(new Watermark(w));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {}
    }

    /** Catalog records do not take part in event time. */
    static final class AlwaysMax implements WatermarkGenerator<ParsedRecord> {
        @Override
        public void onEvent(ParsedRecord r, long ts, WatermarkOutput out) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            out.emitWatermark(Watermark.MAX_WATERMARK);
        }
    }
}
