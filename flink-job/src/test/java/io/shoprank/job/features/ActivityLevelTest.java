package io.shoprank.job.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActivityLevelTest {

    @Test
    void fewerThanFiveEventsInTotalIsNewWhateverTheWindows() {
        assertEquals("new", ActivityLevel.of(0, 0, 0));
        assertEquals("new", ActivityLevel.of(4, 4, 4));
        assertEquals("casual", ActivityLevel.of(5, 0, 1));
    }

    @Test
    void activeFromTwentyADayOrFiveAnHour() {
        assertEquals("casual", ActivityLevel.of(500, 4, 19));
        assertEquals("active", ActivityLevel.of(500, 0, 20));
        assertEquals("active", ActivityLevel.of(500, 5, 5));
    }

    @Test
    void heavyFromAHundredADayOrThirtyAnHour() {
        assertEquals("active", ActivityLevel.of(500, 29, 99));
        assertEquals("heavy", ActivityLevel.of(500, 0, 100));
        assertEquals("heavy", ActivityLevel.of(500, 30, 30));
    }
}
