package io.shoprank.job.stock;

/** A function that takes the catalog's stock changes, broadcast to it (see {@link StockAwareOperator}). */
public interface StockListener {
    void onStockChange(StockChange change);
}
