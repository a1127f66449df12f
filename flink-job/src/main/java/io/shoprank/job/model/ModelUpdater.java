package io.shoprank.job.model;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.embedding.BprExample;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.FismBpr;
import io.shoprank.job.model.embedding.ItemEmbeddings;
import io.shoprank.job.model.embedding.PackedRows;
import io.shoprank.job.model.ftrl.FtrlProximal;
import io.shoprank.job.model.guard.ModelGuard;
import io.shoprank.job.model.guard.Verdict;
import io.shoprank.job.model.metrics.OnlineAuc;
import io.shoprank.job.model.metrics.RollingLogLoss;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The single updater of both online models (parallelism 1, keyed by a constant so it has event-time timers).
 * It applies every training example as it comes — FTRL-Proximal steps for the conversion model, mini-batches
 * of BPR steps for the item embeddings — and, each time its watermark passes the end of an epoch, publishes
 * what changed as one versioned {@link ModelDelta} that is broadcast to the ranking subtasks.
 *
 * <p>Prequential monitoring: every conversion example is predicted before it is learned, giving the online
 * AUC and log-loss. A guard ({@link ModelGuard}) checks every version before it is published: a NaN or
 * infinite weight or a log-loss spike rolls the models back to the last published version, which stays in
 * service; the rejection is counted and logged.
 *
 * <p>State: the models live on the heap and are checkpointed as operator state (one subtask): the conversion
 * model's {@code z} and {@code n} (2 x {@code conversionDimension} floats), the embedding rows (at most
 * {@code embeddingItems}) and the pending BPR mini-batch (fewer than {@code BPR_BATCH} examples). Metrics: {@code model.version}, {@code model.examples}, {@code model.positives},
 * {@code model.interactions}, {@code model.auc}, {@code model.logloss}, {@code model.bprLoss},
 * {@code model.rejected}, {@code model.stalenessMs} (event time since the last published version).
 */
