package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCap() {
        Backoff b = Backoff.DEFAULT;
        long[] expected = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertEquals(expected[attempt - 1], b.delayMs(attempt), "attempt " + attempt);
        }
        assertEquals(5000, b.delayMs(Integer.MAX_VALUE));
    }

    @Test
    void neverOverflows() {
        Backoff b = new Backoff(3, Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, b.delayMs(200));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
        assertThrows(IllegalArgumentException.class, () -> Backoff.DEFAULT.delayMs(0));
    }
}
