package io.shoprank.job.ranking;

import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.PackedRows;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The checkpointed form of a ranking subtask's model replica (Flink POJO), kept as union state. Every subtask
 * receives the same deltas before a barrier (a broadcast input, aligned), so one subtask's rows and queue
 * describe every replica: subtask 0 writes them ({@link #of}), the others only their position
 * ({@link #ofPosition}, no weights or rows), which saves writing and copying the table once per further
 * subtask. After a restore, at any parallelism, every subtask starts from the most advanced full replica and
 * queues the deltas that any subtask had received but not yet applied. (Checkpoints written before this
 * change hold a full replica per subtask; they restore the same way.)
 */
public class ReplicaState {
    public int subtask;
    public long appliedEpoch;
    public long version;
    public float[] weights;
    /** The replica's embedding table ({@link PackedRows}); null in a position-only state and in state from before it. */
    public byte[][] packedRows;
    /** The embedding table as row POJOs: state written before {@link #packedRows} (empty or null since). */
    public EmbeddingRow[] rows;
    public ModelDelta[] queued;

    public ReplicaState() {}

    static ReplicaState of(ModelReplica r, int subtask) {
        ReplicaState s = new ReplicaState();
        s.subtask = subtask;
        s.appliedEpoch = r.appliedEpoch();
        s.version = r.version();
        s.weights = r.weights().clone();
        s.packedRows = PackedRows.pack(r.embeddings());
        s.rows = new EmbeddingRow[0];
        s.queued = r.queuedDeltas().toArray(new ModelDelta[0]);
        return s;
    }

    /** A subtask's position only: how far it had applied, and no rows (subtask 0 writes those). */
    static ReplicaState ofPosition(ModelReplica r, int subtask) {
        ReplicaState s = new ReplicaState();
        s.subtask = subtask;
        s.appliedEpoch = r.appliedEpoch();
        s.version = r.version();
        s.rows = new EmbeddingRow[0];
        s.queued = new ModelDelta[0];
        return s;
    }

    static void restoreInto(ModelReplica replica, Iterable<ReplicaState> states) {
        ReplicaState best = null;
        List<ModelDelta> queued = new ArrayList<>();
        for (ReplicaState s : states) {
            if (s.weights != null && (best == null || s.appliedEpoch > best.appliedEpoch)) best = s;
            if (s.queued != null) queued.addAll(List.of(s.queued));
        }
        if (best == null) return;
        EmbeddingRow[] rows = PackedRows.unpackOr(best.packedRows, best.rows).toArray(new EmbeddingRow[0]);
        replica.restore(best.appliedEpoch, best.version, best.weights, rows);
        TreeMap<Long, ModelDelta> byEpoch = new TreeMap<>();
        for (ModelDelta d : queued) {
            if (d.epoch > best.appliedEpoch) byEpoch.putIfAbsent(d.epoch, d);
        }
        byEpoch.values().forEach(replica::enqueue);
    }
}