public final class ModelUpdater extends KeyedProcessFunction<Byte, TrainingExample, ModelDelta>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdater.class);

    static final double FTRL_ALPHA = 0.05;
    static final double FTRL_BETA = 1;
    static final double FTRL_L1 = 0.5;
    static final double FTRL_L2 = 1;
    static final double BPR_LEARNING_RATE = 0.05;
    static final double BPR_REGULARISATION = 0.001;
    static final int BPR_BATCH = 64;
    static final int METRIC_WINDOW = 10_000;
    /** A version whose log-loss exceeds 3x the running average (and 0.7) is not served. */
    static final double GUARD_SPIKE_FACTOR = 3;
    static final double GUARD_LOSS_FLOOR = 0.7;
    static final int GUARD_WARMUP = 5;

    private final JobConfig config;
    private transient FtrlProximal conversion;
    private transient float[] goodZ;
    private transient float[] goodN;
    /** With its own undo log back to the last published version ({@link ItemEmbeddings#rollBack}). */
    private transient ItemEmbeddings embeddings;
    private transient FismBpr bpr;
    private transient List<BprExample> batch;
    private transient ModelGuard guard;
    private transient OnlineAuc auc;
    private transient RollingLogLoss logLoss;
    private transient double epochLossSum;
    private transient int epochExamples;
    private transient double lastBprLoss;
    private transient long version;
    // transient fields of a deserialized function start at 0: set in initializeState
    private transient long publishedEpoch;
    private transient long timerAt;
    private transient long watermark;
    private transient ListState<UpdaterState> state;
    private transient Counter examples;
    private transient Counter positives;
    private transient Counter interactions;
    private transient Counter rejected;

    public ModelUpdater(JobConfig config) {
        this.config = config;
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        Nd4jThreads.useCallingThreadOnly(); // the task thread that trains
        state = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<>("models", UpdaterState.class));
        publishedEpoch = Long.MIN_VALUE;
        timerAt = Long.MIN_VALUE;
        watermark = Long.MIN_VALUE;
        conversion = new FtrlProximal(config.conversionDimension, FTRL_ALPHA, FTRL_BETA, FTRL_L1, FTRL_L2);
        embeddings = new ItemEmbeddings(config.embeddingDim, config.embeddingItems, config.modelSeed);
        UpdaterState restored = null;
        for (UpdaterState s : state.get()) {
            restored = s;
        }
        if (restored != null) {
            conversion = FtrlProximal.restore(conversion.params(), restored.z, restored.n);
            for (EmbeddingRow r : restored.rows()) embeddings.put(r.item, r.p, r.q, r.b);
            embeddings.drainChanged();
            version = restored.version;
            publishedEpoch = restored.publishedEpoch;
        }
        if (restored != null && restored.goodZ != null) {
            // what changed after the last published version is still to be published (or rolled back)
            goodZ = restored.goodZ.clone();
            goodN = restored.goodN.clone();
            for (int i = 0; i < goodZ.length; i++) {
                if (goodZ[i] != conversion.z()[i] || goodN[i] != conversion.n()[i]) conversion.markChanged(i);
            }
            embeddings.restoreSinceCommit(List.of(restored.goodRows), List.of(restored.newItems));
        } else {
            goodZ = conversion.z().clone();
            goodN = conversion.n().clone();
        }
        batch = new ArrayList<>();
        if (restored != null && restored.pendingBatch != null) {
            for (TrainingExample e : restored.pendingBatch) batch.add(new BprExample(e.context, e.positive, e.negatives));
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        // the models as they are now and the pending mini-batch as it is (examples before the barrier are not
        // replayed after a restore): applying the batch here would make its boundaries, and so the embeddings,
        // depend on when checkpoints happen, and a replay would not be deterministic
        UpdaterState s = new UpdaterState();
        s.pendingBatch = batch.stream()
                .map(b -> TrainingExample.interaction(b.context(), b.positive(), b.negatives(), 0))
                .toArray(TrainingExample[]::new);
        s.z = conversion.z();
        s.n = conversion.n();
        s.packedRows = PackedRows.pack(embeddings.rows());
        s.version = version;
        s.publishedEpoch = publishedEpoch;
        s.goodZ = goodZ;
        s.goodN = goodN;
        s.goodRows = embeddings.earlierRows().toArray(new EmbeddingRow[0]);
        s.newItems = embeddings.itemsSinceCommit().toArray(new String[0]);
        state.update(List.of(s));
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        bpr = new FismBpr(BPR_LEARNING_RATE, BPR_REGULARISATION);
        guard = new ModelGuard(GUARD_SPIKE_FACTOR, GUARD_LOSS_FLOOR, GUARD_WARMUP, 0.1);
        auc = new OnlineAuc(METRIC_WINDOW);
        logLoss = new RollingLogLoss(METRIC_WINDOW, 0.01);
        MetricGroup m = getRuntimeContext().getMetricGroup().addGroup("model");
        examples = m.counter("examples");
        positives = m.counter("positives");
        interactions = m.counter("interactions");
        rejected = m.counter("rejected");
        m.gauge("version", () -> version);
        m.gauge("auc", auc::auc);
        m.gauge("logloss", logLoss::mean);
        m.gauge("bprLoss", () -> lastBprLoss);
        m.gauge("stalenessMs", () -> publishedEpoch == Long.MIN_VALUE || watermark == Long.MIN_VALUE
                ? 0L : Math.max(0L, watermark - (publishedEpoch + 1) * epochMs()));
    }

    private long epochMs() {
        return config.modelEpoch.toMillis();
    }

    @Override
    public void processElement(TrainingExample e, Context ctx, Collector<ModelDelta> out) {
        watermark = ctx.timerService().currentWatermark();
        if (e.kind == TrainingExample.Kind.CONVERSION) {
            double p = conversion.update(e.idx, e.values(), e.label);
            auc.add(p, e.label);
            logLoss.add(p, e.label);
            epochLossSum += RollingLogLoss.logLoss(p, e.label);
            epochExamples++;
            examples.inc();
            if (e.label) positives.inc();
        } else {
            batch.add(new BprExample(e.context, e.positive, e.negatives));
            interactions.inc();
            if (batch.size() >= BPR_BATCH) trainEmbeddings();
        }
        // the epoch that is open now: the first one the watermark has not closed
        long open = watermark == Long.MIN_VALUE ? Math.floorDiv(e.ts, epochMs()) : Math.floorDiv(watermark + 1, epochMs());
        long end = (open + 1) * epochMs() - 1;
        if (timerAt == Long.MIN_VALUE || end < timerAt) {
            timerAt = end;
            ctx.timerService().registerEventTimeTimer(end);
        }
    }

    private void trainEmbeddings() {
        if (batch.isEmpty()) return;
        lastBprLoss = bpr.step(embeddings, batch);
        batch.clear();
    }

    /** The watermark passed the end of an epoch: check the new version, then publish it or roll back. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ModelDelta> out) {
        timerAt = Long.MIN_VALUE;
        watermark = timestamp;
        trainEmbeddings();
        long epoch = Math.floorDiv(timestamp, epochMs());
        int[] idx = conversion.drainChanged();
        float[] w = conversion.weights(idx);
        List<EmbeddingRow> rows = embeddings.changedRows();
        double loss = epochExamples == 0 ? Double.NaN : epochLossSum / epochExamples;
        Verdict verdict = epochExamples == 0 ? ModelGuard.checkWeights(idx, w) : guard.review(idx, w, loss);
        if (verdict.accepted()) verdict = finite(rows);
        if (!verdict.accepted()) {
            rejected.inc();
            LOG.warn("model version for epoch {} rejected ({}); rolling back to version {}", epoch, verdict.reason(), version);
            conversion.rollBack(goodZ, goodN);
            embeddings.rollBack();
            resetEpoch();
            return;
        }
        for (int i : idx) {
            goodZ[i] = conversion.z()[i];
            goodN[i] = conversion.n()[i];
        }
        embeddings.commit();
        resetEpoch();
        version++;
        publishedEpoch = epoch;
        out.collect(new ModelDelta(epoch, version, idx, w, rows.toArray(new EmbeddingRow[0])));
    }

    private void resetEpoch() {
        epochLossSum = 0;
        epochExamples = 0;
    }

    private static Verdict finite(List<EmbeddingRow> rows) {
        for (EmbeddingRow r : rows) {
            boolean ok = Float.isFinite(r.b);
            for (float v : r.p) ok &= Float.isFinite(v);
            for (float v : r.q) ok &= Float.isFinite(v);
            if (!ok) return Verdict.rejected("non-finite embedding of item " + r.item);
        }
        return Verdict.ACCEPTED;
    }
}
