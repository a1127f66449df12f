package io.shoprank.job.model;

import io.shoprank.job.model.embedding.EmbeddingRow;

/**
 * One published model version (Flink POJO): what changed during one event-time epoch of the updater — the
 * conversion model's changed weights and the embedding rows updated. Deltas flow from the single updater to
 * every ranking subtask in epoch order; a replica that has applied deltas up to epoch e holds exactly the
 * model the updater had when its watermark passed the end of epoch e.
 */
public class ModelDelta {
    /** The event-time epoch this delta closes ({@code ts / epochMs}). */
    public long epoch;
    /** How many deltas the updater has published, this one included. */
    public long version;
    public int[] weightIdx;
    public float[] weightVal;
    public EmbeddingRow[] rows;

    public ModelDelta() {}

    public ModelDelta(long epoch, long version, int[] weightIdx, float[] weightVal, EmbeddingRow[] rows) {
        this.epoch = epoch;
        this.version = version;
        this.weightIdx = weightIdx;
        this.weightVal = weightVal;
        this.rows = rows;
    }

    @Override
    public String toString() {
        return "ModelDelta{epoch=" + epoch + " v" + version + " weights=" + weightIdx.length + " rows=" + rows.length + "}";
    }
}
