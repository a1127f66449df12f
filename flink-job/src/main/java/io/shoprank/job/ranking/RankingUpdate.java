package io.shoprank.job.ranking;

import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.stock.StockChange;

/**
 * What reaches every ranking subtask on its broadcast input (Flink POJO): a model version from the updater
 * or a stock change from the catalog, exactly one of the two non-null.
 */
public class RankingUpdate {
    public ModelDelta model;
    public StockChange stock;

    public RankingUpdate() {}

    public static RankingUpdate of(ModelDelta d) {
        RankingUpdate u = new RankingUpdate();
        u.model = d;
        return u;
    }

    public static RankingUpdate of(StockChange c) {
        RankingUpdate u = new RankingUpdate();
        u.stock = c;
        return u;
    }
}
