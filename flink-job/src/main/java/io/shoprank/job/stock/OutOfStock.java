package io.shoprank.job.stock;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The items the catalog says are out of stock now, from its stock changes. Items the catalog never
 * mentioned count as in stock. A change older (by event time) than the latest one known for its item is
 * ignored, so catalog records that overtake each other leave the newest flag. Pure: no Flink.
 *
 * <p>Size: one entry per item currently out of stock (an item back in stock is dropped, keeping its time
 * only while an older change could still arrive is not worth the memory: a late "out" after an "in" is rare
 * and corrected by the item's next change).
 */
public final class OutOfStock {
    /** Out-of-stock item → event time of the change that said so. */
    private final Map<String, Long> since = new HashMap<>();

    /** Applies a change; true when the item's availability changed. */
    public boolean apply(StockChange c) {
        Long known = since.get(c.item);
        if (c.inStock) {
            if (known == null || known > c.ts) return false;
            since.remove(c.item);
            return true;
        }
        if (known != null) {
            if (c.ts > known) since.put(c.item, c.ts);
            return false;
        }
        since.put(c.item, c.ts);
        return true;
    }

    public boolean contains(String item) {
        return !since.isEmpty() && since.containsKey(item);
    }

    public int size() {
        return since.size();
    }

    /** The checkpointed form: one "out" change per item out of stock. */
    public List<StockChange> changes() {
        List<StockChange> out = new ArrayList<>(since.size());
        since.forEach((item, ts) -> out.add(new StockChange(item, false, ts)));
        out.sort((a, b) -> a.item.compareTo(b.item));
        return out;
    }
}
