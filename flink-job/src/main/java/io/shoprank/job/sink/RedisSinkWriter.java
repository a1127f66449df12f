package io.shoprank.job.sink;

import io.shoprank.store.Backoff;
import io.shoprank.store.FeatureStoreWriter;
import io.shoprank.store.RedisEndpoint;
import io.shoprank.store.StoreWrite;
import io.shoprank.store.WriteResult;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers writes, keeping only the newest per key, and sends them as one pipeline when the batch is full,
 * when the oldest buffered write has waited {@code lingerMs}, and before every checkpoint. While Redis is unreachable the feature-store writer
 * retries with backoff and this writer blocks, which backpressures the job instead of failing it.
 *
 * <p>Metrics ({@code redis.*}): {@code writes} applied, {@code stale} skipped by the version guard,
 * {@code retries}, {@code batchLatencyMs} (histogram of one pipeline round trip, retries included),
 * {@code freshnessMs} (histogram: event entering the job to its user's list being in Redis).
 */
final class RedisSinkWriter implements SinkWriter<StoreWrite> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSinkWriter.class);
    /** Where the Redis password comes from when the URL has none (a Secret, in Kubernetes). */
    static final String PASSWORD_ENV = "SHOPRANK_REDIS_PASSWORD";

    private final FeatureStoreWriter store;
    private final int batchSize;
    private final long lingerMs;
    private final ProcessingTimeService time;
    /** Latest write per key: a newer version of a key makes an older buffered one pointless. */
    private final Map<String, StoreWrite> buffer = new LinkedHashMap<>();
    private boolean flushScheduled;

    private final Counter writes;
    private final Counter stale;
    private final Counter retries;
    private final Histogram batchLatency;
    private final Histogram freshness;

    RedisSinkWriter(String redisUrl, String namespace, int batchSize, long lingerMs, WriterInitContext ctx) {
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.time = ctx.getProcessingTimeService();
        MetricGroup g = ctx.metricGroup().addGroup("redis");
        writes = g.counter("writes");
        stale = g.counter("stale");
        retries = g.counter("retries");
        batchLatency = g.histogram("batchLatencyMs", new DescriptiveStatisticsHistogram(10_000));
        freshness = g.histogram("freshnessMs", new DescriptiveStatisticsHistogram(10_000));
        RedisEndpoint endpoint = RedisEndpoint.parse(redisUrl, namespace).withPasswordFromEnv(PASSWORD_ENV);
        store = new FeatureStoreWriter(endpoint, Backoff.DEFAULT, (attempt, cause, backoffMs) -> {
            retries.inc();
            if (attempt == 1 || attempt % 10 == 0) {
                LOG.warn("Redis write to {} failed (attempt {}), retrying in {} ms: {}", endpoint, attempt,
                        backoffMs, cause.toString());
            }
        });
    }

    @Override
    public void write(StoreWrite w, Context context) throws IOException, InterruptedException {
        buffer.merge(w.kind.name() + '\u0000' + w.id, w, (old, neu) -> neu.version >= old.version ? neu : old);
        if (buffer.size() >= batchSize) {
            send();
        } else if (!flushScheduled) {
            flushScheduled = true;
            time.registerTimer(time.getCurrentProcessingTime() + lingerMs, ts -> {
                flushScheduled = false;
                send();
            });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        send();
    }

    private void send() throws InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        long start = System.currentTimeMillis();
        List<StoreWrite> batch = new ArrayList<>(buffer.values());
        WriteResult r = store.write(batch);
        long end = System.currentTimeMillis();
        batchLatency.update(end - start);
        writes.inc(r.applied());
        stale.inc(r.stale());
        for (StoreWrite w : batch) {
            if (w.kind == StoreWrite.Kind.RECOMMENDATIONS && w.ingestMs > 0) {
                freshness.update(end - w.ingestMs);
            }
        }
        buffer.clear();
    }

    @Override
    public void close() {
        store.close();
    }
}
