package io.shoprank.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Read side for frontends (JVM ones; others follow the README with plain Redis commands).
 * Thread-safe: connections come from a pool.
 *
 * <p>Lists come back as found, possibly empty; all methods take {@code k >= 1}. Redis errors surface as
 * Jedis runtime exceptions, so a frontend can catch them and serve a static fallback.
 */
public final class FeatureStoreClient implements AutoCloseable {

    private static final String CLIENT_NAME = "shoprank-reader";

    private final RedisClient redis;
    private final KeySchema keys;

    /** Uses Jedis' default pool (8 connections). */
    public FeatureStoreClient(RedisEndpoint endpoint) {
        this(endpoint, new ConnectionPoolConfig());
    }

    public FeatureStoreClient(RedisEndpoint endpoint, ConnectionPoolConfig poolConfig) {
        this.keys = endpoint.keySchema();
        this.redis = RedisClient.builder()
                .hostAndPort(endpoint.hostAndPort())
                .clientConfig(endpoint.clientConfig(CLIENT_NAME))
                .poolConfig(poolConfig)
                .build();
    }

    /**
     * The user's top {@code k} items, or global trending when the user has no list. A null or empty
     * {@code user} (anonymous visitor) gets trending. One round trip.
     */
    public List<String> recommendations(String user, int k) {
        checkK(k);
        if (isAnonymous(user)) {
            return trending(k);
        }
        Response<List<String>> personal;
        Response<List<String>> fallback;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            personal = pipeline.lrange(keys.recList(user), 0, k - 1);
            fallback = pipeline.lrange(keys.trendingList(), 0, k - 1);
            pipeline.sync();
        }
        return personal.get().isEmpty() ? fallback.get() : personal.get();
    }

    /**
     * Like {@link #recommendations} but with scores, reasons, version and as-of time; {@code personalised}
     * tells whether it fell back to trending. One round trip.
     *
     * @throws IllegalStateException if a list's meta hash is missing or malformed (corrupt data)
     */
    public Recommendations recommendationsWithMeta(String user, int k) {
        checkK(k);
        boolean anonymous = isAnonymous(user);
        Response<List<String>> personal = null;
        Response<List<String>> personalMeta = null;
        Response<List<String>> fallback;
        Response<List<String>> fallbackMeta;
        // A transaction, not a plain pipeline: each list must be read together with its own meta, or a
        // rewrite landing in between would pair old items with new scores.
        try (AbstractTransaction tx = redis.multi()) {
            if (!anonymous) {
                personal = tx.lrange(keys.recList(user), 0, k - 1);
                personalMeta = tx.hmget(keys.recMeta(user), ListMeta.FIELDS);
            }
            fallback = tx.lrange(keys.trendingList(), 0, k - 1);
            fallbackMeta = tx.hmget(keys.trendingMeta(), ListMeta.FIELDS);
            tx.exec();
        }
        if (!anonymous && !personal.get().isEmpty()) {
            return ListMeta.parse(keys.recMeta(user), personal.get(), personalMeta.get(), true);
        }
        return ListMeta.parse(keys.trendingMeta(), fallback.get(), fallbackMeta.get(), false);
    }

    /** Items similar to {@code item}, best first; empty when unknown (see README for the fallback). */
    public List<String> similarItems(String item, int k) {
        return top(keys.similarList(item), k);
    }

    /** Globally trending items, best first. */
    public List<String> trending(int k) {
        return top(keys.trendingList(), k);
    }

    /** Items trending in {@code category}, best first. */
    public List<String> categoryTrending(String category, int k) {
        return top(keys.categoryTrendingList(category), k);
    }

    /** All fields of the user's feature hash, including {@code v} and {@code ts}; empty when missing. */
    public Map<String, String> userFeatures(String user) {
        return redis.hgetAll(keys.userFeatures(user));
    }

    /**
     * The user's profile (top categories, brands and shops with shares, recent items, activity level, price
     * band, last active), typed; empty for an unknown, expired or anonymous (null or empty) user. One HGETALL.
     *
     * @throws IllegalStateException if the hash is malformed (corrupt data)
     */
    public Optional<UserProfileView> userProfile(String user) {
        if (isAnonymous(user)) {
            return Optional.empty();
        }
        String key = keys.userFeatures(user);
        Map<String, String> hash = redis.hgetAll(key);
        return hash.isEmpty() ? Optional.empty() : Optional.of(UserProfileView.parse(key, hash));
    }

    /** All fields of the item's feature hash, including {@code v} and {@code ts}; empty when missing. */
    public Map<String, String> itemFeatures(String item) {
        return redis.hgetAll(keys.itemFeatures(item));
    }

    public KeySchema keys() {
        return keys;
    }

    private List<String> top(String listKey, int k) {
        checkK(k);
        return redis.lrange(listKey, 0, k - 1);
    }

    private static boolean isAnonymous(String user) {
        return user == null || user.isEmpty();
    }

    private static void checkK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k); // LRANGE 0 -1 would read it all
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
