package io.shoprank.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The profile part of a user's feature hash ({@code NS:user:{u}}), typed, as read by
 * {@link FeatureStoreClient#userProfile}. The README's "Feature fields" section says what each field means.
 * The per-type window counts stay in {@link FeatureStoreClient#userFeatures}.
 *
 * <p>Fields a hash does not carry read as: empty lists, {@code null} numbers, {@code activityLevel} null,
 * {@code priceBand} {@code "unknown"} (hashes written by an older job version lack the newer fields; brand
 * and shop lists are only written when the user has some).
 *
 * @param version            the hash's {@code v}
 * @param asOfTs             the hash's {@code ts} (event time, epoch ms)
 * @param topCategories      up to 5 categories, strongest decayed affinity first
 * @param topCategoryShares  aligned with {@code topCategories}: share of the user's total category affinity
 * @param recentItems        up to 10 distinct items, most recent first
 * @param lastActive         event time (epoch ms) of the user's latest event
 * @param eventsTotal        the user's events seen by the job (within its state TTL)
 * @param activityLevel      {@code new}, {@code casual}, {@code active} or {@code heavy}
 * @param priceBand          {@code low}, {@code mid}, {@code high} or {@code unknown}
 * @param priceTypical       decayed geometric mean of the prices on the user's events; null when unknown
 * @param priceSpread        decayed standard deviation of ln(price); null when unknown
 * @param topBrands          up to 5 brands, strongest first; empty when the events carry none
 * @param topBrandShares     aligned with {@code topBrands}
 * @param topShops           up to 5 shops, strongest first; empty when the events carry none
 * @param topShopShares      aligned with {@code topShops}
 */
public record UserProfileView(long version, long asOfTs, List<String> topCategories,
                              List<Double> topCategoryShares, List<String> recentItems, long lastActive,
                              long eventsTotal, String activityLevel, String priceBand, Double priceTypical,
                              Double priceSpread, List<String> topBrands, List<Double> topBrandShares,
                              List<String> topShops, List<Double> topShopShares) {

    public static final String PRICE_BAND_UNKNOWN = "unknown";

    public UserProfileView {
        topCategories = List.copyOf(topCategories);
        topCategoryShares = List.copyOf(topCategoryShares);
        recentItems = List.copyOf(recentItems);
        topBrands = List.copyOf(topBrands);
        topBrandShares = List.copyOf(topBrandShares);
        topShops = List.copyOf(topShops);
        topShopShares = List.copyOf(topShopShares);
    }

    /**
     * Reads the profile from a user's feature hash as HGETALL returns it.
     *
     * @throws IllegalStateException if {@code v}/{@code ts} are missing or a field is malformed (corrupt data)
     */
    static UserProfileView parse(String key, Map<String, String> hash) {
        try {
            String v = hash.get("v");
            String ts = hash.get("ts");
            if (v == null || ts == null) {
                throw new IllegalStateException("Feature hash " + key + " has no v or ts");
            }
            String band = hash.get("price_band");
            return new UserProfileView(Long.parseLong(v), Long.parseLong(ts),
                    strings(hash.get("top_categories")), numbers(hash.get("top_category_shares")),
                    strings(hash.get("recent_items")), longOrZero(hash.get("last_active")),
                    longOrZero(hash.get("events_total")), hash.get("activity_level"),
                    band == null ? PRICE_BAND_UNKNOWN : band, number(hash.get("price_typical")),
                    number(hash.get("price_spread")), strings(hash.get("top_brands")),
                    numbers(hash.get("top_brand_shares")), strings(hash.get("top_shops")),
                    numbers(hash.get("top_shop_shares")));
        } catch (JsonProcessingException | NumberFormatException e) {
            throw new IllegalStateException("Malformed feature hash " + key, e);
        }
    }

    private static List<String> strings(String json) throws JsonProcessingException {
        return json == null ? List.of() : MetaJson.parseReasons(json);
    }

    private static List<Double> numbers(String json) throws JsonProcessingException {
        if (json == null) return List.of();
        double[] values = MetaJson.parseScores(json);
        List<Double> out = new ArrayList<>(values.length);
        for (double d : values) out.add(d);
        return out;
    }

    private static Double number(String s) {
        return s == null ? null : Double.valueOf(s);
    }

    private static long longOrZero(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}
