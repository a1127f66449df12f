package io.shoprank.job.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The prequential (test-then-train) evaluation protocol of {@code shared/tools/prequential_baselines.py}:
 * which events count, their weights, and the target rule.
 *
 * <p>Counted events are processed one by one in file order. For each: first TEST (is it a target? if so,
 * score the lists the models would serve, built from earlier events only), then LEARN (update the models
 * and this protocol's per-user state with {@link #learn}).
 *
 * <p>An instance tracks the per-user state the target rule needs (the items each user had before); the
 * static members are the event filter and the weights. Plain Java, no Flink.
 */
public final class PrequentialProtocol {

    /** 2000-01-01T00:00:00Z: earlier timestamps are invalid input and do not count. */
    public static final long MIN_TS = 946_684_800_000L;

    /** Event weights of the counted types (view 1, click 1, fav 2, cart 3, purchase 4). */
    public static final Map<String, Double> WEIGHTS = Map.of(
            "view", 1.0, "click", 1.0, "fav", 2.0, "cart", 3.0, "purchase", 4.0);

    /** A counted event. */
    public record Event(long ts, String type, String user, String item) {
        public double weight() {
            return PrequentialProtocol.weight(type);
        }
    }

    private final Map<String, Set<String>> seen = new HashMap<>();
    private long events;
    private long targets;

    /**
     * The event filter: the type is one of view/click/fav/cart/purchase, user and item are present and
     * non-empty, and {@code ts >= 946684800000}.
     */
    public static boolean counts(String type, String user, String item, long ts) {
        return type != null && WEIGHTS.containsKey(type)
                && user != null && !user.isEmpty()
                && item != null && !item.isEmpty()
                && ts >= MIN_TS;
    }

    /** The weight of a counted type; throws for any other type. */
    public static double weight(String type) {
        Double w = type == null ? null : WEIGHTS.get(type);
        if (w == null) {
            throw new IllegalArgumentException("not a counted event type: " + type);
        }
        return w;
    }

    /**
     * Applies the filter to one parsed JSON line: the counted event, or {@code null} when the line does not
     * count. Ids given as JSON numbers are read as their decimal string (0 counts as absent, as in the
     * script); a missing {@code ts} reads as 0 (so the line does not count).
     */
    public static Event countedEvent(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        String type = textOf(node.get("type"), false);
        String user = textOf(node.get("user"), true);
        String item = textOf(node.get("item"), true);
        JsonNode tsNode = node.get("ts");
        long ts = tsNode != null && tsNode.isNumber() ? tsNode.asLong() : 0L;
        return counts(type, user, item, ts) ? new Event(ts, type, user, item) : null;
    }

    private static String textOf(JsonNode n, boolean numbersAllowed) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (numbersAllowed && n.isIntegralNumber()) {
            String text = n.asText();
            return "0".equals(text) ? null : text;
        }
        return null;
    }

    /**
     * The target rule, checked before {@link #learn}: the user has at least one earlier counted event and
     * the item is not among the items that user had before.
     */
    public boolean isTarget(String user, String item) {
        Set<String> s = seen.get(user);
        return s != null && !s.contains(item);
    }

    /** Records a counted event after its TEST. */
    public void learn(String user, String item) {
        seen.computeIfAbsent(user, u -> new HashSet<>()).add(item);
    }

    /**
     * Convenience for drivers: numbers the event (1-based), applies the target rule and counts the target.
     * Returns whether the event is a target. Call {@link #learn} after the TEST.
     */
    public boolean next(String user, String item) {
        events++;
        boolean target = isTarget(user, item);
        if (target) {
            targets++;
        }
        return target;
    }

    /** Counted events numbered so far by {@link #next}. */
    public long events() {
        return events;
    }

    /** Targets counted so far by {@link #next}. */
    public long targets() {
        return targets;
    }
}
