package io.shoprank.job.ranking;

import io.shoprank.job.model.ConversionInputs;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The ranking stage's item cache: what is put comes back, the least recently put goes first, nothing is lost in between. */
class ItemSummariesTest {

    @Test
    void aSummaryComesBackAsPutWithUnknownValuesKept() {
        ItemSummaries s = new ItemSummaries(10);
        s.put("i1", new ConversionInputs.Item("c1", 12.5, 7, 2, 19.99));
        s.put("i2", new ConversionInputs.Item(null, Double.NEGATIVE_INFINITY, 0, 0, Double.NaN));

        assertEquals(new ConversionInputs.Item("c1", 12.5, 7, 2, 19.99), s.get("i1"));
        assertEquals(new ConversionInputs.Item(null, Double.NEGATIVE_INFINITY, 0, 0, Double.NaN), s.get("i2"));
        assertEquals("c1", s.category("i1"));
        assertNull(s.category("i2"));
        assertNull(s.get("unknown"));
        assertNull(s.category("unknown"));

        s.put("i1", new ConversionInputs.Item("c2", 13, 8, 2, 18));
        assertEquals(new ConversionInputs.Item("c2", 13, 8, 2, 18), s.get("i1"), "a later touch replaces the summary");
        assertEquals(2, s.size());
    }

    @Test
    void theLeastRecentlyPutItemGoesFirstAndAPutMakesAnItemTheMostRecent() {
        ItemSummaries s = new ItemSummaries(3);
        s.put("a", item(1));
        s.put("b", item(2));
        s.put("c", item(3));
        s.put("a", item(4)); // a is now the most recent: b is the eldest
        s.put("d", item(5));
        assertNull(s.get("b"));
        assertEquals(item(4), s.get("a"));
        assertEquals(item(3), s.get("c"));
        assertEquals(item(5), s.get("d"));
        assertEquals(3, s.size());
        s.put("e", item(6)); // c is the eldest now
        assertNull(s.get("c"));
        assertEquals(3, s.size());
    }

    /**
     * Against a {@code LinkedHashMap} holding the same puts (what this class replaced): many items for a small
     * table, so probe runs are long, wrap around the table's end, and evictions close gaps inside them.
     */
    @Test
    void holdsExactlyWhatALinkedHashMapWithTheSameEvictionHolds() {
        int capacity = 100;
        ItemSummaries s = new ItemSummaries(capacity);
        Map<String, ConversionInputs.Item> reference = new LinkedHashMap<>();
        Random r = new Random(7);
        Set<String> everSeen = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            String item = "item-" + r.nextInt(400);
            everSeen.add(item);
            ConversionInputs.Item summary = item(step);
            s.put(item, summary);
            reference.remove(item);
            reference.put(item, summary);
            if (reference.size() > capacity) reference.remove(reference.keySet().iterator().next());
            if (step % 997 == 0) {
                for (String i : everSeen) assertEquals(reference.get(i), s.get(i), "after step " + step + ": " + i);
            }
        }
        assertEquals(capacity, s.size());
        for (String i : everSeen) assertEquals(reference.get(i), s.get(i), i);
    }

    private static ConversionInputs.Item item(int n) {
        return new ConversionInputs.Item("c" + (n % 7), n * 0.5, n, n / 10, n % 3 == 0 ? Double.NaN : n);
    }
}
