package io.shoprank.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

class ReplayStatsTest {

    @Test
    void countsDistinctUsersAndItemsAfterAnyNumberOfLinesOverPasses(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.events.jsonl");
        long t = 1_700_000_000_000L;
        Files.writeString(f, String.join("\n",
                "{\"ts\": 0, \"type\": \"view\", \"user\": \"bad\", \"item\": \"bad\"}",
                "{\"ts\": " + t + ", \"type\": \"view\", \"user\": \"u1\", \"item\": \"i1\"}",
                "{\"ts\": " + (t + 5) + ", \"type\": \"view\", \"user\": \"u1\", \"item\": \"i2\"}",
                "{\"ts\": " + (t + 9) + ", \"type\": \"search\", \"user\": \"u2\", \"query\": \"q\"}") + "\n");
        ReplayStats s = ReplayStats.scan(f);

        assertEquals(4, s.lines);
        assertEquals(3, s.validEvents);
        assertEquals(2, s.users());
        assertEquals(2, s.items());
        assertEquals(t, s.minTs);
        assertEquals(t + 9, s.maxTs);
        assertEquals(0, s.usersAfter(1), "the invalid line has no user");
        assertEquals(1, s.usersAfter(3));
        assertEquals(2, s.usersAfter(4));
        assertEquals(2 + 1, s.usersAfter(4 + 2), "pass 1 brings new users");
        assertEquals(2 * 2 + 1, s.itemsAfter(2 * 4 + 2));
        assertEquals(3, s.passesFor(4, 2), "8 lines need 2 passes, plus one");
    }
}
