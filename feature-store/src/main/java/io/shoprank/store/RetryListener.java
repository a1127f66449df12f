package io.shoprank.store;

/**
 * Told about every resend of a batch by {@link FeatureStoreWriter}, so the job can count retries in its
 * metrics. Called on the writing thread, before the backoff wait; keep it cheap and non-blocking.
 */
@FunctionalInterface
public interface RetryListener {

    RetryListener NONE = (attempt, cause, backoffMs) -> { };

    /**
     * @param attempt   1 for the first retry of the current batch, 2 for the second, ...
     * @param cause     the failure that triggered the retry
     * @param backoffMs how long the writer waits before resending (0 = at once)
     */
    void onRetry(int attempt, Exception cause, long backoffMs);
}
