package io.shoprank.job.features;

/** An item's current decayed popularity ({@link DecayedScores} key), sent to the trending stage. */
public class ItemScore {
    public String item;
    public String category;
    public double popularityKey;
    public long ts;

    public ItemScore() {}

    public ItemScore(String item, String category, double popularityKey, long ts) {
        this.item = item;
        this.category = category;
        this.popularityKey = popularityKey;
        this.ts = ts;
    }

    @Override
    public String toString() {
        return "ItemScore{" + item + " cat=" + category + " key=" + popularityKey + "}";
    }
}
