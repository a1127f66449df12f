package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.CandidateScorer;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.RecentPool;
import io.shoprank.job.model.embedding.UserVectors;
import io.shoprank.job.model.ftrl.ConversionFeatures;
import io.shoprank.job.model.ftrl.FeatureHasher;
import io.shoprank.job.model.ftrl.HashedFeatures;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The online models at a ranking subtask: the embedding candidate source, and the scoring of a user's
 * candidates by both models in one matrix product ({@link CandidateScorer}). No Flink: the operator holds
 * the replica and calls this.
 */
final class ModelScoring {
    /** Items in the embedding candidate source: the most recently updated ones. */
    static final int POOL_SIZE = 2000;
    /** The user's latest items that make the user's embedding vector (as in training: the pair window). */
    static final int CONTEXT_ITEMS = 5;

    private final JobConfig config;
    private final ModelReplica replica;
    private final RecentPool pool = new RecentPool(POOL_SIZE);
    private final ConversionFeatures features;

    ModelScoring(JobConfig config, ModelReplica replica) {
        this.config = config;
        this.replica = replica;
        this.features = new ConversionFeatures(new FeatureHasher(config.conversionDimension));
        for (EmbeddingRow r : replica.embeddings().rows()) pool.touch(r.item); // a restored replica
    }

    ModelReplica replica() {
        return replica;
    }

    /** Brings the replica to the model version the event at {@code ts} is scored with. */
    void advanceFor(long ts) {
        List<String> updated = replica.advanceTo(requiredEpoch(ts, config.modelEpoch.toMillis()));
        for (String item : updated) pool.touch(item);
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

    String[] embeddingNeighbours(UserRanking u, Set<String> excluded) {
        if (!config.models.embeddings() || config.embeddingCandidates == 0 || pool.size() == 0) {
            return new String[0];
        }
        float[] vector = userVector(u);
        return pool.top(replica.embeddings(), vector, config.embeddingCandidates, excluded);
    }

    private float[] userVector(UserRanking u) {
        return UserVectors.of(replica.embeddings(), Arrays.copyOf(u.seen, Math.min(CONTEXT_ITEMS, u.seen.length)), false);
    }

    /** Scores every candidate of the pool with both models (one ND4J product) and records their buckets. */
    void score(CandidatePool candidates, UserRanking u, ItemSummaries items) {
        List<CandidatePool.Candidate> all = candidates.candidates();
        if (all.isEmpty()) return;
        float[] weights = replica.weights();
        float[][] gathered = new float[all.size()][];
        float[][] targets = new float[all.size()][];
        float[] bias = new float[all.size()];
        for (int r = 0; r < all.size(); r++) {
            CandidatePool.Candidate c = all.get(r);
            ConversionInputs.Item item = items.get(c.item);
            if (item == null) {
                item = new ConversionInputs.Item(c.category(), Double.NEGATIVE_INFINITY, 0, 0, Double.NaN);
            }
            ConversionInputs.User user = ConversionInputs.User.of(u.categories, item.category(), u.nextSeq, u.lastTs);
            HashedFeatures f = features.features(
                    ConversionInputs.of(user, item, c.covisit(), u.lastTs, config.trendingHalfLife.toMillis()));
            float[] g = new float[f.size()];
            for (int i = 0; i < g.length; i++) g[i] = weights[f.idx()[i]] * f.val()[i];
            gathered[r] = g;
            EmbeddingRow row = replica.embeddings().get(c.item);
            if (row != null) {
                targets[r] = row.q;
                bias[r] = row.b;
            }
        }
        double[][] s = CandidateScorer.score(gathered, targets, userVector(u));
        for (int r = 0; r < all.size(); r++) {
            double conversion = config.models.conversion() ? sigmoid(s[r][0]) : -1;
            double embedding = config.models.embeddings() && targets[r] != null ? sigmoid(s[r][1] + bias[r]) : -1;
            all.get(r).modelScores(conversion, embedding);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-Math.max(-35, Math.min(35, x))));
    }
}
