package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NeighboursTest {

    private static Map<String, Double> table() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("a", 1.0);
        m.put("d", 2.0);
        m.put("b", 3.0);
        m.put("c", 2.0);
        return m;
    }

    @Test
    void topIsStrongestFirstWithTiesById() {
        Neighbours.Ranked r = Neighbours.top(table().entrySet(), 3);

        assertArrayEquals(new String[] {"b", "c", "d"}, r.ids());
        assertArrayEquals(new double[] {3.0, 2.0, 2.0}, r.weights());
    }

    @Test
    void topOfFewerEntriesThanKReturnsAll() {
        Neighbours.Ranked r = Neighbours.top(table().entrySet(), 10);

        assertArrayEquals(new String[] {"b", "c", "d", "a"}, r.ids());
        assertArrayEquals(new double[] {3.0, 2.0, 2.0, 1.0}, r.weights());
    }

    @Test
    void topOfNothingIsEmpty() {
        Neighbours.Ranked r = Neighbours.top(Map.<String, Double>of().entrySet(), 3);

        assertEquals(0, r.ids().length);
        assertEquals(0, r.weights().length);
    }

    @Test
    void weakestAreTheEntriesBeyondTheStrongestKeep() {
        assertEquals(List.of("d", "a"), Neighbours.weakest(table().entrySet(), 2));
        assertEquals(List.of("a"), Neighbours.weakest(table().entrySet(), 3));
        assertEquals(List.of(), Neighbours.weakest(table().entrySet(), 4));
        assertEquals(List.of("b", "c", "d", "a"), Neighbours.weakest(table().entrySet(), 0));
    }

    @Test
    void topAndWeakestSplitTheTable() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) m.put("x" + i, (double) ((i * 7) % 13));

        Neighbours.Ranked top = Neighbours.top(m.entrySet(), 20);
        List<String> weakest = Neighbours.weakest(m.entrySet(), 20);

        assertEquals(30, weakest.size());
        double minTop = top.weights()[top.weights().length - 1];
        for (String w : weakest) {
            assertEquals(true, m.get(w) <= minTop, w + " is weaker than every kept neighbour");
        }
    }
}
