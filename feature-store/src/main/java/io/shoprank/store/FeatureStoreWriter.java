package io.shoprank.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Writes batches of {@link StoreWrite}s into Redis over a single connection (one writer per Flink sink
 * subtask).
 *
 * <p>Every write is a version-guarded Lua script, so resending a batch is harmless. That is what makes
 * the failure handling simple: on any transient failure (connection lost, Redis restarting or busy) the
 * writer drops the connection, waits with exponential backoff, reconnects and resends the whole batch,
 * and keeps doing so until it succeeds. It never gives up on its own: a Flink job should back-pressure
 * through a Redis outage rather than crash-loop. It stops when its thread is interrupted or
 * {@link #close()} is called.
 *
 * <p>{@link #write} must be called from one thread at a time; {@link #close()} and the counters may be
 * used from any thread.
 */
public final class FeatureStoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureStoreWriter.class);
    private static final String CLIENT_NAME = "shoprank-writer";

    private final RedisEndpoint endpoint;
    private final KeySchema keys;
    private final Backoff backoff;
    private final RetryListener listener;
    /** Null while disconnected; the next attempt connects lazily. */
    private final AtomicReference<Jedis> connection = new AtomicReference<>();
    /** Released by close(), which also wakes a writer waiting out a backoff. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong connectionFailures = new AtomicLong();

    /** Default backoff, no listener. Does not connect yet: the first write does. */
    public FeatureStoreWriter(RedisEndpoint endpoint) {
        this(endpoint, Backoff.DEFAULT, RetryListener.NONE);
    }

    /** Does not connect yet, so a job can start while Redis is down: the first write connects. */
    public FeatureStoreWriter(RedisEndpoint endpoint, Backoff backoff, RetryListener listener) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.keys = endpoint.keySchema();
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Stores the batch, sent as one pipeline, retrying through transient failures for as long as it
     * takes.
     *
     * @return how many writes were applied and how many were skipped as stale
     * @throws IllegalArgumentException  if a write is invalid (checked before anything is sent)
     * @throws InterruptedException      if the thread is interrupted; noticed between attempts and during
     *                                   the backoff wait (an attempt already on the socket ends within
     *                                   the endpoint's timeout)
     * @throws IllegalStateException     if the writer is or gets closed
     * @throws redis.clients.jedis.exceptions.JedisDataException on a non-transient Redis error, e.g.
     *                                   WRONGTYPE when a key holds something else; writes before it in
     *                                   the batch may be applied
     */
    public WriteResult write(List<StoreWrite> batch) throws InterruptedException {
        List<ScriptCall> calls = WriteScripts.encode(batch, keys);
        if (calls.isEmpty()) {
            return WriteResult.NONE;
        }
        int failures = 0;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("Interrupted while writing to " + endpoint);
            }
            checkOpen();
            try {
                WriteResult result = send(connect(), calls);
                if (failures > 0) {
                    LOG.info("Wrote to {} after {} retries", endpoint, failures);
                }
                return result;
            } catch (RuntimeException e) {
                if (isClosed()) {
                    throw new IllegalStateException("FeatureStoreWriter closed while writing", e);
                }
                if (!TransientErrors.isTransient(e)) {
                    throw e;
                }
                failures++;
                awaitRetry(failures, e);
            }
        }
    }

    /** Drops the connection and waits before the next attempt (which reconnects and reloads scripts). */
    private void awaitRetry(int attempt, RuntimeException cause) throws InterruptedException {
        disconnect();
        // A lost script cache (SCRIPT FLUSH, or a restart between two batches) is cured by the reload
        // alone, so the first NOSCRIPT resends at once. Anything else, or NOSCRIPT again, backs off.
        boolean scriptCacheLost = cause instanceof JedisNoScriptException;
        long delayMs = scriptCacheLost && attempt == 1 ? 0 : backoff.delayMs(attempt);
        if (!scriptCacheLost) {
            connectionFailures.incrementAndGet();
        }
        retries.incrementAndGet();
        listener.onRetry(attempt, cause, delayMs);
        LOG.warn("Write to {} failed (attempt {}), resending in {} ms: {}", endpoint, attempt, delayMs,
                cause.toString());
        if (closed.await(delayMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("FeatureStoreWriter closed while waiting to retry", cause);
        }
    }

    /** Sends all calls in one pipeline and counts the scripts' answers (1 = applied, 0 = stale). */
    private static WriteResult send(Jedis jedis, List<ScriptCall> calls) {
        List<Response<Object>> replies = new ArrayList<>(calls.size());
        try (Pipeline pipeline = jedis.pipelined()) {
            for (ScriptCall call : calls) {
                replies.add(pipeline.evalsha(call.script().sha1(), call.keys(), call.args()));
            }
            pipeline.sync();
        }
        int applied = 0;
        for (Response<Object> reply : replies) {
            if (Long.valueOf(1).equals(reply.get())) { // get() rethrows this command's error reply
                applied++;
            }
        }
        return new WriteResult(applied, calls.size() - applied);
    }

    private Jedis connect() {
        Jedis jedis = connection.get();
        if (jedis != null) {
            return jedis;
        }
        jedis = new Jedis(endpoint.hostAndPort(), endpoint.clientConfig(CLIENT_NAME));
        try {
            for (LuaScript script : WriteScripts.ALL) {
                jedis.scriptLoad(script.source());
            }
        } catch (RuntimeException e) {
            closeQuietly(jedis);
            throw e;
        }
        connection.set(jedis);
        if (isClosed()) { // close() ran meanwhile and could not see this connection
            disconnect();
            checkOpen();
        }
        return jedis;
    }

    private void disconnect() {
        Jedis jedis = connection.getAndSet(null);
        if (jedis != null) {
            closeQuietly(jedis);
        }
    }

    private static void closeQuietly(Jedis jedis) {
        try {
            jedis.close();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring failure to close a Redis connection", e);
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    private void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("FeatureStoreWriter is closed");
        }
    }

    /** Resends so far, whether after a connection failure or after a lost script cache. */
    public long retries() {
        return retries.get();
    }

    /** Transient failures so far: lost connections and LOADING/BUSY/MASTERDOWN/READONLY replies. */
    public long connectionFailures() {
        return connectionFailures.get();
    }

    public KeySchema keys() {
        return keys;
    }

    /**
     * Closes the connection. A {@link #write} in progress on another thread stops promptly with an
     * {@link IllegalStateException}, whether it is waiting to retry or blocked on the socket.
     */
    @Override
    public void close() {
        closed.countDown();
        disconnect();
    }
}
