package io.shoprank.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
     * {@code user} (anonymous visitor) gets trending. When the user's list is older than the trending lists
     * by {@link ListRefresh#DEFAULT_STALE_AFTER_MS} (the user has been away), its trending entries are
     * refreshed from the current trending lists ({@link ListRefresh}). One round trip; two for a stale list.
     */
    public List<String> recommendations(String user, int k) {
        checkK(k);
        if (isAnonymous(user)) {
            return trending(k);
        }
        Response<List<String>> personal;
        Response<List<String>> meta;
        Response<List<String>> fallback;
        Response<String> trendingTs;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            personal = pipeline.lrange(keys.recList(user), 0, -1); // the whole list: a refresh needs all of it
            meta = pipeline.hmget(keys.recMeta(user), REFRESH_FIELDS);
            fallback = pipeline.lrange(keys.trendingList(), 0, k - 1);
            trendingTs = pipeline.hget(keys.trendingMeta(), "ts");
            pipeline.sync();
        }
        List<String> items = personal.get();
        if (items.isEmpty()) {
            return fallback.get();
        }
        List<String> m = meta.get();
        if (isStale(m.get(0), trendingTs.get())) {
            List<String> reasons = parseReasons(user, m.get(1), items.size());
            List<String> seeds = parseIds(user, "seeds", m.get(4));
            items = ListRefresh.refresh(items, reasons, parseIds(user, "exclude", m.get(2)), seeds,
                    current(reasons, seeds), ListRefresh.Order.parse(m.get(3))).items();
        }
        return items.subList(0, Math.min(k, items.size()));
    }

    /**
     * Like {@link #recommendations} but with scores, reasons, version and as-of time; {@code personalised}
     * tells whether it fell back to trending. A refreshed entry keeps its slot's score and reason (so scores of a
     * list refreshed in {@link ListRefresh.Order#FILL_FIRST} order need not decrease); version and as-of time
     * stay the stored list's. One round trip; two for a stale list.
     *
     * @throws IllegalStateException if a list's meta hash is missing or malformed (corrupt data)
     */
    public Recommendations recommendationsWithMeta(String user, int k) {
        checkK(k);
        boolean anonymous = isAnonymous(user);
        Response<List<String>> personal = null;
        Response<List<String>> personalMeta = null;
        Response<List<String>> refreshMeta = null;
        Response<List<String>> fallback;
        Response<List<String>> fallbackMeta;
        // A transaction, not a plain pipeline: each list must be read together with its own meta, or a
        // rewrite landing in between would pair old items with new scores.
        try (AbstractTransaction tx = redis.multi()) {
            if (!anonymous) {
                personal = tx.lrange(keys.recList(user), 0, -1);
                personalMeta = tx.hmget(keys.recMeta(user), ListMeta.FIELDS);
                refreshMeta = tx.hmget(keys.recMeta(user), "exclude", "stale_order", "seeds");
            }
            fallback = tx.lrange(keys.trendingList(), 0, k - 1);
            fallbackMeta = tx.hmget(keys.trendingMeta(), ListMeta.FIELDS);
            tx.exec();
        }
        if (anonymous || personal.get().isEmpty()) {
            return ListMeta.parse(keys.trendingMeta(), fallback.get(), fallbackMeta.get(), false);
        }
        Recommendations stored = ListMeta.parse(keys.recMeta(user), personal.get(), personalMeta.get(), true);
        List<String> items = stored.items();
        List<Double> scores = stored.scores();
        List<String> reasons = stored.reasons();
        if (isStale(personalMeta.get().get(1), fallbackMeta.get().get(1))) {
            List<String> seeds = parseIds(user, "seeds", refreshMeta.get().get(2));
            ListRefresh.Refreshed refreshed = ListRefresh.refresh(items, reasons,
                    parseIds(user, "exclude", refreshMeta.get().get(0)), seeds, current(reasons, seeds),
                    ListRefresh.Order.parse(refreshMeta.get().get(1)));
            items = refreshed.items();
            scores = refreshed.aligned(scores);
            reasons = refreshed.reasons();
        }
        int n = Math.min(k, items.size());
        return new Recommendations(items.subList(0, n), scores.subList(0, n), reasons.subList(0, n), true,
                stored.version(), stored.asOfTs());
    }

    /** The recommendation meta fields a refresh needs. */
    private static final String[] REFRESH_FIELDS = {"ts", "reasons", "exclude", "stale_order", "seeds"};

    private static boolean isStale(String listTs, String trendingTs) {
        if (listTs == null || trendingTs == null) return false;
        try {
            return ListRefresh.isStale(Long.parseLong(listTs), Long.parseLong(trendingTs),
                    ListRefresh.DEFAULT_STALE_AFTER_MS);
        } catch (NumberFormatException e) {
            return false; // a malformed time only costs the refresh
        }
    }

    /**
     * The current trending lists and the seeds' similar-items lists that a refresh of a list with these reasons
     * needs: one more round trip.
     */
    private ListRefresh.Current current(List<String> reasons, List<String> seeds) {
        Map<String, Response<List<String>>> lists = new LinkedHashMap<>();
        Map<String, Response<List<String>>> similar = new LinkedHashMap<>();
        Map<String, Response<String>> similarScores = new LinkedHashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String source : ListRefresh.sources(reasons)) {
                lists.put(source, pipeline.lrange(source.isEmpty() ? keys.trendingList()
                        : keys.categoryTrendingList(source), 0, -1));
            }
            if (ListRefresh.needsSimilar(reasons)) {
                for (String seed : seeds) {
                    similar.put(seed, pipeline.lrange(keys.similarList(seed), 0, -1));
                    similarScores.put(seed, pipeline.hget(keys.similarMeta(seed), "scores"));
                }
            }
            pipeline.sync();
        }
        return new ListRefresh.Current() {
            @Override
            public List<String> trending(String source) {
                Response<List<String>> r = lists.get(source);
                return r == null ? List.of() : r.get();
            }

            @Override
            public ListRefresh.Similar similar(String item) {
                Response<List<String>> r = similar.get(item);
                String json = r == null ? null : similarScores.get(item).get();
                if (json == null || r.get().isEmpty()) return ListRefresh.Similar.NONE;
                try {
                    double[] scores = MetaJson.parseScores(json);
                    List<String> items = r.get();
                    if (scores.length < items.size()) return ListRefresh.Similar.NONE; // read across a rewrite
                    List<Double> aligned = new ArrayList<>(items.size());
                    for (int i = 0; i < items.size(); i++) aligned.add(scores[i]);
                    return new ListRefresh.Similar(items, aligned);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("Malformed meta hash " + keys.similarMeta(item), e);
                }
            }
        };
    }

    private List<String> parseReasons(String user, String json, int n) {
        if (json == null) {
            throw new IllegalStateException("Meta hash " + keys.recMeta(user) + " is missing or incomplete");
        }
        try {
            List<String> reasons = MetaJson.parseReasons(json);
            if (reasons.size() < n) {
                throw new IllegalStateException("Meta hash " + keys.recMeta(user) + " has fewer reasons than "
                        + n + " list items");
            }
            return reasons.subList(0, n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Malformed meta hash " + keys.recMeta(user), e);
        }
    }

    /** A JSON array of ids in the list's meta; none when the field is absent (written before it existed). */
    private List<String> parseIds(String user, String field, String json) {
        if (json == null) return List.of();
        try {
            return MetaJson.parseIds(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Malformed " + field + " field in " + keys.recMeta(user), e);
        }
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
