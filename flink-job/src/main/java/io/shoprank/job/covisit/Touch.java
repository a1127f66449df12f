package io.shoprank.job.covisit;

import io.shoprank.job.events.Event;

/**
 * A user's event on its way back to the user-keyed ranking stage, carrying the touched item's strongest
 * co-visitation neighbours as of this event. {@link #seq} is the user's event sequence number: touches of
 * different items travel through different item partitions and may overtake each other.
 */
public class Touch {
    public Event event;
    public long epoch;
    public long seq;
    public String[] neighbours;
    public double[] weights;
    /** The item's category and decayed popularity key as the co-visitation stage knows them. */
    public String itemCategory;
    public double itemPopularity;
    /** The item's views+clicks and carts+purchases so far, and latest price (NaN when none). */
    public long itemViews;
    public long itemConversions;
    public double itemPrice = Double.NaN;
    /** The user's context for the conversion model (see CoVisitMessage). */
    public double categoryShare;
    public boolean topCategory;
    public long userLastTs;

    public Touch() {}

    public Touch(Event event, long epoch, long seq, String[] neighbours, double[] weights) {
        this.event = event;
        this.epoch = epoch;
        this.seq = seq;
        this.neighbours = neighbours;
        this.weights = weights;
    }

    @Override
    public String toString() {
        return "Touch{" + seq + " " + event + " neighbours=" + neighbours.length + "}";
    }
}
