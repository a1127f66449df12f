package io.shoprank.job.model.ftrl;

import java.nio.charset.StandardCharsets;

/**
 * Maps a feature ("field=value") to a coordinate in [0, dimension) with MurmurHash3 x86_32 (seed 0) over the
 * UTF-8 bytes, so indices are the same on every JVM and platform and survive restarts and rescaling.
 */
public final class FeatureHasher {
    /** Upper end of {@link #logBucket}: 2^20 and beyond share one bucket. */
    public static final int MAX_LOG_BUCKET = 20;

    private final int mask;

    /** @param dimension a power of two */
    public FeatureHasher(int dimension) {
        if (dimension <= 0 || Integer.bitCount(dimension) != 1) {
            throw new IllegalArgumentException("dimension must be a power of two: " + dimension);
        }
        this.mask = dimension - 1;
    }

    public int index(String field, String value) {
        return murmur3((field + '=' + value).getBytes(StandardCharsets.UTF_8)) & mask;
    }

    public int index(String field, int bucket) {
        return index(field, Integer.toString(bucket));
    }

    /** floor(log2(1 + x)) in 0..20; 0 for x <= 0 or NaN. Exact at powers of two (reads the exponent bits). */
    public static int logBucket(double x) {
        if (!(x > 0)) return 0;
        return Math.min(MAX_LOG_BUCKET, Math.getExponent(1 + x));
    }

    /** MurmurHash3 x86_32 with seed 0 (Appleby's reference algorithm). */
    static int murmur3(byte[] data) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = 0;
        int blocks = data.length / 4;
        for (int b = 0; b < blocks; b++) {
            int i = b * 4;
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int tail = blocks * 4;
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
            // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
            // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
            default:
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
