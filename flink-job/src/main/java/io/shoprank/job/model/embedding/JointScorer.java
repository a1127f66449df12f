package io.shoprank.job.model.embedding;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.blas.CpuLevel3;

import java.nio.FloatBuffer;
import java.util.function.Predicate;

/**
 * Scores, in one ND4J matrix product per user event, a user's candidates for both online models and the
 * embedding pool for the user's nearest items. The matrix holds two blocks of rows of width F + d + 1:
 * <ul>
 *   <li>the pool: the {@code capacity} items whose vectors were updated most recently, each in a slot it
 *   keeps while it stays, as {@code [0_F | Q | b]};</li>
 *   <li>the candidates: {@code [W | Q | b]}, W = the conversion model's weights of the candidate's F active
 *   hashed features (all of value 1).</li>
 * </ul>
 * times {@code V = [[1_F, 0], [0, u], [0, 1]]}: column 0 is the conversion logit, column 1 {@code u . Q + b}.
 * Values move in and out through the native buffers' NIO views (ND4J's element-wise copies cost more than
 * the product): the candidates' rows are staged in a heap array and copied in with one bulk put (element-wise
 * puts into a direct buffer cost more than the product itself), and the product goes into a long-lived
 * column-major result. The product is one call of ND4J's CPU BLAS backend ({@link Gemm}: its {@code sgemm},
 * which hands the arrays' buffers to OpenBLAS): ND4J 1.0.0-M2.1 runs {@code mmuli}, {@code Nd4j.gemm} and
 * the public level-3 {@code gemm} as custom ops, ~13-18 us per call whatever the size (an op context built
 * and freed, shapes checked), against ~1.4 us for this 564 x 29 by 29 x 2 product (JMH, this machine). Pure
 * apart from ND4J; one scorer per thread.
 */
public final class JointScorer {
    private final int features;
    private final int dim;
    private final int width;
    private final int poolCapacity;
    /** Pool slots by item: a new item at capacity takes the least recently updated item's slot. */
    private final ItemSlots pool;
    private final INDArray v;
    private final FloatBuffer vView;
    private INDArray m;
    private FloatBuffer mView;
    /** The product, column-major: column 0 (conversion logits) then column 1 ({@code u . Q + b}), {@link #rows} each. */
    private INDArray product;
    private FloatBuffer productView;
    /** The product's values, copied out with one bulk get after each product (reads are then heap reads). */
    private float[] results;
    /** Rows of {@link #m}: the pool's, then the candidates'. */
    private int rows;
    /** Heap staging of the candidates' rows (row-major, width {@link #width}) and of one pool row. */
    private float[] staged;
    private final float[] poolRow;
    private int candidateCapacity;
    private boolean scored;

    public JointScorer(int features, int dim, int poolCapacity) {
        this.features = features;
        this.dim = dim;
        this.width = features + dim + 1;
        this.poolCapacity = poolCapacity;
        this.pool = new ItemSlots(poolCapacity);
        this.poolRow = new float[width];
        this.v = Nd4jArrays.matrix(width, 2);
        this.vView = Nd4jArrays.view(v);
        for (int i = 0; i < features; i++) vView.put(2 * i, 1f);
        vView.put(2 * (width - 1) + 1, 1f);
        allocate(64, null);
    }

    private void allocate(int candidates, FloatBuffer old) {
        candidateCapacity = Integer.highestOneBit(Math.max(candidates, 64) - 1) << 1;
        rows = poolCapacity + candidateCapacity;
        m = Nd4jArrays.matrix(rows, width);
        FloatBuffer next = Nd4jArrays.view(m);
        if (old != null) {
            old.position(0).limit(poolCapacity * width);
            next.put(old);
            old.limit(old.capacity());
        }
        mView = next;
        staged = new float[candidateCapacity * width];
        product = Nd4jArrays.columnMajor(rows, 2);
        productView = Nd4jArrays.view(product);
        results = new float[2 * rows];
        scored = false;
    }

    /**
     * The vector of the item in the table's {@code slot} changed: (re)write its pool row, taking the least
     * recently updated pool slot when new.
     */
    public void touch(EmbeddingTable table, int slot) {
        int at = pool.put(table.item(slot));
        // [0_F | Q | b]: the first F values of poolRow stay 0; Q and b lie together in the table
        System.arraycopy(table.values(), table.targetOffset(slot), poolRow, features, dim + 1);
        mView.position(at * width);
        mView.put(poolRow, 0, width);
    }

