package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.store.StoreWrite.Kind;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StoreWriteTest {

    private static final String[] NO_STRINGS = {};

    @Test
    void isAFlinkStylePojo() throws Exception {
        Set<Class<?>> allowed = Set.of(String.class, long.class, double.class, Kind.class, String[].class,
                double[].class);
        assertDoesNotThrow(() -> StoreWrite.class.getConstructor().newInstance());
        for (Field f : StoreWrite.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            assertTrue(Modifier.isPublic(f.getModifiers()) && !Modifier.isFinal(f.getModifiers()), f.getName());
            assertTrue(allowed.contains(f.getType()), f.getName() + " has type " + f.getType());
        }
    }

    @Test
    void factoriesFillTheFields() {
        StoreWrite w = StoreWrite.list(Kind.RECOMMENDATIONS, "u1", 7, 1000, 60_000,
                new String[] {"a", "b"}, new double[] {2.0, 1.0}, null);
        assertEquals(Kind.RECOMMENDATIONS, w.kind);
        assertEquals(7, w.version);
        assertEquals(60_000, w.ttlMs);
        assertEquals(0, w.ingestMs);
    }

    @Test
    void rejectsNonFiniteScores() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> StoreWrite.list(Kind.TRENDING, "", 1, 1, 0,
                    new String[] {"a"}, new double[] {bad}, null));
        }
    }

    @Test
    void rejectsInconsistentWrites() {
        String[] one = {"a"};
        double[] score = {1.0};
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.TRENDING, "x", 1, 1, 0, one, score, null));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.SIMILAR_ITEMS, "", 1, 1, 0, one, score, null));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.SIMILAR_ITEMS, "i", -1, 1, 0, one, score, null));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.SIMILAR_ITEMS, "i", 1, 1, -5, one, score, null));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.SIMILAR_ITEMS, "i", 1, 1, 0, one, new double[0], null));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.list(Kind.SIMILAR_ITEMS, "i", 1, 1, 0, one, score, NO_STRINGS));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.features(Kind.USER_FEATURES, "u", 1, 1, 0, new String[] {"v"}, one));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.features(Kind.USER_FEATURES, "u", 1, 1, 0, new String[] {"a", "a"},
                        new String[] {"1", "2"}));
        assertThrows(IllegalArgumentException.class,
                () -> StoreWrite.features(Kind.USER_FEATURES, "u", 1, 1, 0, one, NO_STRINGS));
        assertThrows(IllegalArgumentException.class, () -> new StoreWrite().validate());
    }

    @Test
    void equalsComparesArrayContents() {
        StoreWrite a = StoreWrite.features(Kind.ITEM_FEATURES, "i", 1, 2, 0, new String[] {"f"}, new String[] {"1"});
        StoreWrite b = StoreWrite.features(Kind.ITEM_FEATURES, "i", 1, 2, 0, new String[] {"f"}, new String[] {"1"});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        b.fieldValues[0] = "2";
        assertNotEquals(a, b);
        assertTrue(a.toString().contains("fieldValues=[1]"), a.toString());
    }
}
