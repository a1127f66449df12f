package io.shoprank.job.trending;

import io.shoprank.store.StoreWrite;

/** A ranked trending list: global when {@link #category} is empty, else for that category. */
public class TrendingList {
    public static final String GLOBAL = "";

    public String category;
    public String[] items;
    public double[] scores;
    public long version;
    public long asOfTs;

    public TrendingList() {}

    public TrendingList(String category, String[] items, double[] scores, long version, long asOfTs) {
        this.category = category;
        this.items = items;
        this.scores = scores;
        this.version = version;
        this.asOfTs = asOfTs;
    }

    public boolean isGlobal() {
        return GLOBAL.equals(category);
    }

    /** The Redis write of this list (global or category trending), shared by the job and RepublishJob. */
    public StoreWrite toStoreWrite(long redisTtlMs) {
        return StoreWrite.list(isGlobal() ? StoreWrite.Kind.TRENDING : StoreWrite.Kind.CATEGORY_TRENDING,
                category, version, asOfTs, redisTtlMs, items, scores, null);
    }
}
