package io.shoprank.job.model.ftrl;

import java.util.Arrays;

/**
 * The conversion model's hashed features of one (user, item) candidate. Every feature is a one-hot bucket of
 * value 1, and every example has exactly {@link #FIELDS} of them, so a batch of k candidates is a k x FIELDS
 * matrix. Buckets rather than raw values because the model is linear: buckets let it learn non-monotone
 * effects (e.g. price fit) and keep every input on the same scale.
 */
public final class ConversionFeatures {
    public static final int FIELDS = 12;
    /** The bucket of an input that is not known (no price, no previous event). */
    static final int UNKNOWN = -1;
    /** Prior of the smoothed conversion rate: 1 conversion in 20 views. */
    private static final double PRIOR_CONVERSIONS = 1;
    private static final double PRIOR_VIEWS = 20;
    private static final int RATE_BUCKETS = 10;
    private static final int SHARE_BUCKETS = 5;
    /** Price-fit buckets are half a natural-log unit wide (a factor of ~1.65); 6 and more share the last. */
    private static final int PRICE_FIT_BUCKETS = 6;

    /** A candidate's plain inputs. {@code price} and {@code userMeanLogPrice} are NaN when unknown,
     *  {@code secondsSinceLastEvent} negative when the user has no previous event. */
    public record Input(double covisitScore, double itemPopularity, long itemViews, long itemConversions,
                        double categoryShare, boolean topCategory, long userEvents, long secondsSinceLastEvent,
                        double price, double userMeanLogPrice) {}

    private final FeatureHasher hasher;

    public ConversionFeatures(FeatureHasher hasher) {
        this.hasher = hasher;
    }

    public HashedFeatures features(Input in) {
        int covisit = FeatureHasher.logBucket(in.covisitScore());
        int popularity = FeatureHasher.logBucket(in.itemPopularity());
        int share = shareBucket(in.categoryShare());
        int activity = FeatureHasher.logBucket(in.userEvents());
        int recency = recencyBucket(in.secondsSinceLastEvent());

        int[] idx = {
            hasher.index("bias", 1),
            hasher.index("covisit", covisit),
            hasher.index("popularity", popularity),
            hasher.index("conversion_rate", conversionRateBucket(in.itemViews(), in.itemConversions())),
            hasher.index("category_share", share),
            hasher.index("top_category", in.topCategory() ? 1 : 0),
            hasher.index("activity", activity),
            hasher.index("recency", recency),
            hasher.index("price_fit", priceFitBucket(in.price(), in.userMeanLogPrice())),
            // crosses: co-visitation matters more inside the user's favourite categories, and popularity
            // more for light users (little history to personalise on)
            hasher.index("share_x_covisit", share + "_" + covisit),
            hasher.index("activity_x_popularity", activity + "_" + popularity),
            hasher.index("recency_x_covisit", recency + "_" + covisit),
        };
        float[] val = new float[FIELDS];
        Arrays.fill(val, 1f);
        return new HashedFeatures(idx, val);
    }

    /** b with the smoothed rate (conversions + 1) / (views + 20) in [2^-b, 2^(1-b)), clipped to 0..9. */
    static int conversionRateBucket(long views, long conversions) {
        double rate = (Math.max(0, conversions) + PRIOR_CONVERSIONS) / (Math.max(0, views) + PRIOR_VIEWS);
        return Math.max(0, Math.min(RATE_BUCKETS - 1, -Math.getExponent(rate)));
    }

    /** The share of the user's affinity in the item's category, 0..1, in five equal buckets. */
    static int shareBucket(double share) {
        if (!(share > 0)) return 0;
        return Math.min(SHARE_BUCKETS - 1, (int) (share * SHARE_BUCKETS));
    }

    static int recencyBucket(long secondsSinceLastEvent) {
        return secondsSinceLastEvent < 0 ? UNKNOWN : FeatureHasher.logBucket(secondsSinceLastEvent);
    }

    /** |log(price) - user's mean log price| in half-unit buckets, or UNKNOWN without both. */
    static int priceFitBucket(double price, double userMeanLogPrice) {
        if (!(price > 0) || Double.isNaN(userMeanLogPrice)) return UNKNOWN;
        double distance = Math.abs(Math.log(price) - userMeanLogPrice);
        return (int) Math.min(PRICE_FIT_BUCKETS - 1, Math.floor(distance * 2));
    }
}
