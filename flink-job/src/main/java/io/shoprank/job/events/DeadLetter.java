package io.shoprank.job.events;

/**
 * A record the job could not use, kept whole with the reason so it can be inspected and replayed after a fix.
 * {@code origin} names where it came from (e.g. the Kafka topic or file), {@code reason} is a short
 * machine-greppable sentence such as {@code "missing field: user"} or {@code "late: ..."}.
 */
public class DeadLetter {
    public String origin;
    public String reason;
    public String raw;
    public long ingestMs;

    public DeadLetter() {}

    public DeadLetter(String origin, String reason, String raw, long ingestMs) {
        this.origin = origin;
        this.reason = reason;
        this.raw = raw;
        this.ingestMs = ingestMs;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + origin + ": " + reason + "}";
    }
}
