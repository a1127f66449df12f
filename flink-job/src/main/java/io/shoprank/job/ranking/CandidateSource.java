package io.shoprank.job.ranking;

/**
 * Where a candidate comes from. The ranker learns, per source and rank within the source, how often such a
 * candidate turns out to be the user's next item ({@link SourceCalibration}).
 */
public enum CandidateSource {
    /** Co-visitation neighbours of the user's latest items. */
    COVISIT,
    /** Nearest items to the user's embedding vector. */
    EMBEDDING,
    /** Trending in the user's first, second and third category. */
    CATEGORY_1,
    CATEGORY_2,
    CATEGORY_3,
    /** Trending overall. */
    GLOBAL;

    public static final int COUNT = values().length;
    /** Every source, in order: {@code values()} clones its array on every call (per candidate, in the ranking loops). */
    static final CandidateSource[] ALL = values();
    static final CandidateSource[] CATEGORIES = {CATEGORY_1, CATEGORY_2, CATEGORY_3};
}
