package io.shoprank.job.covisit;

/**
 * A view waiting for its label (Flink POJO): when the same user carts or buys the item within the label
 * window it becomes a positive example, else a negative when the window closes. Holds the conversion model's
 * features as they were at the view, so the example never sees the future.
 */
public class PendingView {
    public long ts;
    public int[] idx;
    public float[] val;

    public PendingView() {}

    public PendingView(long ts, int[] idx, float[] val) {
        this.ts = ts;
        this.idx = idx;
        this.val = val;
    }
}
