package io.shoprank.job.model;

import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.EmbeddingTable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A ranking subtask's copy of the online models, built from the updater's {@link ModelDelta}s. Deltas are
 * queued as they arrive and applied lazily, only up to the epoch an event needs ({@link #advanceTo}), so the
 * model that scores an event is a function of the event's time alone, not of when the deltas happened to
 * arrive: a replay at parallelism 1 is deterministic. Pure: no Flink.
 */
public final class ModelReplica {
    private final float[] weights;
    private final EmbeddingTable embeddings;
    private final ArrayDeque<ModelDelta> queued = new ArrayDeque<>();
    private final List<String> updatedItems = new ArrayList<>();
    private long appliedEpoch = Long.MIN_VALUE;
    private long version;

    public ModelReplica(int conversionDimension, EmbeddingTable embeddings) {
        this.weights = new float[conversionDimension];
        this.embeddings = embeddings;
    }

    /** Restores a checkpointed replica (before any delta is queued). */
    public void restore(long appliedEpoch, long version, float[] weights, EmbeddingRow[] rows) {
        System.arraycopy(weights, 0, this.weights, 0, Math.min(weights.length, this.weights.length));
        for (EmbeddingRow r : rows) embeddings.put(r.item, r.p, r.q, r.b);
        this.appliedEpoch = appliedEpoch;
        this.version = version;
    }

    public void enqueue(ModelDelta d) {
        queued.addLast(d);
    }

    /** Applies every queued delta of an epoch up to {@code epoch}; returns the items whose rows changed. */
    public List<String> advanceTo(long epoch) {
        updatedItems.clear();
        while (!queued.isEmpty() && queued.peekFirst().epoch <= epoch) {
            apply(queued.pollFirst());
        }
        return updatedItems;
    }

    private void apply(ModelDelta d) {
        for (int i = 0; i < d.weightIdx.length; i++) {
            weights[d.weightIdx[i]] = d.weightVal[i];
        }
        for (EmbeddingRow r : d.rows) {
            embeddings.put(r.item, r.p, r.q, r.b);
            updatedItems.add(r.item);
        }
        appliedEpoch = d.epoch;
        version = d.version;
    }

    public float[] weights() {
        return weights;
    }

    public EmbeddingTable embeddings() {
        return embeddings;
    }

    public long version() {
        return version;
    }

    public long appliedEpoch() {
        return appliedEpoch;
    }

    public int queued() {
        return queued.size();
    }

    public List<ModelDelta> queuedDeltas() {
        return new ArrayList<>(queued);
    }
}
