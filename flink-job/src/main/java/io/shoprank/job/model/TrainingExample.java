package io.shoprank.job.model;

/**
 * One training example for the online models, from the co-visitation stage (Flink POJO).
 * <ul>
 *   <li>{@link Kind#CONVERSION}: a view whose label window closed — the hashed features of (user, item) as they
 *   were at the view, and whether the user carted or bought the item within the window;</li>
 *   <li>{@link Kind#INTERACTION}: a user's event on {@link #positive} after the {@link #context} items, with
 *   sampled {@link #negatives}, for the embeddings (BPR).</li>
 * </ul>
 */
public class TrainingExample {
    public enum Kind { CONVERSION, INTERACTION }

    public Kind kind;
    /** Event time of what completed the example (the label, or the interaction). */
    public long ts;
    public int[] idx;
    /** The features' values; null when every one is 1 (the conversion features: {@link #values()}). */
    public float[] val;
    public boolean label;
    public String[] context;
    public String positive;
    public String[] negatives;

    public TrainingExample() {}

    public static TrainingExample conversion(int[] idx, float[] val, boolean label, long ts) {
        TrainingExample e = new TrainingExample();
        e.kind = Kind.CONVERSION;
        e.idx = idx;
        e.val = val;
        e.label = label;
        e.ts = ts;
        return e;
    }

    /** Ones for a conversion example's usual length, shared: {@link #values} callers read it, never write. */
    private static final float[] ONES = ones(io.shoprank.job.model.ftrl.ConversionFeatures.FIELDS);

    /** {@link #val}, or ones for every index when it is null. */
    public float[] values() {
        if (val != null) return val;
        return idx.length == ONES.length ? ONES : ones(idx.length);
    }

    private static float[] ones(int n) {
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        return ones;
    }

    public static TrainingExample interaction(String[] context, String positive, String[] negatives, long ts) {
        TrainingExample e = new TrainingExample();
        e.kind = Kind.INTERACTION;
        e.context = context;
        e.positive = positive;
        e.negatives = negatives;
        e.ts = ts;
        return e;
    }
}
