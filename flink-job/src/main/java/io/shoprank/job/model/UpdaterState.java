package io.shoprank.job.model;

import io.shoprank.job.model.embedding.EmbeddingRow;

/** The checkpointed form of {@link ModelUpdater}'s models (Flink POJO). */
public class UpdaterState {
    public float[] z;
    public float[] n;
    public EmbeddingRow[] rows;
    public long version;
    public long publishedEpoch;

    public UpdaterState() {}
}
