package io.shoprank.job.model.embedding;

/** The user side of the embedding model: {@code u = sum of the context items' P rows / sqrt(n)}. Pure. */
public final class UserVectors {
    private UserVectors() {}

    /**
     * @param init whether an unknown context item gets its initial row (training) or is skipped (serving)
     */
    public static float[] of(ItemEmbeddings t, String[] context, boolean init) {
        float[] u = new float[t.dim()];
        int n = 0;
        for (String c : context) {
            EmbeddingRow r = init ? t.getOrInit(c) : t.get(c);
            if (r == null) continue;
            for (int k = 0; k < u.length; k++) u[k] += r.p[k];
            n++;
        }
        return scaled(u, n);
    }

    /** A ranking replica's user vector: the context items without a row are skipped. */
    public static float[] of(EmbeddingTable t, String[] context) {
        float[] u = new float[t.dim()];
        float[] v = t.values();
        int n = 0;
        for (String c : context) {
            int slot = t.slot(c);
            if (slot == ItemSlots.NONE) continue;
            int at = t.contextOffset(slot);
            for (int k = 0; k < u.length; k++) u[k] += v[at + k];
            n++;
        }
        return scaled(u, n);
    }

    private static float[] scaled(float[] u, int n) {
        if (n > 1) {
            float s = (float) (1 / Math.sqrt(n));
            for (int k = 0; k < u.length; k++) u[k] *= s;
        }
        return u;
    }
}
