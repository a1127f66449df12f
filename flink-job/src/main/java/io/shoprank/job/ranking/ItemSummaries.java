package io.shoprank.job.ranking;

import io.shoprank.job.model.ConversionInputs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a ranking subtask knows about the items its users touched — category, decayed popularity key, views,
 * carts and purchases, price — as carried on the touches from the co-visitation stage. It feeds the diversity
 * rule and the conversion model's item features of candidates. A bounded cache (least recently touched
 * dropped first), not checkpointed: after a restart it refills from traffic, and an item it does not know
 * is scored with unknown item features.
 */
final class ItemSummaries {
    private final Map<String, ConversionInputs.Item> byItem;

    ItemSummaries(int capacity) {
        // insertion order, re-inserted on every touch: eviction goes by last touch, a read is a plain lookup
        this.byItem = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ConversionInputs.Item> eldest) {
                return size() > capacity;
            }
        };
    }

    void put(String item, ConversionInputs.Item summary) {
        byItem.remove(item);
        byItem.put(item, summary);
    }

    ConversionInputs.Item get(String item) {
        return byItem.get(item);
    }

    String category(String item) {
        ConversionInputs.Item s = byItem.get(item);
        return s == null ? null : s.category();
    }
}
