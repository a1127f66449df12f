package io.shoprank.job.ranking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's candidates from every source, each with its rank within each source that proposed it (−1 where
 * none did) and what the reason text needs. Insertion order is the tie order. Pure: no Flink, no I/O.
 */
public final class CandidatePool {
    /** One candidate. */
    public static final class Candidate {
        public final String item;
        final int[] rank = new int[CandidateSource.COUNT];
        /** Summed co-visitation score ({@code weight / (1 + distance)} over the seeds), 0 if not a neighbour. */
        double covisit;
        /** The seed item that contributes most to {@link #covisit}. */
        String via;
        double bestContribution;
        /** Category of the category source that proposed it, if any. */
        String category;
        /** Final score, set by the ranker. */
        double score;
        /** Buckets of the online models' scores ({@link SourceCalibration#MODEL_BUCKETS}), −1 when not scored. */
        int conversionBucket = -1;
        int embeddingBucket = -1;
        /**
         * The learned ranker's score of the candidate before any model score, when the pre-ranking computed it
         * (NaN otherwise): the final score of a candidate the models did not score, so it is not computed twice.
         */
        double rankerScoreWithoutModels = Double.NaN;
        /**
         * The learned ranker's logit before any model score (its margin plus its source weights, summed in
         * {@link LearnedRanker#score}'s order), and the ranker update it holds for; NaN when not computed or when
         * a source has offered the candidate since.
         */
        double rankerLogitWithoutModels = Double.NaN;
        long rankerLogitUpdate;
        /** How much co-visitation evidence the user has: 0 none, 1 a few neighbours, 2 many. */
        int context;

        Candidate(String item) {
            this.item = item;
            Arrays.fill(rank, -1);
        }

        public int rank(CandidateSource s) {
            return rank[s.ordinal()];
        }

        public double covisit() {
            return covisit;
        }

        public String category() {
            return category;
        }

        /**
         * Records the online models' scores: conversion probability and embedding probability, both 0..1, or
         * negative where a model did not score the candidate.
         */
        boolean modelScored() {
            return conversionBucket >= 0 || embeddingBucket >= 0;
        }

        public void modelScores(double conversion, double embedding) {
            conversionBucket = conversion < 0 ? -1 : SourceCalibration.modelBucket(conversion);
            embeddingBucket = embedding < 0 ? -1 : SourceCalibration.modelBucket(embedding);
        }
    }

    private final Map<String, Candidate> byItem = new HashMap<>();
    private final List<Candidate> inOrder = new ArrayList<>();
    private final int[] sizes = new int[CandidateSource.COUNT];
    private int context;

    Candidate add(String item) {
        Candidate c = byItem.get(item);
        if (c == null) {
            c = new Candidate(item);
            c.context = context;
            byItem.put(item, c);
            inOrder.add(c);
        }
        return c;
    }

    /** Records that {@code source} proposes {@code c} as its next-ranked item (ranks count from 0). */
    void offer(CandidateSource source, Candidate c) {
        if (c.rank[source.ordinal()] < 0) {
            c.rank[source.ordinal()] = sizes[source.ordinal()]++;
            c.rankerLogitWithoutModels = Double.NaN; // another source: the ranker's sum changes
        }
    }

    /** Sets the co-visitation context (see {@link Candidate#context}) from the co-visitation candidates held now. */
    void settleContext() {
        int n = sizes[CandidateSource.COVISIT.ordinal()];
        context = n == 0 ? 0 : n < 10 ? 1 : 2;
        for (Candidate c : inOrder) c.context = context;
    }

    public Candidate get(String item) {
        return byItem.get(item);
    }

    public List<Candidate> candidates() {
        return inOrder;
    }

    /** How many candidates the source proposed. */
    public int size(CandidateSource s) {
        return sizes[s.ordinal()];
    }
}
