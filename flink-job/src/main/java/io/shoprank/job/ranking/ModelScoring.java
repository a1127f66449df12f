package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.JointScorer;
import io.shoprank.job.model.embedding.UserVectors;
import io.shoprank.job.model.ftrl.ConversionFeatures;
import io.shoprank.job.model.ftrl.FeatureHasher;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The online models at a ranking subtask: the embedding candidate source and the scoring of a user's
 * candidates by both models, together in one matrix product per list ({@link JointScorer}). No Flink: the
 * operator holds the replica and calls this.
 */
final class ModelScoring {
    /** Items in the embedding candidate source: the most recently updated ones. */
    static final int POOL_SIZE = 500;
    /** The user's latest items that make the user's embedding vector (as in training: the pair window). */
    static final int CONTEXT_ITEMS = 5;

    private final JobConfig config;
    private final ModelReplica replica;
    private final ConversionFeatures features;
    private final JointScorer scorer;

    ModelScoring(JobConfig config, ModelReplica replica) {
        this.config = config;
        this.replica = replica;
        this.features = new ConversionFeatures(new FeatureHasher(config.conversionDimension));
        this.scorer = new JointScorer(ConversionFeatures.FIELDS, config.embeddingDim, POOL_SIZE);
        for (EmbeddingRow r : replica.embeddings().rows()) scorer.touch(r); // a restored replica
    }

    ModelReplica replica() {
        return replica;
    }

    /** Brings the replica to the model version the event at {@code ts} is scored with. */
    void advanceFor(long ts) {
        List<String> updated = replica.advanceTo(requiredEpoch(ts, config.modelEpoch.toMillis()));
        for (String item : updated) {
            EmbeddingRow row = replica.embeddings().get(item);
            if (row != null) scorer.touch(row);
        }
    }

    /**
     * An event in epoch e is scored with the model of every epoch before e - 1: the one published when the
     * updater's watermark passed the end of epoch e - 2. Live, that version left the updater about an epoch
     * earlier, so no event waits for it.
     */
    static long requiredEpoch(long ts, long epochMs) {
        return Math.floorDiv(ts, epochMs) - 2;
    }

    /** The watermark the model input must have reached before an event at {@code ts} can be scored. */
    static long requiredModelWatermark(long ts, long epochMs) {
        return (requiredEpoch(ts, epochMs) + 1) * epochMs - 1;
    }

    /**
     * Adds the embedding source's candidates to the pool (the nearest pool items to the user's vector) and
     * records both models' scores on every candidate, with one ND4J product.
     */
    void complete(CandidatePool candidates, UserRanking u, ItemSummaries items, Predicate<String> excluded) {
        List<CandidatePool.Candidate> all = candidates.candidates();
        int k = all.size();
        Map<String, ConversionInputs.User> byCategory = new HashMap<>(); // the user side depends on the category only
        float[][] gathered = new float[k][];
        float[][] targets = new float[k][];
        float[] bias = new float[k];
        for (int r = 0; r < k; r++) {
            CandidatePool.Candidate c = all.get(r);
            gathered[r] = conversionWeights(c, u, items, byCategory);
            EmbeddingRow row = replica.embeddings().get(c.item);
            if (row != null) {
                targets[r] = row.q;
                bias[r] = row.b;
            }
        }
        float[] vector = UserVectors.of(replica.embeddings(),
                Arrays.copyOf(u.seen, Math.min(CONTEXT_ITEMS, u.seen.length)), false);
        scorer.score(gathered, targets, bias, vector);
        for (int r = 0; r < k; r++) {
            all.get(r).modelScores(conversion(scorer.conversionLogit(r)),
                    targets[r] == null ? -1 : embedding(scorer.embeddingScore(r)));
        }
        if (!config.models.embeddings() || config.embeddingCandidates == 0) return;
        for (String item : scorer.nearest(config.embeddingCandidates, excluded)) {
            CandidatePool.Candidate c = candidates.add(item);
            candidates.offer(CandidateSource.EMBEDDING, c);
            if (c.conversionBucket < 0 && c.embeddingBucket < 0) { // new to the pool: its scores, in plain Java
                double logit = 0;
                for (float w : conversionWeights(c, u, items, byCategory)) logit += w;
                c.modelScores(conversion(logit), embedding(scorer.poolScore(item)));
            }
        }
    }

    private float[] conversionWeights(CandidatePool.Candidate c, UserRanking u, ItemSummaries items,
                                      Map<String, ConversionInputs.User> byCategory) {
        ConversionInputs.Item item = items.get(c.item);
        if (item == null) {
            item = new ConversionInputs.Item(c.category(), Double.NEGATIVE_INFINITY, 0, 0, Double.NaN);
        }
        String category = item.category();
        ConversionInputs.User user;
        if (category == null) {
            user = ConversionInputs.User.of(u.categories, null, u.nextSeq, u.lastTs);
        } else {
            user = byCategory.get(category);
            if (user == null) {
                user = ConversionInputs.User.of(u.categories, category, u.nextSeq, u.lastTs);
                byCategory.put(category, user);
            }
        }
        // every feature has value 1 (ConversionFeatures): a candidate's row is its active weights
        int[] idx = features.indices(
                ConversionInputs.of(user, item, c.covisit(), u.lastTs, config.trendingHalfLife.toMillis()));
        float[] weights = replica.weights();
        float[] g = new float[idx.length];
        for (int i = 0; i < g.length; i++) g[i] = weights[idx[i]];
        return g;
    }

    private double conversion(double logit) {
        return config.models.conversion() ? sigmoid(logit) : -1;
    }

    private double embedding(double score) {
        return config.models.embeddings() && !Double.isNaN(score) ? sigmoid(score) : -1;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, x))));
    }
}
