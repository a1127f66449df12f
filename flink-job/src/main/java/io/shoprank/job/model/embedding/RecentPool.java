package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedding candidate source: the {@code capacity} items whose vectors were updated most recently (the
 * items in play), scored against a user vector in one ND4J matrix-vector product. The matrix
 * {@code [Q | b]} is rebuilt only when the pool changed since the last query. Pure apart from ND4J.
 */
public final class RecentPool {
    private final int capacity;
    private final LinkedHashSet<String> items = new LinkedHashSet<>();
    private String[] ids = new String[0];
    private INDArray matrix;
    private boolean dirty = true;

    public RecentPool(int capacity) {
        this.capacity = capacity;
    }

    public void touch(String item) {
        items.remove(item);
        items.add(item);
        if (items.size() > capacity) {
            Iterator<String> oldest = items.iterator();
            oldest.next();
            oldest.remove();
        }
        dirty = true;
    }

    public int size() {
        return items.size();
    }

    /** Up to {@code n} items by {@code u . Q + b}, best first, skipping {@code excluded} (ties: pool order). */
    public String[] top(ItemEmbeddings t, float[] u, int n, Set<String> excluded) {
        if (items.isEmpty() || n == 0) return new String[0];
        if (dirty) rebuild(t);
        float[] uv = new float[u.length + 1];
        System.arraycopy(u, 0, uv, 0, u.length);
        uv[u.length] = 1;
        float[] scores = Nd4jArrays.values(matrix.mmul(Nd4jArrays.matrix(uv, uv.length, 1)));
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < order.length && out.size() < n; i++) {
            String id = ids[order[i]];
            if (!excluded.contains(id)) out.add(id);
        }
        return out.toArray(new String[0]);
    }

    private void rebuild(ItemEmbeddings t) {
        List<String> present = new ArrayList<>(items.size());
        List<float[]> rows = new ArrayList<>(items.size());
        for (String id : items) {
            EmbeddingRow r = t.get(id);
            if (r == null) continue;
            float[] row = new float[r.q.length + 1];
            System.arraycopy(r.q, 0, row, 0, r.q.length);
            row[r.q.length] = r.b;
            present.add(id);
            rows.add(row);
        }
        ids = present.toArray(new String[0]);
        int w = t.dim() + 1;
        float[] flat = new float[Math.max(1, rows.size()) * w];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, flat, i * w, w);
        matrix = Nd4jArrays.matrix(flat, Math.max(1, rows.size()), w);
        if (rows.isEmpty()) ids = new String[0];
        dirty = false;
    }
}
