package io.shoprank.job.sink;

import io.shoprank.store.StoreWrite;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.time.Duration;

/**
 * Writes {@link StoreWrite}s to Redis through the feature-store writer: pipelined batches, version-guarded
 * (idempotent, so at-least-once delivery is safe), flushed on every checkpoint so nothing acknowledged by a
 * checkpoint is lost.
 */
public final class RedisSink implements Sink<StoreWrite> {
    private static final long serialVersionUID = 1L;

    private final String redisUrl;
    private final String namespace;
    private final int batchSize;
    private final long lingerMs;

    public RedisSink(String redisUrl, String namespace, int batchSize, Duration linger) {
        this.redisUrl = redisUrl;
        this.namespace = namespace;
        this.batchSize = batchSize;
        this.lingerMs = linger.toMillis();
    }

    @Override
    public SinkWriter<StoreWrite> createWriter(WriterInitContext context) {
        return new RedisSinkWriter(redisUrl, namespace, batchSize, lingerMs, context);
    }
}
