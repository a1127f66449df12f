package io.shoprank.job.bench;

import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.sink.RedisSink;
import io.shoprank.job.source.Sources;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The throughput reference: the job's sources and parsing ({@link Sources#records}) and its runtime settings
 * (RocksDB, checkpoints), then one Redis write per valid event through the job's {@link RedisSink}: the event's
 * item as a 1-item recommendation list of its user (version-guarded Lua write of list + meta hash, like the
 * real lists). No keyBy, no state: what any job on this source and this sink costs at least.
 */
public final class PassThroughJob {
    private PassThroughJob() {}

    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        ShoprankJob.configure(env, config);
        Sources.records(env, config)
                .filter(r -> r.event != null).name("valid events")
                .map(new LastItemWrite(config.redisTtl.toMillis())).name("last item as a list").uid("passthrough-write")
                .sinkTo(new RedisSink(config.redisUrl, config.namespace, config.redisBatch, config.redisLinger))
                .name("redis").uid("redis-sink");
    }

    /** The user's latest item as a 1-item list; versions grow per subtask from the wall clock (microseconds). */
    static final class LastItemWrite extends RichMapFunction<ParsedRecord, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private static final String[] NO_REASONS = null;
        private final long ttlMs;
        private transient long version;

        LastItemWrite(long ttlMs) {
            this.ttlMs = ttlMs;
        }

        @Override
        public void open(OpenContext ctx) {
            version = System.currentTimeMillis() * 1000;
        }

        @Override
        public StoreWrite map(ParsedRecord r) {
            Event e = r.event;
            String item = e.item != null ? e.item : e.type.name();
            StoreWrite w = StoreWrite.list(StoreWrite.Kind.RECOMMENDATIONS, e.user, ++version, e.ts, ttlMs,
                    new String[] {item}, new double[] {1.0}, NO_REASONS);
            w.ingestMs = e.ingestMs;
            return w;
        }
    }
}
