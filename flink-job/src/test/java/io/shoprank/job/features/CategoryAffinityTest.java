package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CategoryAffinityTest {

    private static final double HALF_LIFE = 1_000;
    private static final double EPS = 1e-9;

    private final CategoryAffinity a = new CategoryAffinity();

    @Test
    void emptyAffinityHasNoCategories() {
        assertArrayEquals(new String[0], a.top(5));
        assertEquals(0.0, a.valueAt("c", 0, HALF_LIFE));
    }

    @Test
    void weightsOfOneCategoryAddUp() {
        a.add("shoes", 1, 0, HALF_LIFE, 20);
        a.add("shoes", 3, 0, HALF_LIFE, 20);

        assertEquals(4.0, a.valueAt("shoes", 0, HALF_LIFE), EPS);
        assertEquals(2.0, a.valueAt("shoes", 1_000, HALF_LIFE), EPS);
        assertEquals(1, a.categories.length);
    }

    @Test
    void topIsStrongestFirstAndAtMostN() {
        a.add("a", 1, 0, HALF_LIFE, 20);
        a.add("b", 3, 0, HALF_LIFE, 20);
        a.add("c", 2, 0, HALF_LIFE, 20);

        assertArrayEquals(new String[] {"b", "c", "a"}, a.top(5));
        assertArrayEquals(new String[] {"b", "c"}, a.top(2));
        assertArrayEquals(new String[0], a.top(0));
    }

    @Test
    void atCapacityAStrongerNewCategoryReplacesTheWeakest() {
        a.add("a", 1, 0, HALF_LIFE, 20);
        a.add("b", 2, 0, HALF_LIFE, 20);

        a.add("c", 3, 0, HALF_LIFE, 2);

        assertEquals(2, a.categories.length);
        assertArrayEquals(new String[] {"c", "b"}, a.top(5));
        assertEquals(0.0, a.valueAt("a", 0, HALF_LIFE), "evicted");
    }

    @Test
    void atCapacityAWeakerNewCategoryIsDropped() {
        a.add("a", 1, 0, HALF_LIFE, 2);
        a.add("b", 2, 0, HALF_LIFE, 2);

        a.add("d", 0.5, 0, HALF_LIFE, 2);

        assertArrayEquals(new String[] {"b", "a"}, a.top(5));
        assertEquals(0.0, a.valueAt("d", 0, HALF_LIFE));
    }

    @Test
    void decayLetsARecentCategoryOutrankAnOlderHeavierOne() {
        a.add("old", 3, 0, HALF_LIFE, 2);   // worth 0.75 at t=2000
        a.add("mid", 2, 0, HALF_LIFE, 2);   // worth 0.5 at t=2000

        a.add("new", 1, 2_000, HALF_LIFE, 2); // worth 1 at t=2000: replaces "mid", the weakest

        assertArrayEquals(new String[] {"new", "old"}, a.top(5));
        assertEquals(1.0, a.valueAt("new", 2_000, HALF_LIFE), EPS);
        assertEquals(0.75, a.valueAt("old", 2_000, HALF_LIFE), EPS);
    }

    @Test
    void sharesAreAlignedWithTopAndDivideByAllKeptCategories() {
        a.add("a", 1, 0, HALF_LIFE, 20);
        a.add("b", 3, 0, HALF_LIFE, 20);
        a.add("c", 4, 1_000, HALF_LIFE, 20); // worth 4 at t=1000, when a and b are worth 0.5 and 1.5

        assertArrayEquals(new String[] {"c", "b"}, a.top(2));
        assertArrayEquals(new double[] {4 / 6.0, 1.5 / 6.0}, a.topShares(2), EPS);
        assertArrayEquals(new double[] {4 / 6.0, 1.5 / 6.0, 0.5 / 6.0}, a.topShares(5), EPS);
        assertArrayEquals(new double[0], new CategoryAffinity().topShares(5));
    }

    @Test
    void sharesDoNotOverflowFarFromTimeZero() {
        a.add("a", 1, 1_700_000_000_000L, HALF_LIFE, 20); // keys around 1.7e9: 2^key overflows
        a.add("b", 1, 1_700_000_000_000L, HALF_LIFE, 20);

        assertArrayEquals(new double[] {0.5, 0.5}, a.topShares(5), EPS);
    }

    @Test
    void neverHoldsMoreThanCapacity() {
        for (int i = 0; i < 50; i++) {
            a.add("c" + i, 1 + i % 7, i * 10L, HALF_LIFE, 20);
        }
        assertEquals(20, a.categories.length);
        assertEquals(20, a.keys.length);
    }
}
