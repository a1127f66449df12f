package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisTestServerTest {

    @Test
    void restartsOnTheSamePortKeepingSavedDataOnly() {
        try (RedisTestServer redis = new RedisTestServer().start()) {
            int port = redis.port();
            try (Jedis jedis = redis.newJedis()) {
                jedis.set("k", "saved");
            }
            redis.shutdownSave();
            assertFalse(redis.isRunning());

            redis.start();
            assertEquals(port, redis.port());
            try (Jedis jedis = redis.newJedis()) {
                assertEquals("saved", jedis.get("k"));
                jedis.set("k2", "lost");
            }

            redis.stop();
            redis.start();
            try (Jedis jedis = redis.newJedis()) {
                assertEquals("saved", jedis.get("k"));
                assertNull(jedis.get("k2"));
            }
            assertTrue(redis.url().endsWith(":" + port));
        }
    }
}
