package io.shoprank.job.ranking;

import io.shoprank.job.covisit.Touch;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Hosts {@link RecommendFunction} with a second, broadcast input ({@link RankingUpdate}): the model versions
 * from the updater and the catalog's stock changes. Stock changes apply on arrival; model versions gate the
 * touches, as follows.
 *
 * <p>An event at time ts is scored with the model version of epoch {@code ts / epoch - 2}
 * ({@link ModelScoring#requiredEpoch}). Live, that version arrived long before the event. When it has not
 * (a replay running ahead of the updater), the touch waits in a queue, and so does everything after it on
 * the touch input, watermarks included, until the model input's watermark shows the version is in: touches
 * are processed in their arrival order and meet exactly the model version their time asks for, so the
 * result does not depend on how the two inputs interleave (a replay at parallelism 1 is deterministic).
 * The model input's watermark only opens the queue; event time downstream follows the touches alone.
 *
 * <p>The wait is bounded ({@code --model-max-wait-ms}, 100 ms): a touch queued that long is scored with the
 * latest version applied, and so is everything queued before it. Live, a version is there about an epoch before
 * the events that need it, so touches wait only when the updater lags (a slow checkpoint, an overload, a
 * backlog replayed faster than its own pace), and the lists should not stall with it. Without a bound
 * (negative), results never depend on timing: the evaluator runs so.
 *
 * <p>State: the queue (union list state; after a restore each subtask keeps the touches of its key groups).
 * Metrics: {@code ranking.waitedForModel}, {@code ranking.modelQueue}, {@code ranking.modelWaitTimedOut}
 * (touches scored with an older version than their time asks for).
 */
public final class ModelGatedOperator extends KeyedProcessOperator<String, Touch, StoreWrite>
        implements TwoInputStreamOperator<Touch, RankingUpdate, StoreWrite> {
    private static final long serialVersionUID = 1L;

    /**
     * A queued touch, or a queued watermark ({@code touch == null}) or status change of the touch input, with
     * the processing time it was queued at.
     */
    private record Held(Touch touch, long timestamp, boolean hasTimestamp, WatermarkStatus status, long queuedAt) {}

    /** {@link #drain(long)}'s argument when no touch may go before its version. */
    private static final long NO_FORCE = Long.MIN_VALUE;

    private final long epochMs;
    /** False when no model runs ({@code --models covisit}): nothing to wait for. */
    private final boolean gated;
    /** Longest wait of a queued touch in processing time; negative: no bound. */
    private final long maxWaitMs;
    private transient ArrayDeque<Held> queue;
    /** Whether a timeout timer is registered (at most one at a time, for the queue's head). */
    private transient boolean timeoutPending;
    private transient Counter timedOut;
    private transient ListState<Touch> queueState;
    private transient long modelWatermark;
    private transient boolean modelIdle;
    private transient Counter waited;

    public ModelGatedOperator(RecommendFunction function, long epochMs, boolean gated, long maxWaitMs) {
        super(function);
        this.epochMs = epochMs;
        this.gated = gated;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        queue = new ArrayDeque<>();
        modelWatermark = Long.MIN_VALUE;
        queueState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("model-gate-queue", Touch.class));
        if (context.isRestored()) {
            int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
            KeyGroupRange mine = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism,
                    getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            for (Touch t : queueState.get()) {
                if (mine.contains(KeyGroupRangeAssignment.assignToKeyGroup(t.event.user, maxParallelism))) {
                    queue.add(new Held(t, t.event.ts, true, null, Long.MIN_VALUE)); // restored: waited already
                }
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Touch> held = new ArrayList<>();
        for (Held h : queue) {
            if (h.touch() != null) held.add(h.touch());
        }
        queueState.update(held);
    }

    @Override
    public void open() throws Exception {
        super.open();
        waited = getMetricGroup().addGroup("ranking").counter("waitedForModel");
        timedOut = getMetricGroup().addGroup("ranking").counter("modelWaitTimedOut");
        getMetricGroup().addGroup("ranking").gauge("modelQueue", () -> queue.size());
        scheduleTimeout();
    }

    @Override
    public void processElement1(StreamRecord<Touch> record) throws Exception {
        if (queue.isEmpty() && ready(record.getValue())) {
            processElement(record);
        } else {
            waited.inc();
            queue.add(new Held(record.getValue(), record.getTimestamp(), record.hasTimestamp(), null, now()));
            scheduleTimeout();
        }
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        if (queue.isEmpty()) {
            processWatermark(mark);
        } else {
            queue.add(new Held(null, mark.getTimestamp(), true, null, now()));
        }
    }

    @Override
    public void processElement2(StreamRecord<RankingUpdate> record) throws Exception {
        RankingUpdate u = record.getValue();
        if (u.model != null) ((RecommendFunction) userFunction).onModelDelta(u.model);
        if (u.stock != null) ((RecommendFunction) userFunction).onStockChange(u.stock);
    }

    @Override
    public void processWatermark2(Watermark mark) throws Exception {
        modelWatermark = Math.max(modelWatermark, mark.getTimestamp());
        drain();
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            if (queue.isEmpty()) {
                output.emitWatermarkStatus(status);
            } else { // after the touches and watermarks queued before it
                queue.add(new Held(null, 0, false, status, now()));
            }
        } else {
            modelIdle = status.isIdle(); // an idle updater must not hold the touches back
            drain();
        }
    }

    private boolean ready(Touch t) {
        return !gated || modelIdle || modelWatermark >= ModelScoring.requiredModelWatermark(t.event.ts, epochMs);
    }

    /** Processes the queue's head while it is ready. */
    private void drain() throws Exception {
        drain(NO_FORCE);
    }

    /**
     * Processes the queue's head while it is ready, or was queued at or before {@code forceUpTo} (never with
     * {@link #NO_FORCE}; restored touches count as queued at {@code Long.MIN_VALUE}).
     */
    private void drain(long forceUpTo) throws Exception {
        while (!queue.isEmpty()) {
            Held h = queue.peekFirst();
            if (h.touch() == null) {
                queue.pollFirst();
                if (h.status() != null) {
                    output.emitWatermarkStatus(h.status());
                } else {
                    processWatermark(new Watermark(h.timestamp()));
                }
                continue;
            }
            if (!ready(h.touch())) {
                if (forceUpTo == NO_FORCE || h.queuedAt() > forceUpTo) return;
                timedOut.inc(); // scored with the latest version applied (ModelScoring.advanceFor goes as far as it can)
            }
            queue.pollFirst();
            StreamRecord<Touch> record = h.hasTimestamp()
                    ? new StreamRecord<>(h.touch(), h.timestamp()) : new StreamRecord<>(h.touch());
            setKeyContextElement1(record);
            processElement(record);
        }
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    /** A timer for when the queue's head has waited its longest, if the wait is bounded and none is set. */
    private void scheduleTimeout() {
        if (maxWaitMs < 0 || timeoutPending || queue.isEmpty()) return;
        long queuedAt = queue.peekFirst().queuedAt();
        long at = queuedAt == Long.MIN_VALUE ? now() : queuedAt + maxWaitMs; // restored: waited already
        timeoutPending = true;
        getProcessingTimeService().registerTimer(at, time -> {
            timeoutPending = false;
            drain(time - maxWaitMs);
            scheduleTimeout();
        });
    }
}
