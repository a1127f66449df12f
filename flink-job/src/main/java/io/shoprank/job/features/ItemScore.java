package io.shoprank.job.features;

/**
 * An item's current decayed popularity ({@link DecayedScores} key) and whether the catalog lets it be
 * shown, sent to the trending stage.
 */
public class ItemScore {
    public String item;
    public String category;
    public double popularityKey;
    public long ts;
    /** False when the catalog says the item is out of stock: it leaves the trending lists. */
    public boolean inStock = true;

    public ItemScore() {}

    public ItemScore(String item, String category, double popularityKey, long ts) {
        this.item = item;
        this.category = category;
        this.popularityKey = popularityKey;
        this.ts = ts;
    }

    public ItemScore(String item, String category, double popularityKey, long ts, boolean inStock) {
        this(item, category, popularityKey, ts);
        this.inStock = inStock;
    }

    @Override
    public String toString() {
        return "ItemScore{" + item + " cat=" + category + " key=" + popularityKey + (inStock ? "" : " out of stock") + "}";
    }
}
