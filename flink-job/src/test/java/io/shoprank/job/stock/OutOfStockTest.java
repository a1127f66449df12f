package io.shoprank.job.stock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class OutOfStockTest {

    @Test
    void anItemIsOutFromTheChangeThatSaysSoUntilTheOneThatSaysItIsBack() {
        OutOfStock s = new OutOfStock();
        assertFalse(s.contains("a"), "never mentioned: in stock");
        assertFalse(s.apply(new StockChange("a", true, 10)), "in stock already");

        assertTrue(s.apply(new StockChange("a", false, 20)));
        assertTrue(s.contains("a"));
        assertFalse(s.apply(new StockChange("a", false, 30)), "still out: no change");

        assertFalse(s.apply(new StockChange("a", true, 25)), "older than the latest change: ignored");
        assertTrue(s.contains("a"));

        assertTrue(s.apply(new StockChange("a", true, 40)));
        assertFalse(s.contains("a"));
        assertEquals(0, s.size());
    }

    @Test
    void theCheckpointedFormRestoresTheSameSet() {
        OutOfStock s = new OutOfStock();
        s.apply(new StockChange("b", false, 5));
        s.apply(new StockChange("a", false, 7));
        s.apply(new StockChange("c", false, 9));
        s.apply(new StockChange("c", true, 11));

        List<StockChange> changes = s.changes();
        assertEquals(List.of("a", "b"), changes.stream().map(c -> c.item).collect(Collectors.toList()));
        OutOfStock restored = new OutOfStock();
        for (StockChange c : changes) restored.apply(c);
        assertTrue(restored.contains("a") && restored.contains("b") && !restored.contains("c"));
        assertFalse(restored.apply(new StockChange("a", true, 6)), "the change times came back too");
    }
}
