package io.shoprank.job.events;

import java.util.Objects;

/**
 * A validated behaviour event (Flink POJO). Optional fields are null when absent. {@code brand} and
 * {@code shop} are optional ids not in the shared data sets (a shop's own stream may carry them).
 * {@code ingestMs} is the wall-clock time the event entered the job, carried along so that sinks can
 * measure freshness end to end.
 */
public class Event {
    public long ts;
    public EventType type;
    public String user;
    public String item;
    public String category;
    public String session;
    public String query;
    public Double price;
    public Integer qty;
    public String brand;
    public String shop;
    public long ingestMs;

    public Event() {}

    public Event(long ts, EventType type, String user, String item, String category) {
        this.ts = ts;
        this.type = type;
        this.user = user;
        this.item = item;
        this.category = category;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Event)) return false;
        Event e = (Event) o;
        return ts == e.ts && type == e.type && Objects.equals(user, e.user) && Objects.equals(item, e.item)
                && Objects.equals(category, e.category) && Objects.equals(session, e.session)
                && Objects.equals(query, e.query) && Objects.equals(price, e.price) && Objects.equals(qty, e.qty)
                && Objects.equals(brand, e.brand) && Objects.equals(shop, e.shop);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ts, type, user, item);
    }

    @Override
    public String toString() {
        return "Event{" + ts + " " + type + " user=" + user + " item=" + item + " cat=" + category + "}";
    }
}
