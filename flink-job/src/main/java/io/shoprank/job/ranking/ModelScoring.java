package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.Nd4jThreads;
import io.shoprank.job.model.embedding.EmbeddingTable;
import io.shoprank.job.model.embedding.ItemSlots;
import io.shoprank.job.model.embedding.JointScorer;
import io.shoprank.job.model.embedding.UserVectors;
import io.shoprank.job.model.ftrl.ConversionFeatures;
import io.shoprank.job.model.ftrl.FeatureHasher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

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
    /** Reused per list: the candidates' gathered conversion weights (a row each), one more row, one's indices. */
    private float[][] gathered = new float[0][];
    private final float[] oneRow = new float[ConversionFeatures.FIELDS];
    private final int[] indices = new int[ConversionFeatures.FIELDS];

    ModelScoring(JobConfig config, ModelReplica replica) {
        this.config = config;
        this.replica = replica;
        this.features = new ConversionFeatures(new FeatureHasher(config.conversionDimension));
        Nd4jThreads.useCallingThreadOnly(); // built on the task thread that scores
        this.scorer = new JointScorer(ConversionFeatures.FIELDS, config.embeddingDim, POOL_SIZE);
        EmbeddingTable table = replica.embeddings(); // a restored replica's rows
        for (int s = table.oldest(); s != ItemSlots.NONE; s = table.newer(s)) scorer.touch(table, s);
    }

    ModelReplica replica() {
        return replica;
    }

    /** Brings the replica to the model version the event at {@code ts} is scored with. */
    void advanceFor(long ts) {
        List<String> updated = replica.advanceTo(requiredEpoch(ts, config.modelEpoch.toMillis()));
        EmbeddingTable table = replica.embeddings();
        for (String item : lastDistinct(updated, POOL_SIZE)) {
            int slot = table.slot(item);
            if (slot != ItemSlots.NONE) scorer.touch(table, slot);
        }
    }

    /**
     * The last {@code n} distinct items of {@code updated}, in their order there: the pool keeps the most
     * recently updated items, so when more than {@code n} changed at once only these end up in it, and the
     * rest need not be written into it (a delta carries thousands of rows in a fast replay).
     */
    static List<String> lastDistinct(List<String> updated, int n) {
        if (updated.size() <= n) return updated;
        java.util.LinkedHashSet<String> last = new java.util.LinkedHashSet<>();
        for (int i = updated.size() - 1; i >= 0 && last.size() < n; i--) last.add(updated.get(i));
        List<String> out = new ArrayList<>(last);
        java.util.Collections.reverse(out);
        return out;
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
     * records both models' scores, with one ND4J product, on the pool's best {@code --model-candidates} by
     * {@code preRank} (the learned ranker's score before any model score, or the sources' calibrated
     * probability without it) and on every embedding candidate. The others keep no model scores: a pre-ranking
     * stage, the same when a list is served and when a sampled target trains the ranker, so the ranker learns
     * what a missing model score means.
     */
    void complete(CandidatePool candidates, UserRanking u, ItemSummaries items, Predicate<String> excluded,
                  ToDoubleFunction<CandidatePool.Candidate> preRank) {
        List<CandidatePool.Candidate> all = best(candidates.candidates(), preRank, config.modelCandidates);
        int k = all.size();
        Map<String, ConversionInputs.User> byCategory = new HashMap<>(); // the user side depends on the category only
        if (gathered.length < k) {
            gathered = new float[k][ConversionFeatures.FIELDS];
        }
        // the lookups first, in a loop of their own: each misses the CPU caches in tables of 200,000 items, and
        // with nothing else in the loop the CPU overlaps the lookups of several candidates
        EmbeddingTable table = replica.embeddings();
        ConversionInputs.Item[] summaries = new ConversionInputs.Item[k];
        int[] slots = new int[k];
        for (int r = 0; r < k; r++) {
            String item = all.get(r).item;
            summaries[r] = items.get(item);
            slots[r] = table.slot(item);
        }
        for (int r = 0; r < k; r++) {
            conversionWeights(all.get(r), summaries[r], u, byCategory, gathered[r]);
        }
        float[] vector = UserVectors.of(table, Arrays.copyOf(u.seen, Math.min(CONTEXT_ITEMS, u.seen.length)));
        scorer.score(k, gathered, table, slots, vector);
        for (int r = 0; r < k; r++) {
            all.get(r).modelScores(conversion(scorer.conversionLogit(r)),
                    slots[r] == ItemSlots.NONE ? -1 : embedding(scorer.embeddingScore(r)));
        }
        if (!config.models.embeddings() || config.embeddingCandidates == 0) return;
        for (int slot : scorer.nearestSlots(config.embeddingCandidates, excluded)) {
            String item = scorer.itemAt(slot);
            CandidatePool.Candidate c = candidates.add(item);
            candidates.offer(CandidateSource.EMBEDDING, c);
            if (c.conversionBucket < 0 && c.embeddingBucket < 0) { // new to the pool: its scores, in plain Java
                conversionWeights(c, items.get(item), u, byCategory, oneRow);
                double logit = 0;
                for (float w : oneRow) logit += w;
                c.modelScores(conversion(logit), embedding(scorer.poolScoreAt(slot)));
            }
        }
    }

    /** The {@code m} candidates with the highest {@code preRank} score (ties: pool order), in pool order. */
    static List<CandidatePool.Candidate> best(List<CandidatePool.Candidate> pool,
                                              ToDoubleFunction<CandidatePool.Candidate> preRank, int m) {
        if (pool.size() <= m) return pool;
        double[] p = new double[pool.size()];
        for (int i = 0; i < p.length; i++) p[i] = preRank.applyAsDouble(pool.get(i));
        // the m-th highest score: every candidate above it is kept, and those equal to it in pool order until
        // m, which is what a stable sort by score would keep (a primitive sort, no boxed indices)
        double[] sorted = p.clone();
        Arrays.sort(sorted);
        double threshold = sorted[sorted.length - m];
        int above = 0;
        for (double v : p) if (Double.compare(v, threshold) > 0) above++;
        int equalKept = m - above;
        List<CandidatePool.Candidate> out = new ArrayList<>(m);
        for (int i = 0; i < p.length; i++) {
            int c = Double.compare(p[i], threshold);
            if (c > 0 || (c == 0 && equalKept-- > 0)) out.add(pool.get(i));
        }
        return out;
    }

    /**
     * The conversion model's weights of the candidate's active features, into {@code g}; {@code item} null when
     * unknown here.
     */
    private void conversionWeights(CandidatePool.Candidate c, ConversionInputs.Item item, UserRanking u,
                                   Map<String, ConversionInputs.User> byCategory, float[] g) {
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
        int[] idx = indices;
        features.indices(ConversionInputs.of(user, item, c.covisit(), u.lastTs, config.trendingHalfLife.toMillis()), idx);
        float[] weights = replica.weights();
        for (int i = 0; i < g.length; i++) g[i] = weights[idx[i]];
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
