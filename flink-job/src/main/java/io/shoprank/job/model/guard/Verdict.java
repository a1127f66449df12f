package io.shoprank.job.model.guard;

/** Whether a model version may be served, and if not why (empty when accepted). */
public record Verdict(boolean accepted, String reason) {
    public static final Verdict ACCEPTED = new Verdict(true, "");

    public static Verdict rejected(String reason) {
        return new Verdict(false, reason);
    }
}
