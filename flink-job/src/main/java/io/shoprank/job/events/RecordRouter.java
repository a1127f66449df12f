package io.shoprank.job.events;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits parsed records: valid on-time events go on, catalog records and dead letters to side outputs.
 * An event older than the watermark minus the allowed lateness is late: it is counted and dead-lettered
 * with its reason, never silently dropped.
 *
 * <p>Metrics: {@code events.in}, {@code events.invalid}, {@code events.late}, {@code catalog.in}.
 */
public final class RecordRouter extends ProcessFunction<ParsedRecord, Event> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<CatalogItem> CATALOG = new OutputTag<>("catalog") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final long allowedLatenessMs;
    private transient Counter in;
    private transient Counter invalid;
    private transient Counter late;
    private transient Counter catalog;
    private final LongCounter invalidTotal = new LongCounter();
    private final LongCounter lateTotal = new LongCounter();
    private final LongCounter eventsTotal = new LongCounter();

    public static final String ACC_INVALID = "events.invalid";
    public static final String ACC_LATE = "events.late";
    public static final String ACC_EVENTS = "events.in";

    public RecordRouter(long allowedLatenessMs) {
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open(OpenContext ctx) {
        var events = getRuntimeContext().getMetricGroup().addGroup("events");
        in = events.counter("in");
        invalid = events.counter("invalid");
        late = events.counter("late");
        catalog = getRuntimeContext().getMetricGroup().addGroup("catalog").counter("in");
        // totals also as accumulators: a bounded run reports them in its JobExecutionResult
        getRuntimeContext().addAccumulator(ACC_INVALID, invalidTotal);
        getRuntimeContext().addAccumulator(ACC_LATE, lateTotal);
        getRuntimeContext().addAccumulator(ACC_EVENTS, eventsTotal);
    }

    @Override
    public void processElement(ParsedRecord r, Context ctx, Collector<Event> out) {
        if (r.deadLetter != null) {
            invalid.inc();
            invalidTotal.add(1);
            ctx.output(DEAD_LETTERS, r.deadLetter);
        } else if (r.catalog != null) {
            catalog.inc();
            ctx.output(CATALOG, r.catalog);
        } else if (r.event != null) {
            long watermark = ctx.timerService().currentWatermark();
            if (isLate(r.event.ts, watermark, allowedLatenessMs)) {
                late.inc();
                lateTotal.add(1);
                ctx.output(DEAD_LETTERS, new DeadLetter("late", "late: ts " + r.event.ts + " is more than "
                        + allowedLatenessMs + " ms behind the watermark " + watermark,
                        EventJson.toJson(r.event), r.event.ingestMs));
            } else {
                in.inc();
                eventsTotal.add(1);
                out.collect(r.event);
            }
        }
    }

    static boolean isLate(long ts, long watermark, long allowedLatenessMs) {
        return watermark != Long.MIN_VALUE && ts < watermark - allowedLatenessMs;
    }
}
