package io.shoprank.it;

import io.shoprank.store.FeatureStoreClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls some users' list and feature versions in Redis while a job runs and records every time a value is
 * lower than one read before: Redis going back in time.
 */
final class MonotonicityWatcher implements AutoCloseable {
    private final FeatureStoreClient store;
    private final List<String> users;
    private final Map<String, Long> seen = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long reads;

    MonotonicityWatcher(FeatureStoreClient store, List<String> users) {
        this.store = store;
        this.users = users;
        this.thread = new Thread(this::loop, "monotonicity-watcher");
        this.thread.start();
    }

    private void loop() {
        while (running) {
            for (String u : users) {
                try {
                    check("rec:" + u, store.recommendationsWithMeta(u, 1).version());
                    String v = store.userFeatures(u).get("v");
                    check("user:" + u, v == null ? 0 : Long.parseLong(v));
                } catch (RuntimeException e) {
                    // Redis may be down on purpose: keep polling
                }
            }
        }
    }

    private synchronized void check(String key, long version) {
        reads++;
        long before = seen.getOrDefault(key, 0L);
        if (version < before) {
            violations.add(key + " went from version " + before + " to " + version);
        }
        seen.put(key, Math.max(before, version));
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    synchronized long reads() {
        return reads;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
