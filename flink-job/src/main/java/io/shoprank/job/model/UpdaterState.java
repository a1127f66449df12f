package io.shoprank.job.model;

import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.PackedRows;

import java.util.List;

/** The checkpointed form of {@link ModelUpdater}'s models (Flink POJO). */
public class UpdaterState {
    public float[] z;
    public float[] n;
    /** The embedding table, {@link PackedRows}; null in state from before it. */
    public byte[][] packedRows;
    /** The embedding table as row POJOs: state written before {@link #packedRows} (null since). */
    public EmbeddingRow[] rows;
    public long version;
    public long publishedEpoch;
    /** The last published version (the guard's rollback point) and the rows created since it. */
    public float[] goodZ;
    public float[] goodN;
    public EmbeddingRow[] goodRows;
    public String[] newItems;
    /**
     * The BPR mini-batch not yet applied (as the interaction examples that make it): kept, not applied, at a
     * checkpoint, so checkpoint timing does not move the batch boundaries. Null in state from before.
     */
    public TrainingExample[] pendingBatch;

    public UpdaterState() {}

    /** The embedding table, from either form. */
    public List<EmbeddingRow> rows() {
        return PackedRows.unpackOr(packedRows, rows);
    }
}
