package io.shoprank.job.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shoprank.job.JobConfig;
import org.junit.jupiter.api.Test;

/** The replay settings of {@link JobConfig}: {@code --rate} and {@code --repeat}. */
class ReplaySettingsTest {

    @Test
    void defaultsReplayOnceUnpaced() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--events", "x"});
        assertEquals(0.0, c.rate);
        assertEquals(1, c.repeat);
    }

    @Test
    void parsesRateAndRepeat() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--events", "x", "--rate", "2000", "--repeat", "20"});
        assertEquals(2000.0, c.rate);
        assertEquals(20, c.repeat);
    }

    @Test
    void rejectsBadValues() {
        assertEquals("--rate must be >= 0", assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--rate", "-5"})).getMessage());
        assertEquals("--repeat must be >= 1", assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--repeat", "0"})).getMessage());
        assertEquals("--rate and --speedup cannot both pace the replay", assertThrows(IllegalArgumentException.class,
                () -> JobConfig.fromArgs(new String[] {"--events", "x", "--rate", "10", "--speedup", "5"})).getMessage());
    }
}
