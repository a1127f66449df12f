package io.shoprank.job.eval;

/**
 * One test-then-train target as the ranking stage saw it: an event on an item new to a returning user,
 * and where that item stood in the list served to the user just before (0-based rank, -1 when absent).
 */
public class PrequentialOutcome {
    public String user;
    public String item;
    public long ts;
    public int rank;
    /** The user's earlier item events (the cold/warm split: cold means fewer than 5). */
    public long priorEvents;

    public PrequentialOutcome() {}

    public PrequentialOutcome(String user, String item, long ts, int rank, long priorEvents) {
        this.user = user;
        this.item = item;
        this.ts = ts;
        this.rank = rank;
        this.priorEvents = priorEvents;
    }
}