    /** Writes candidate row r's {@code [W | Q | b]} into the staging array (zeros for Q and b without a slot). */
    private void stage(int r, float[] weights, float[] tableValues, int targetOffset) {
        int at = r * width;
        System.arraycopy(weights, 0, staged, at, features);
        if (targetOffset < 0) {
            java.util.Arrays.fill(staged, at + features, at + width, 0f);
        } else {
            System.arraycopy(tableValues, targetOffset, staged, at + features, dim + 1);
        }
    }

    public int poolSize() {
        return pool.size();
    }

    /**
     * One product for the first {@code k} candidates: candidate r gets {@code gatheredWeights[r]} (F values) and
     * the table's row in {@code tableSlots[r]} ({@link ItemSlots#NONE} when it has none); afterwards
     * {@link #conversionLogit}, {@link #embeddingScore} and {@link #nearestSlots} read it.
     */
    public void score(int k, float[][] gatheredWeights, EmbeddingTable table, int[] tableSlots, float[] u) {
        if (k > candidateCapacity) allocate(k, mView);
        float[] values = table.values();
        for (int r = 0; r < k; r++) {
            int slot = tableSlots[r];
            stage(r, gatheredWeights[r], values, slot == ItemSlots.NONE ? -1 : table.targetOffset(slot));
        }
        mView.position(poolCapacity * width);
        mView.put(staged, 0, k * width);
        for (int i = 0; i < dim; i++) vView.put(2 * (features + i) + 1, u[i]);
        GEMM.product(m, rows, width, v, product);
        productView.position(0);
        productView.get(results, 0, 2 * rows);
        scored = true;
    }

    public double conversionLogit(int candidate) {
        return results[poolCapacity + candidate];
    }

    public double embeddingScore(int candidate) {
        return results[rows + poolCapacity + candidate];
    }

    /** The pool's score of an item ({@code u . Q + b}), or NaN when it is not in the pool. */
    public double poolScore(String item) {
        int slot = pool.find(item);
        return slot == ItemSlots.NONE ? Double.NaN : results[rows + slot];
    }

    /** The score of the item in pool slot {@code slot} ({@link #nearestSlots}): {@code u . Q + b}. */
    public double poolScoreAt(int slot) {
        return results[rows + slot];
    }

    /** The item in pool slot {@code slot}. */
    public String itemAt(int slot) {
        return pool.item(slot);
    }

    /** Up to {@code n} pool items by {@code u . Q + b}, best first, skipping {@code excluded} (ties: slot order). */
    public String[] nearest(int n, Predicate<String> excluded) {
        int[] slots = nearestSlots(n, excluded);
        String[] out = new String[slots.length];
        for (int i = 0; i < out.length; i++) out[i] = pool.item(slots[i]);
        return out;
    }

    /**
     * {@link #nearest}'s items as their pool slots ({@link #itemAt}, {@link #poolScoreAt}): no lookup by item
     * afterwards (a lookup in the pool's map misses the CPU caches).
     */
    public int[] nearestSlots(int n, Predicate<String> excluded) {
        int poolSize = pool.size();
        if (poolSize == 0 || n == 0 || !scored) return new int[0];
        // a bounded insertion list: n is small, the pool is not, so no full sort
        float[] all = results;
        int[] best = new int[n];
        float[] bestScore = new float[n];
        int found = 0;
        for (int i = 0; i < poolSize; i++) {
            float s = all[rows + i]; // the pool's part of column 1
            if (found == n && s <= bestScore[n - 1]) continue;
            if (excluded.test(pool.item(i))) continue;
            int at = Math.min(found, n - 1);
            while (at > 0 && bestScore[at - 1] < s) {
                best[at] = best[at - 1];
                bestScore[at] = bestScore[at - 1];
                at--;
            }
            best[at] = i;
            bestScore[at] = s;
            if (found < n) found++;
        }
        return found == n ? best : java.util.Arrays.copyOf(best, found);
    }

    private static final Gemm GEMM = new Gemm();

    /** ND4J's CPU BLAS backend, called at its {@code sgemm} (protected there: the public entry points wrap it in a custom op). */
    private static final class Gemm extends CpuLevel3 {
        /** {@code out (rows x 2, column-major) = m (rows x width, row-major) . v (width x 2, row-major)}. */
        void product(INDArray m, int rows, int width, INDArray v, INDArray out) {
            // column-major BLAS sees the row-major arrays transposed: out = (m^T)^T . (v^T)^T
            sgemm('f', 'T', 'T', rows, 2, width, 1f, m, width, v, 2, 0f, out, rows);
        }
    }
}
