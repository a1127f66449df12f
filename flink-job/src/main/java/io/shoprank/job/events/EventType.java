package io.shoprank.job.events;

import java.util.Locale;

/** Behaviour event types of the canonical format, with the weight each carries as implicit feedback. */
public enum EventType {
    VIEW(1.0, true),
    CLICK(1.0, true),
    FAV(2.0, true),
    CART(3.0, true),
    PURCHASE(4.0, true),
    /** A search query; its item is optional. Counted in user features, reserved for search ranking. */
    SEARCH(0.0, false);

    private final double weight;
    private final boolean itemEvent;

    EventType(double weight, boolean itemEvent) {
        this.weight = weight;
        this.itemEvent = itemEvent;
    }

    /** Implicit-feedback strength (view 1, click 1, fav 2, cart 3, purchase 4), as in the evaluation protocol. */
    public double weight() {
        return weight;
    }

    /** Whether the event is about an item (and so requires one): every type but search. */
    public boolean isItemEvent() {
        return itemEvent;
    }

    /** The wire name, e.g. {@code "purchase"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; returns null for an unknown one. */
    public static EventType fromWire(String s) {
        switch (s) {
            case "view": return VIEW;
            case "click": return CLICK;
            case "fav": return FAV;
            case "cart": return CART;
            case "purchase": return PURCHASE;
            case "search": return SEARCH;
            default: return null;
        }
    }
}
