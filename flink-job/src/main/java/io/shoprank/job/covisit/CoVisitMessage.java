package io.shoprank.job.covisit;

import io.shoprank.job.events.Event;

/**
 * A message to the co-visitation stage, keyed by {@link #item}: add {@link #weights} to the pairs
 * (item, others[i]); and, when {@link #event} is set, the user touched this item (the event, with the user's
 * sequence number {@link #seq}) and wants the item's neighbours carried back to the ranking stage.
 */
public class CoVisitMessage {
    public String item;
    public String[] others;
    public double[] weights;
    public Event event;
    public long seq;
    public long epoch;
    /** On a touch: the user's side of the conversion model's features, as of just before this event. */
    public double categoryShare;
    public boolean topCategory;
    public long userLastTs;

    public CoVisitMessage() {}

    public static CoVisitMessage pairs(String item, String[] others, double[] weights) {
        CoVisitMessage m = new CoVisitMessage();
        m.item = item;
        m.others = others;
        m.weights = weights;
        return m;
    }

    public static CoVisitMessage touch(Event event, long epoch, long seq, String[] others, double[] weights) {
        CoVisitMessage m = pairs(event.item, others, weights);
        m.event = event;
        m.epoch = epoch;
        m.seq = seq;
        return m;
    }
}
