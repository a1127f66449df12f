package io.shoprank.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MetaJsonTest {

    @Test
    void scoresRoundTripBitForBit() throws Exception {
        double[] scores = {0.1, 1.0 / 3, -0.0, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 123456789.0123, 42};
        Locale saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // decimal comma must not leak into the JSON
        try {
            String json = MetaJson.scores(scores);
            assertArrayEquals(scores, MetaJson.parseScores(json)); // compares bits: -0.0 != 0.0
            assertEquals("[0.1,0.3333333333333333,-0.0]", MetaJson.scores(new double[] {0.1, 1.0 / 3, -0.0}));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void reasonsAreAlignedWithTheList() throws Exception {
        assertEquals("[\"\",\"\"]", MetaJson.reasons(null, 2));
        assertEquals("[\"bought \\\"x\\\"\",\"\"]", MetaJson.reasons(new String[] {"bought \"x\"", null}, 2));
        assertEquals(List.of("a", ""), MetaJson.parseReasons("[\"a\",null]"));
    }
}
