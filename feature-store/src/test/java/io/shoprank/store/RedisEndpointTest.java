package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RedisEndpointTest {

    @Test
    void parsesFullUrl() {
        RedisEndpoint e = RedisEndpoint.parse("redis://:s3cret@redis.prod:6380/2", "ns");
        assertEquals(new RedisEndpoint("redis.prod", 6380, "s3cret", 2, RedisEndpoint.DEFAULT_TIMEOUT_MS, "ns"), e);
    }

    @Test
    void appliesDefaults() {
        RedisEndpoint e = RedisEndpoint.parse("redis://localhost");
        assertEquals("localhost", e.host());
        assertEquals(6379, e.port());
        assertNull(e.password());
        assertEquals(0, e.database());
        assertEquals(KeySchema.DEFAULT_NAMESPACE, e.namespace());
        assertEquals(0, RedisEndpoint.parse("redis://localhost:1/").database());
    }

    @Test
    void decodesPasswordsAndIpv6() {
        assertEquals("p@ss/w+rd", RedisEndpoint.parse("redis://:p%40ss%2Fw+rd@h:1").password());
        assertEquals("p@ss", RedisEndpoint.parse("redis://:p@ss@h:1").password());
        assertNull(RedisEndpoint.parse("redis://:@h:1").password());
        assertEquals("::1", RedisEndpoint.parse("redis://[::1]:7000").host());
    }

    @Test
    void rejectsUnsupportedUrlsWithoutLeakingThePassword() {
        for (String url : new String[] {"rediss://h:1", "redis://user:pw@h:1", "http://h", "redis://h:x",
                "redis://", "h:6379", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RedisEndpoint.parse(url), String.valueOf(url));
            assertFalse(e.getMessage().contains("pw"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis://h:70000"));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.parse("redis://h", "bad{ns}"));
    }

    @Test
    void toStringHidesThePassword() {
        String s = RedisEndpoint.parse("redis://:s3cret@h:1/3").toString();
        assertFalse(s.contains("s3cret"), s);
        assertEquals("redis://:***@h:1/3 (namespace shoprank, timeout 2000 ms)", s);
    }
}
