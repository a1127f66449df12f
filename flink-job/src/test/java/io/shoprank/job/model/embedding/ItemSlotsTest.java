package io.shoprank.job.model.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Item ids to dense slots: an item keeps its slot while it stays, the least recently put leaves at capacity. */
class ItemSlotsTest {

    @Test
    void itemsGetTheSlotsInOrderAndKeepThem() {
        ItemSlots s = new ItemSlots(3);
        assertEquals(0, s.put("a"));
        assertEquals(1, s.put("b"));
        assertEquals(0, s.put("a"), "a put again keeps its slot");
        assertEquals(2, s.put("c"));

        assertEquals(0, s.find("a"));
        assertEquals(1, s.find("b"));
        assertEquals(ItemSlots.NONE, s.find("unknown"));
        assertEquals("b", s.item(1));
        assertEquals(3, s.size());
        assertEquals(List.of("b", "a", "c"), order(s), "least recently put first");
    }

    @Test
    void aNewItemAtCapacityTakesTheLeastRecentlyPutItemsSlot() {
        ItemSlots s = new ItemSlots(3);
        s.put("a");
        s.put("b");
        s.put("c");
        s.put("a"); // b is now the least recent

        assertEquals(1, s.put("d"), "b's slot");
        assertEquals(ItemSlots.NONE, s.find("b"));
        assertEquals("d", s.item(1));
        assertEquals(3, s.size());
        assertEquals(List.of("c", "a", "d"), order(s));
    }

    /**
     * Against a {@code LinkedHashSet} with the same eviction (what the replica's table replaced): many items for a
     * small table, so probe runs are long, wrap around the table's end, and evictions close gaps inside them;
     * every item keeps its slot until it leaves, and a new item takes the slot of the one that left.
     */
    @Test
    void holdsExactlyWhatALinkedHashSetWithTheSameEvictionHolds() {
        int capacity = 100;
        ItemSlots s = new ItemSlots(capacity);
        LinkedHashSet<String> reference = new LinkedHashSet<>();
        Map<String, Integer> slotOf = new HashMap<>();
        Random r = new Random(7);
        Set<String> everSeen = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            String item = "item-" + r.nextInt(400);
            everSeen.add(item);
            String leaving = null;
            if (!reference.remove(item) && reference.size() == capacity) {
                leaving = reference.iterator().next();
                reference.remove(leaving);
            }
            reference.add(item);

            int slot = s.put(item);

            Integer before = slotOf.get(item);
            if (before != null) assertEquals(before, slot, "step " + step + ": " + item + " keeps its slot");
            else if (leaving != null) assertEquals(slotOf.remove(leaving), slot, "step " + step + ": the leaver's slot");
            slotOf.put(item, slot);
            if (step % 997 == 0) {
                for (String i : everSeen) {
                    assertEquals(reference.contains(i) ? slotOf.get(i) : ItemSlots.NONE, s.find(i),
                            "after step " + step + ": " + i);
                }
                assertEquals(new ArrayList<>(reference), order(s));
            }
        }
        assertEquals(capacity, s.size());
        for (String i : everSeen) assertEquals(reference.contains(i) ? slotOf.get(i) : ItemSlots.NONE, s.find(i), i);
    }

    @Test
    void fingerprintsOfManyIdsAreDistinctAndNeverTheEmptyMark() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            long fp = ItemSlots.fingerprint(Integer.toString(i));
            assertNotEquals(0, fp);
            seen.add(fp);
        }
        assertEquals(1_000_000, seen.size());
        assertTrue(ItemSlots.fingerprint("") != 0);
    }

    private static List<String> order(ItemSlots s) {
        List<String> out = new ArrayList<>();
        for (int slot = s.oldest(); slot != ItemSlots.NONE; slot = s.newer(slot)) out.add(s.item(slot));
        return out;
    }
}
