package io.shoprank.job.trending;

import io.shoprank.job.features.ItemScore;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * The one global stage (parallelism 1, keyed by a constant so it has timers): ranks items by decayed
 * popularity into global and per-category trending lists, emitted at most every {@code emitInterval} of
 * wall-clock time and once more at the end of a bounded input.
 *
 * <p>State: the {@link TrendingBoard} lives on the heap (bounded: the global top and each category's top)
 * and is checkpointed as operator list state, with the list version counter. Metric: {@code trending.tracked}.
 */
public final class TrendingFunction extends KeyedProcessFunction<Byte, ItemScore, TrendingList>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Fires once the input has ended (the watermark reaches its maximum). */
    private static final long END_OF_INPUT = Long.MAX_VALUE - 1;

    private final int size;
    private final int categorySize;
    private final long emitIntervalMs;
    private final double halfLifeMs;

    private transient TrendingBoard board;
    private transient ListState<TrendingBoard.Entry> boardState;
    private transient ListState<Long> versionState;
    private transient long version;
    private transient long maxTs;
    private transient long lastEmitMs;
    private transient boolean timerPending;

    public TrendingFunction(int size, int categorySize, Duration emitInterval, Duration halfLife) {
        this.size = size;
        this.categorySize = categorySize;
        this.emitIntervalMs = emitInterval.toMillis();
        this.halfLifeMs = halfLife.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        board = new TrendingBoard(size, categorySize);
        boardState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("trending-board", TrendingBoard.Entry.class));
        versionState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("trending-version", Long.class));
        if (ctx.isRestored()) {
            board.restore(boardState.get());
            for (TrendingBoard.Entry e : board.entries()) {
                maxTs = Math.max(maxTs, e.ts);
            }
            for (Long v : versionState.get()) {
                version = Math.max(version, v);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        boardState.update(new java.util.ArrayList<>(board.entries()));
        versionState.update(java.util.List.of(version));
    }

    @Override
    public void open(OpenContext ctx) {
        getRuntimeContext().getMetricGroup().addGroup("trending").gauge("tracked", () -> board.tracked());
    }

    @Override
    public void processElement(ItemScore s, Context ctx, Collector<TrendingList> out) {
        board.update(s.item, s.category, s.popularityKey, s.ts);
        maxTs = Math.max(maxTs, s.ts);
        long now = ctx.timerService().currentProcessingTime();
        if (now - lastEmitMs >= emitIntervalMs) {
            emit(now, out);
        } else if (!timerPending) {
            ctx.timerService().registerProcessingTimeTimer(lastEmitMs + emitIntervalMs);
            timerPending = true;
        }
        ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrendingList> out) {
        timerPending = false;
        emit(ctx.timerService().currentProcessingTime(), out);
    }

    private void emit(long now, Collector<TrendingList> out) {
        lastEmitMs = now;
        if (!board.isDirty()) {
            return;
        }
        version++;
        for (TrendingList l : board.drain(maxTs, halfLifeMs, version)) {
            out.collect(l);
        }
    }
}
