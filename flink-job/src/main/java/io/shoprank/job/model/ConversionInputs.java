package io.shoprank.job.model;

import io.shoprank.job.features.CategoryAffinity;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.model.ftrl.ConversionFeatures;

/**
 * The one place that turns what the job knows about a user and an item into the conversion model's inputs,
 * used both where examples are made (co-visitation stage, at the view) and where candidates are scored
 * (ranking stage), so training and serving see the same features. Pure: no Flink.
 */
public final class ConversionInputs {
    /** Half-life of the users' category affinity on both sides. */
    public static final double CATEGORY_HALF_LIFE_MS = 24 * 3_600_000.0;

    private ConversionInputs() {}

    /**
     * What the user side contributes about one item: the share of the user's category affinity that the item's
     * category has and whether it is the user's top category, the user's event count and last event time.
     */
    public record User(double categoryShare, boolean topCategory, long events, long lastTs) {
        public static User of(CategoryAffinity categories, String category, long events, long lastTs) {
            boolean known = category != null && categories != null;
            return new User(known ? categories.share(category) : 0, known && categories.isTop(category), events, lastTs);
        }
    }

    /** What the item side contributes: category, decayed popularity key, views and carts/purchases, price. */
    public record Item(String category, double popularityKey, long views, long conversions, double price) {}

    public static ConversionFeatures.Input of(User u, Item i, double covisitScore, long now, double popularityHalfLifeMs) {
        long since = u.lastTs() <= 0 ? -1 : Math.max(0, (now - u.lastTs()) / 1000);
        return new ConversionFeatures.Input(covisitScore,
                DecayedScores.valueAt(i.popularityKey(), now, popularityHalfLifeMs), i.views(), i.conversions(),
                u.categoryShare(), u.topCategory(), u.events(), since, i.price(), Double.NaN);
    }
}
