package io.shoprank.job.ranking;

import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.embedding.ItemSlots;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a ranking subtask knows about the items its users touched — category, decayed popularity key, views,
 * carts and purchases, price — as carried on the touches from the co-visitation stage. It feeds the diversity
 * rule and the conversion model's item features of candidates. A bounded cache (least recently touched
 * dropped first), not checkpointed: after a restart it refills from traffic, and an item it does not know
 * is scored with unknown item features.
 *
 * <p>Laid out for lookups that miss the CPU caches (the ranking stage reads 50 random items of 200,000 per
 * list): an open-addressing table of 8 longs per item, in one primitive array, holding a 64-bit fingerprint of
 * the item id instead of the id, the summary's numbers and category (as an index into a table of distinct
 * categories), and the links of the recency list. A lookup is then about one cache miss, where a
 * {@code LinkedHashMap} of records took five or six (bucket, entry, key string and its bytes, record,
 * category string). Two ids with the same fingerprint would share a summary: with 64 bits and 200,000 items,
 * about one lookup in 10^14. Pure: no Flink.
 */
final class ItemSummaries {
    /** Longs per item (64 bytes: one or two cache lines); the fields a lookup reads come first, together. */
    private static final int WIDTH = 8;
    private static final int FP = 0;
    private static final int POPULARITY = 1;
    private static final int VIEWS = 2;
    private static final int CONVERSIONS = 3;
    private static final int PRICE = 4;
    private static final int CATEGORY = 5;
    private static final int PREV = 6;
    private static final int NEXT = 7;
    /** The fingerprint of an empty slot ({@link ItemSlots#fingerprint} is never 0). */
    private static final long EMPTY = 0;
    private static final int NONE = -1;

    private final int capacity;
    private final int mask;
    private final long[] table;
    /** Least and most recently put. */
    private int head = NONE;
    private int tail = NONE;
    private int size;
    /** Distinct categories (bounded by the catalog's), so that a summary holds an index, not a string. */
    private final Map<String, Integer> categoryIds = new HashMap<>();
    private final List<String> categories = new ArrayList<>();

    ItemSummaries(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // load factor at most 1/2
        this.mask = slots - 1;
        this.table = new long[slots * WIDTH];
    }

    int size() {
        return size;
    }

    void put(String item, ConversionInputs.Item summary) {
        long fp = ItemSlots.fingerprint(item);
        int slot = find(fp);
        if (slot == NONE) {
            slot = home(fp);
            while (table[slot * WIDTH + FP] != EMPTY) slot = (slot + 1) & mask;
            table[slot * WIDTH + FP] = fp;
            link(slot);
            size++;
        } else if (slot != tail) {
            unlink(slot);
            link(slot);
        }
        int at = slot * WIDTH;
        table[at + POPULARITY] = Double.doubleToRawLongBits(summary.popularityKey());
        table[at + VIEWS] = summary.views();
        table[at + CONVERSIONS] = summary.conversions();
        table[at + PRICE] = Double.doubleToRawLongBits(summary.price());
        table[at + CATEGORY] = categoryId(summary.category());
        if (size > capacity) remove(head);
    }

    /** The item's summary, or null when the subtask does not know the item. */
    ConversionInputs.Item get(String item) {
        int slot = find(ItemSlots.fingerprint(item));
        if (slot == NONE) return null;
        int at = slot * WIDTH;
        return new ConversionInputs.Item(category(table[at + CATEGORY]),
                Double.longBitsToDouble(table[at + POPULARITY]), table[at + VIEWS], table[at + CONVERSIONS],
                Double.longBitsToDouble(table[at + PRICE]));
    }

    String category(String item) {
        int slot = find(ItemSlots.fingerprint(item));
        return slot == NONE ? null : category(table[slot * WIDTH + CATEGORY]);
    }

    private String category(long id) {
        return id < 0 ? null : categories.get((int) id);
    }

    private int categoryId(String category) {
        if (category == null) return NONE;
        Integer id = categoryIds.get(category);
        if (id == null) {
            id = categories.size();
            categories.add(category);
            categoryIds.put(category, id);
        }
        return id;
    }

    private int find(long fp) {
        for (int slot = home(fp); ; slot = (slot + 1) & mask) {
            long f = table[slot * WIDTH + FP];
            if (f == fp) return slot;
            if (f == EMPTY) return NONE;
        }
    }

    private int home(long fp) {
        return (int) (fp ^ (fp >>> 32)) & mask;
    }

    /** Appends the slot to the recency list as the most recent. */
    private void link(int slot) {
        int at = slot * WIDTH;
        table[at + PREV] = tail;
        table[at + NEXT] = NONE;
        if (tail == NONE) head = slot;
        else table[tail * WIDTH + NEXT] = slot;
        tail = slot;
    }

    private void unlink(int slot) {
        int at = slot * WIDTH;
        int prev = (int) table[at + PREV];
        int next = (int) table[at + NEXT];
        if (prev == NONE) head = next;
        else table[prev * WIDTH + NEXT] = next;
        if (next == NONE) tail = prev;
        else table[next * WIDTH + PREV] = prev;
    }

    /**
     * Removes the item in {@code slot}, then closes the gap (linear probing's backward shift): every item
     * after it in the probe run that could sit in the gap moves there, so no lookup meets an empty slot before
     * its item.
     */
    private void remove(int slot) {
        unlink(slot);
        size--;
        int hole = slot;
        for (int j = (slot + 1) & mask; table[j * WIDTH + FP] != EMPTY; j = (j + 1) & mask) {
            int home = home(table[j * WIDTH + FP]);
            // stays where it is when its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays) continue;
            move(j, hole);
            hole = j;
        }
        java.util.Arrays.fill(table, hole * WIDTH, hole * WIDTH + WIDTH, 0L);
    }

    /** Moves an item to an empty slot, keeping its place in the recency list. */
    private void move(int from, int to) {
        System.arraycopy(table, from * WIDTH, table, to * WIDTH, WIDTH);
        int prev = (int) table[to * WIDTH + PREV];
        int next = (int) table[to * WIDTH + NEXT];
        if (prev == NONE) head = to;
        else table[prev * WIDTH + NEXT] = to;
        if (next == NONE) tail = to;
        else table[next * WIDTH + PREV] = to;
    }
}
