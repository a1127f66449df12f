package io.shoprank.job.model.ftrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConversionFeaturesTest {

    private static final ConversionFeatures FEATURES = new ConversionFeatures(new FeatureHasher(1 << 20));
    private static final ConversionFeatures.Input BASE = new ConversionFeatures.Input(
            6, 40, 200, 12, 0.35, true, 30, 90, 25.0, Math.log(20));

    @Test
    void fixedNumberOfOneHotFeatures() {
        HashedFeatures f = FEATURES.features(BASE);

        assertEquals(ConversionFeatures.FIELDS, f.size());
        for (float v : f.val()) {
            assertEquals(1f, v);
        }
        HashedFeatures unknowns = FEATURES.features(new ConversionFeatures.Input(
                0, 0, 0, 0, 0, false, 0, -1, Double.NaN, Double.NaN));
        assertEquals(ConversionFeatures.FIELDS, unknowns.size());
    }

    @Test
    void theIndicesAloneAreTheFeaturesIndices() {
        // scoring reads the indices alone (every value is 1): the same as the examples' features
        assertArrayEquals(FEATURES.features(BASE).idx(), FEATURES.indices(BASE));
    }

    @Test
    void deterministic() {
        HashedFeatures a = FEATURES.features(BASE);
        HashedFeatures b = new ConversionFeatures(new FeatureHasher(1 << 20)).features(BASE);

        assertArrayEquals(a.idx(), b.idx());
        assertArrayEquals(a.val(), b.val());
    }

    @Test
    void coVisitationMovesItsFeatureAndItsCrosses() {
        // covisit 6 -> bucket 2, 100 -> bucket 6: the covisit field and the two crosses with it change
        ConversionFeatures.Input more = new ConversionFeatures.Input(
                100, 40, 200, 12, 0.35, true, 30, 90, 25.0, Math.log(20));

        assertEquals(3, differing(FEATURES.features(BASE), FEATURES.features(more)));
    }

    @Test
    void priceOnlyMovesPriceFit() {
        ConversionFeatures.Input dearer = new ConversionFeatures.Input(
                6, 40, 200, 12, 0.35, true, 30, 90, 250.0, Math.log(20));
        ConversionFeatures.Input unknown = new ConversionFeatures.Input(
                6, 40, 200, 12, 0.35, true, 30, 90, Double.NaN, Math.log(20));

        assertEquals(1, differing(FEATURES.features(BASE), FEATURES.features(dearer)));
        assertEquals(1, differing(FEATURES.features(BASE), FEATURES.features(unknown)));
    }

    @Test
    void conversionRateBuckets() {
        // (0 + 1) / (0 + 20) = 0.05 in [1/32, 1/16): 5
        assertEquals(5, ConversionFeatures.conversionRateBucket(0, 0));
        // (12 + 1) / (200 + 20) = 0.059 in [1/32, 1/16): 5
        assertEquals(5, ConversionFeatures.conversionRateBucket(200, 12));
        // (99 + 1) / (180 + 20) = 0.5 in [1/2, 1): 1
        assertEquals(1, ConversionFeatures.conversionRateBucket(180, 99));
        // more conversions than views: rate >= 1 clips to 0
        assertEquals(0, ConversionFeatures.conversionRateBucket(0, 50));
        // (0 + 1) / (100000 + 20) is below 2^-9: clips to 9
        assertEquals(9, ConversionFeatures.conversionRateBucket(100_000, 0));
    }

    @Test
    void shareBuckets() {
        assertEquals(0, ConversionFeatures.shareBucket(0));
        assertEquals(0, ConversionFeatures.shareBucket(0.19));
        assertEquals(1, ConversionFeatures.shareBucket(0.2));
        assertEquals(1, ConversionFeatures.shareBucket(0.35));
        assertEquals(4, ConversionFeatures.shareBucket(0.99));
        assertEquals(4, ConversionFeatures.shareBucket(1));
        assertEquals(0, ConversionFeatures.shareBucket(Double.NaN));
    }

    @Test
    void recencyAndPriceFitBuckets() {
        assertEquals(ConversionFeatures.UNKNOWN, ConversionFeatures.recencyBucket(-1));
        assertEquals(0, ConversionFeatures.recencyBucket(0));
        assertEquals(11, ConversionFeatures.recencyBucket(3_600)); // log2(3601) = 11.8

        assertEquals(0, ConversionFeatures.priceFitBucket(20, Math.log(20)));
        assertEquals(0, ConversionFeatures.priceFitBucket(25, Math.log(20))); // ln 1.25 = 0.22
        assertEquals(1, ConversionFeatures.priceFitBucket(40, Math.log(20))); // ln 2 = 0.69
        assertEquals(4, ConversionFeatures.priceFitBucket(2, Math.log(20)));  // ln 10 = 2.30
        assertEquals(5, ConversionFeatures.priceFitBucket(20_000, Math.log(20)));
        assertEquals(ConversionFeatures.UNKNOWN, ConversionFeatures.priceFitBucket(Double.NaN, Math.log(20)));
        assertEquals(ConversionFeatures.UNKNOWN, ConversionFeatures.priceFitBucket(0, Math.log(20)));
        assertEquals(ConversionFeatures.UNKNOWN, ConversionFeatures.priceFitBucket(25, Double.NaN));
    }

    private static int differing(HashedFeatures a, HashedFeatures b) {
        int n = 0;
        for (int k = 0; k < ConversionFeatures.FIELDS; k++) {
            if (a.idx()[k] != b.idx()[k]) n++;
        }
        return n;
    }
}
