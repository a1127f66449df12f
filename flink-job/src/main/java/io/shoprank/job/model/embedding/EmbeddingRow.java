package io.shoprank.job.model.embedding;

/** One item's parameters (Flink POJO): context vector {@link #p}, target vector {@link #q}, bias {@link #b}. */
public class EmbeddingRow {
    public String item;
    public float[] p;
    public float[] q;
    public float b;

    public EmbeddingRow() {}

    public EmbeddingRow(String item, float[] p, float[] q, float b) {
        this.item = item;
        this.p = p;
        this.q = q;
        this.b = b;
    }

    public EmbeddingRow copy() {
        return new EmbeddingRow(item, p.clone(), q.clone(), b);
    }
}
