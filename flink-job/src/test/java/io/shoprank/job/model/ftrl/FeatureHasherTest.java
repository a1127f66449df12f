package io.shoprank.job.model.ftrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class FeatureHasherTest {

    private static final int D = 1 << 20;

    @Test
    void murmur3MatchesPublishedVectors() {
        // MurmurHash3 x86_32, seed 0; covers every tail length (0..3 trailing bytes)
        assertEquals(0, hash(""));
        assertEquals(0xba6bd213, hash("test"));
        assertEquals(0x248bfa47, hash("hello"));
        assertEquals(0x9bbfd75f, hash("ab"));
        assertEquals(0xb3dd93fa, hash("abc"));
        assertEquals(0xc0363e43, hash("Hello, world!"));
        assertEquals(0x2e4ff723, hash("The quick brown fox jumps over the lazy dog"));
    }

    @Test
    void indicesAreStableLowBitsOfTheHash() {
        FeatureHasher h = new FeatureHasher(D);

        assertEquals(0x24d973b4 & (D - 1), h.index("bias", "1"));
        assertEquals(0x52ec0629 & (D - 1), h.index("covisit", 3));
        assertEquals(h.index("covisit", "3"), h.index("covisit", 3));
        // UTF-8, not the platform charset
        assertEquals(0xe41005af & (D - 1), h.index("категория", "обувь"));
    }

    @Test
    void indicesStayInRange() {
        FeatureHasher small = new FeatureHasher(64);
        for (int b = 0; b < 1_000; b++) {
            int i = small.index("f", b);
            assertTrue(i >= 0 && i < 64, "index " + i);
        }
    }

    @Test
    void fieldsAndValuesSeparate() {
        FeatureHasher h = new FeatureHasher(D);

        assertNotEquals(h.index("popularity", 3), h.index("activity", 3));
        assertNotEquals(h.index("popularity", 3), h.index("popularity", 4));
    }

    @Test
    void logBucketIsFloorLog2OfOnePlusX() {
        assertEquals(0, FeatureHasher.logBucket(0));
        assertEquals(0, FeatureHasher.logBucket(0.99));
        assertEquals(1, FeatureHasher.logBucket(1));
        assertEquals(1, FeatureHasher.logBucket(2));
        assertEquals(2, FeatureHasher.logBucket(3));
        assertEquals(3, FeatureHasher.logBucket(7));
        assertEquals(9, FeatureHasher.logBucket(1022));
        assertEquals(10, FeatureHasher.logBucket(1023)); // 1 + 1023 = 2^10
        assertEquals(20, FeatureHasher.logBucket(1e12));
        assertEquals(20, FeatureHasher.logBucket(Double.POSITIVE_INFINITY));
        assertEquals(0, FeatureHasher.logBucket(-5));
        assertEquals(0, FeatureHasher.logBucket(Double.NaN));
    }

    @Test
    void rejectsDimensionsThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new FeatureHasher(1000));
    }

    private static int hash(String s) {
        return FeatureHasher.murmur3(s.getBytes(StandardCharsets.UTF_8));
    }
}
