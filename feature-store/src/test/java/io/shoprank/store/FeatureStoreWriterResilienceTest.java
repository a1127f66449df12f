package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.store.StoreWrite.Kind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Outages against a real redis-server: each test gets its own server because it breaks it. */
class FeatureStoreWriterResilienceTest {

    private static final Backoff FAST = new Backoff(50, 400);

    private final List<Integer> retryAttempts = new CopyOnWriteArrayList<>();
    private RedisTestServer redis;
    private FeatureStoreWriter writer;

    @BeforeEach
    void setUp() {
        redis = new RedisTestServer().start();
        writer = new FeatureStoreWriter(RedisEndpoint.parse(redis.url(), "t"), FAST,
                (attempt, cause, backoffMs) -> retryAttempts.add(attempt));
    }

    @AfterEach
    void tearDown() {
        writer.close();
        redis.close();
    }

    @Test
    void completesAWriteStartedDuringAnOutage() throws Exception {
        writer.write(List.of(features("u1", 1)));
        redis.shutdownSave();

        CompletableFuture<WriteResult> pending = writeInBackground(features("u2", 1));
        Thread.sleep(2_000);
        assertFalse(pending.isDone(), "the write must wait for Redis, not fail");
        redis.start();

        assertEquals(new WriteResult(1, 0), pending.get(10, TimeUnit.SECONDS));
        try (Jedis jedis = redis.newJedis()) {
            assertEquals("1", jedis.hget("t:user:{u1}", "v"), "data from before the outage");
            assertEquals("1", jedis.hget("t:user:{u2}", "v"), "the write made during the outage");
        }
        assertTrue(writer.connectionFailures() >= 3, "failures " + writer.connectionFailures());
        assertEquals(writer.retries(), retryAttempts.size());
        assertEquals(1, retryAttempts.get(0));
    }

    @Test
    void waitsOutABusyServer() throws Exception {
        writer.write(List.of(features("u1", 1)));
        try (Jedis admin = redis.newJedis(); Jedis scripter = redis.newJedis()) {
            admin.configSet("busy-reply-threshold", "20");
            // A script that never ends keeps Redis answering BUSY until SCRIPT KILL.
            CompletableFuture<Object> spinning =
                    CompletableFuture.supplyAsync(() -> scripter.eval("while true do end"));
            awaitBusy();

            CompletableFuture<WriteResult> pending = writeInBackground(features("u1", 2));
            Thread.sleep(300);
            assertFalse(pending.isDone());
            admin.scriptKill();

            assertEquals(new WriteResult(1, 0), pending.get(10, TimeUnit.SECONDS));
            assertTrue(writer.connectionFailures() >= 1);
            ExecutionException killed = assertThrows(ExecutionException.class,
                    () -> spinning.get(5, TimeUnit.SECONDS));
            assertInstanceOf(JedisException.class, killed.getCause());
        }
    }

    @Test
    void closeStopsAWriterWaitingForRedis() throws Exception {
        redis.stop();
        CompletableFuture<WriteResult> pending = writeInBackground(features("u1", 1));
        Thread.sleep(300);
        assertFalse(pending.isDone());

        long start = System.nanoTime();
        writer.close();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> pending.get(2, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_000));
    }

    @Test
    void interruptStopsAWriterWaitingForRedis() throws Exception {
        redis.stop();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                writer.write(List.of(features("u1", 1)));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        thread.start();
        Thread.sleep(300);

        thread.interrupt();
        thread.join(1_000);
        assertFalse(thread.isAlive());
        assertInstanceOf(InterruptedException.class, outcome.get());
    }

    private void awaitBusy() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Jedis probe = redis.newJedis()) {
                probe.get("x");
            } catch (JedisException e) {
                if (String.valueOf(e.getMessage()).startsWith("BUSY")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Redis never became BUSY");
    }

    private CompletableFuture<WriteResult> writeInBackground(StoreWrite write) {
        CompletableFuture<WriteResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(writer.write(List.of(write)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "background-write");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static StoreWrite features(String user, long version) {
        return StoreWrite.features(Kind.USER_FEATURES, user, version, 0, 0, new String[] {"f"}, new String[] {"x"});
    }
}
