package io.shoprank.job.model.embedding;

/**
 * One item's parameters (Flink POJO): context vector {@link #p}, target vector {@link #q}, bias {@link #b}. Never
 * changed in place once in a table (an update puts a new row), so a row can be shared: with a delta, as the
 * guard's last good version.
 */
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
}
