package io.shoprank.job.stock;

import io.shoprank.job.events.CatalogItem;

/** A catalog record's stock flag for one item (Flink POJO), broadcast to the ranking stage. */
public class StockChange {
    public String item;
    public boolean inStock;
    /** Event time of the catalog record. */
    public long ts;

    public StockChange() {}

    public StockChange(String item, boolean inStock, long ts) {
        this.item = item;
        this.inStock = inStock;
        this.ts = ts;
    }

    /** The record's stock flag; only for records that carry one ({@code c.inStock != null}). */
    public static StockChange of(CatalogItem c) {
        return new StockChange(c.item, c.inStock, c.ts);
    }

    @Override
    public String toString() {
        return "StockChange{" + item + (inStock ? " in" : " out") + " ts=" + ts + "}";
    }
}
