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
 * never move event time), with idleness so that a quiet partition does not hold the job back.
 *
 * <p>Catalog records: they are never late and must not hold back event time, so their stream announces the
 * maximum watermark; after a union the events' watermark alone decides.
 */
public final class EventTimeWatermarks {
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

    /** Bounded out-of-orderness that only looks at valid behaviour events. */
    static final class EventsOnly implements WatermarkGenerator<ParsedRecord> {
        private final long bound;
        private long maxTs;

        EventsOnly(long bound) {
            this.bound = bound;
            this.maxTs = Long.MIN_VALUE + bound + 1;
        }

        @Override
        public void onEvent(ParsedRecord r, long ts, WatermarkOutput out) {
            if (r.event != null) {
                maxTs = Math.max(maxTs, r.event.ts);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput out) {
            out.emitWatermark(new Watermark(maxTs - bound - 1));
        }
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
