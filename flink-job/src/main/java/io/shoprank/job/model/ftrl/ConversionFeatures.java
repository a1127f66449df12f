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

    /** Marks a single (not crossed) feature. */
    private static final int NONE = Integer.MIN_VALUE;
    /** Buckets run from UNKNOWN (-1) to FeatureHasher.MAX_LOG_BUCKET. */
    private static final int SPAN = FeatureHasher.MAX_LOG_BUCKET + 2;

    private final FeatureHasher hasher;
    /**
     * Hashed index per field and bucket (pair), computed on first use: scoring a candidate then costs array
     * reads, not 12 string hashes. Indices are the same as hashing "field=bucket" or "field=a_b" directly.
     */
    private static final int SLOTS = SPAN * (SPAN + 1);
    /** One flat array (field-major): one bounds check and no row dereference per lookup. */
    private final int[] memo = new int[FIELDS * SLOTS];

    public ConversionFeatures(FeatureHasher hasher) {
        this.hasher = hasher;
        Arrays.fill(memo, -1);
    }

    private int index(int field, String name, int a, int b) {
        int at = field * SLOTS + (a + 1) * (SPAN + 1) + (b == NONE ? SPAN : b + 1);
        int i = memo[at];
        if (i < 0) {
            i = b == NONE ? hasher.index(name, a) : hasher.index(name, a + "_" + b);
            memo[at] = i;
        }
        return i;
    }

    public HashedFeatures features(Input in) {
        float[] val = new float[FIELDS];
        Arrays.fill(val, 1f);
        return new HashedFeatures(indices(in), val);
    }

    /** The hashed indices of {@link #features} alone (every value is 1). */
    public int[] indices(Input in) {
        int[] idx = new int[FIELDS];
        indices(in, idx);
        return idx;
    }

    /** {@link #indices(Input)} written into {@code idx} (of length {@link #FIELDS} at least). */
    public void indices(Input in, int[] idx) {
        int covisit = FeatureHasher.logBucket(in.covisitScore());
        int popularity = FeatureHasher.logBucket(in.itemPopularity());
        int share = shareBucket(in.categoryShare());
        int activity = FeatureHasher.logBucket(in.userEvents());
        int recency = recencyBucket(in.secondsSinceLastEvent());

        idx[0] = index(0, "bias", 1, NONE);
        idx[1] = index(1, "covisit", covisit, NONE);
        idx[2] = index(2, "popularity", popularity, NONE);
        idx[3] = index(3, "conversion_rate", conversionRateBucket(in.itemViews(), in.itemConversions()), NONE);
        idx[4] = index(4, "category_share", share, NONE);
        idx[5] = index(5, "top_category", in.topCategory() ? 1 : 0, NONE);
        idx[6] = index(6, "activity", activity, NONE);
        idx[7] = index(7, "recency", recency, NONE);
        idx[8] = index(8, "price_fit", priceFitBucket(in.price(), in.userMeanLogPrice()), NONE);
        // crosses: co-visitation matters more inside the user's favourite categories, and popularity
        // more for light users (little history to personalise on)
        idx[9] = index(9, "share_x_covisit", share, covisit);
        idx[10] = index(10, "activity_x_popularity", activity, popularity);
        idx[11] = index(11, "recency_x_covisit", recency, covisit);
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
