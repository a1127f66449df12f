package io.shoprank.job.covisit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Negatives for the BPR examples: from a ring of recently touched items, seeded per (user, seq). */
class NegativeSamplerTest {

    private static NegativeSampler filled(int capacity, long seed, int items) {
        NegativeSampler s = new NegativeSampler(capacity, seed);
        for (int i = 0; i < items; i++) s.add("i" + i);
        return s;
    }

    @Test
    void theSameUserAndSequenceNumberDrawTheSameNegatives() {
        String[] ctx = {"i1", "i2"};
        String[] a = filled(100, 42, 100).sample(5, "u1", 17, "i0", ctx);
        String[] b = filled(100, 42, 100).sample(5, "u1", 17, "i0", ctx);

        assertEquals(5, a.length);
        assertArrayEquals(a, b);
        assertEquals(5, new HashSet<>(Arrays.asList(a)).size(), "distinct");
    }

    @Test
    void anotherSequenceNumberUserOrSeedDrawsOthers() {
        String[] ctx = {};
        String[] base = filled(1000, 42, 1000).sample(5, "u1", 17, "x", ctx);

        assertFalse(Arrays.equals(base, filled(1000, 42, 1000).sample(5, "u1", 18, "x", ctx)));
        assertFalse(Arrays.equals(base, filled(1000, 42, 1000).sample(5, "u2", 17, "x", ctx)));
        assertFalse(Arrays.equals(base, filled(1000, 7, 1000).sample(5, "u1", 17, "x", ctx)));
    }

    @Test
    void neitherThePositiveNorTheContextIsDrawn() {
        NegativeSampler s = filled(6, 42, 6); // i0 .. i5
        String[] ctx = {"i1", "i2", "i3"};
        for (int seq = 0; seq < 200; seq++) {
            String[] neg = s.sample(2, "u" + (seq % 7), seq, "i0", ctx);
            assertTrue(neg.length <= 2);
            for (String n : neg) {
                assertTrue(Set.of("i4", "i5").contains(n), n + " at seq " + seq);
            }
            if (neg.length == 2) assertNotEquals(neg[0], neg[1]);
        }
    }

    @Test
    void fewerThanAskedWhenTheRingIsSmall() {
        assertEquals(0, new NegativeSampler(10, 42).sample(2, "u1", 0, "x", new String[0]).length, "empty ring");

        NegativeSampler one = filled(10, 42, 1); // just i0
        assertArrayEquals(new String[] {"i0"}, one.sample(3, "u1", 0, "x", new String[0]));
        assertEquals(0, one.sample(3, "u1", 0, "i0", new String[0]).length, "only the positive in it");

        String[] two = filled(10, 42, 2).sample(5, "u1", 0, "x", new String[0]);
        assertEquals(Set.of("i0", "i1"), new HashSet<>(Arrays.asList(two)));
    }

    @Test
    void theRingKeepsTheLatestItems() {
        NegativeSampler s = filled(3, 42, 10); // i7, i8, i9 remain
        Set<String> seen = new HashSet<>();
        for (int seq = 0; seq < 50; seq++) seen.addAll(List.of(s.sample(2, "u1", seq, "x", new String[0])));
        assertEquals(Set.of("i7", "i8", "i9"), seen);
    }
}
