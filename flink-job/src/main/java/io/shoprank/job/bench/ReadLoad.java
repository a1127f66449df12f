package io.shoprank.job.bench;

import io.shoprank.store.FeatureStoreClient;
import io.shoprank.store.RedisEndpoint;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Frontend reads while the job writes: {@code readers} threads share one {@link FeatureStoreClient} (its
 * default pool of 8 connections), each paced at {@code ratePerReader} iterations per second; an iteration
 * reads {@code recommendations(user, k)} for a random user that has a list, and a plain {@code GET} of a
 * value as large as an average list (separate client, same pool settings), in alternating order. Latency is
 * the call's service time ({@code System.nanoTime()} around it).
 */
public final class ReadLoad {
    public record Result(LongSamples recommendationsNanos, LongSamples getNanos, long errors, double seconds,
                         int valueBytes, int users) {}

    private ReadLoad() {}

    /**
     * Runs the read load in its own JVM (the benchmark starts it as a child process, so that the job's garbage
     * collections do not stop the readers) and writes a JSON summary.
     * {@code --redis URL --namespace NS --readers N --rate R --seconds S --k K --out FILE}
     */
    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int readers = Integer.parseInt(o.getOrDefault("readers", "4"));
        double rate = Double.parseDouble(o.getOrDefault("rate", "500"));
        int k = Integer.parseInt(o.getOrDefault("k", "20"));
        Duration d = Duration.ofMillis((long) (Double.parseDouble(o.getOrDefault("seconds", "30")) * 1000));
        Result r = run(RedisEndpoint.parse(o.get("redis"), o.getOrDefault("namespace", "shoprank")), readers, rate, d, k);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("readers", readers);
        m.put("ratePerReader", rate);
        m.put("seconds", BenchmarkRunner.round(r.seconds(), 1));
        m.put("usersWithLists", r.users());
        m.put("valueBytes", r.valueBytes());
        m.put("errors", r.errors());
        m.put("recommendations", BenchmarkRunner.latencyMs(r.recommendationsNanos(), 1e6));
        m.put("plainGet", BenchmarkRunner.latencyMs(r.getNanos(), 1e6));
        m.put("jvm", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(new java.io.File(o.get("out")), m);
        System.exit(0);
    }

    public static Result run(RedisEndpoint endpoint, int readers, double ratePerReader, Duration duration, int k)
            throws Exception {
        RedisClient plain = RedisClient.builder()
                .hostAndPort(new HostAndPort(endpoint.host(), endpoint.port()))
                .clientConfig(DefaultJedisClientConfig.builder().resp2().password(endpoint.password())
                        .database(endpoint.database()).clientName("shoprank-bench-get").build())
                .poolConfig(new ConnectionPoolConfig())
                .build();
        try (plain; FeatureStoreClient client = new FeatureStoreClient(endpoint)) {
            String ns = endpoint.namespace();
            List<String> users = usersWithLists(plain, ns, 50_000);
            if (users.isEmpty()) {
                throw new IllegalStateException("no user lists in Redis under " + ns + ":rec:*");
            }
            int valueBytes = averageListBytes(client, users, k);
            String getKey = ns + ":bench:get-reference";
            plain.set(getKey, randomText(valueBytes));

            long periodNanos = (long) (1e9 / ratePerReader);
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            AtomicLong errors = new AtomicLong();
            List<LongSamples> rec = new ArrayList<>();
            List<LongSamples> get = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                LongSamples recs = new LongSamples();
                LongSamples gets = new LongSamples();
                rec.add(recs);
                get.add(gets);
                SplittableRandom random = new SplittableRandom(42 + r);
                long offset = periodNanos * r / readers;
                Thread t = new Thread(() -> {
                    long next = start + offset;
                    boolean recFirst = true;
                    while (true) {
                        long now = System.nanoTime();
                        if (next > now) {
                            LockSupport.parkNanos(next - now);
                            continue;
                        }
                        if (now >= end) break;
                        next = Math.max(next + periodNanos, now - periodNanos); // no bursts after a stall
                        String user = users.get(random.nextInt(users.size()));
                        try {
                            if (recFirst) {
                                recs.add(timeRecommendations(client, user, k));
                                gets.add(timeGet(plain, getKey));
                            } else {
                                gets.add(timeGet(plain, getKey));
                                recs.add(timeRecommendations(client, user, k));
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                        recFirst = !recFirst;
                    }
                }, "bench-reader-" + r);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            LongSamples allRec = new LongSamples();
            LongSamples allGet = new LongSamples();
            rec.forEach(allRec::addAll);
            get.forEach(allGet::addAll);
            plain.del(getKey);
            return new Result(allRec, allGet, errors.get(), seconds, valueBytes, users.size());
        }
    }

    private static long timeRecommendations(FeatureStoreClient client, String user, int k) {
        long t0 = System.nanoTime();
        client.recommendations(user, k);
        return System.nanoTime() - t0;
    }

    private static long timeGet(RedisClient redis, String key) {
        long t0 = System.nanoTime();
        redis.get(key);
        return System.nanoTime() - t0;
    }

    /** Users that have a list now: ids from {@code SCAN} over {@code NS:rec:{user}}. */
    static List<String> usersWithLists(RedisClient redis, String ns, int max) {
        List<String> users = new ArrayList<>();
        String prefix = ns + ":rec:{";
        ScanParams params = new ScanParams().match(ns + ":rec:*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            for (String key : page.getResult()) {
                if (key.startsWith(prefix) && key.endsWith("}")) {
                    users.add(key.substring(prefix.length(), key.length() - 1));
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && users.size() < max);
        return users;
    }

    /** Bytes of item ids in a list, averaged over up to 500 users: the size of the GET reference value. */
    private static int averageListBytes(FeatureStoreClient client, List<String> users, int k) {
        long bytes = 0;
        int n = Math.min(500, users.size());
        for (int i = 0; i < n; i++) {
            for (String item : client.recommendations(users.get(i), k)) {
                bytes += item.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return (int) Math.max(1, bytes / Math.max(1, n));
    }

    private static String randomText(int bytes) {
        SplittableRandom r = new SplittableRandom(7);
        StringBuilder b = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) b.append((char) ('a' + r.nextInt(26)));
        return b.toString();
    }
}
