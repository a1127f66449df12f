package io.shoprank.job.model.ftrl;

/** A sparse example: hashed coordinates and their values, index-aligned. The arrays are not copied. */
public record HashedFeatures(int[] idx, float[] val) {
    public HashedFeatures {
        if (idx.length != val.length) {
            throw new IllegalArgumentException("idx and val differ in length: " + idx.length + " vs " + val.length);
        }
    }

    public int size() {
        return idx.length;
    }
}
