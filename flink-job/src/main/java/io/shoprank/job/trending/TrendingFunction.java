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
import java.util.List;

/**
 * The one global stage (parallelism 1, keyed by a constant so it has timers): ranks items by decayed
 * popularity into global and per-category trending lists, emitted at most every {@code emitInterval} of
 * wall-clock time and once more at the end of a bounded input. An item the catalog says is out of stock
 * leaves the lists until it is back in stock.
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

    /** Names of the operator list states: the board's entries, and the list version counter. */
    public static final String BOARD_STATE = "trending-board";
    public static final String VERSION_STATE = "trending-version";

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        board = new TrendingBoard(size, categorySize);
        boardState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(BOARD_STATE, TrendingBoard.Entry.class));
        versionState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>(VERSION_STATE, Long.class));
        if (ctx.isRestored()) {
            board.restore(boardState.get());
            maxTs = latestTs(board);
            version = latestVersion(versionState.get());
        }
    }

    private static long latestTs(TrendingBoard board) {
        long ts = 0;
        for (TrendingBoard.Entry e : board.entries()) {
            ts = Math.max(ts, e.ts);
        }
        return ts;
    }

    private static long latestVersion(Iterable<Long> versions) {
        long v = 0;
        for (Long x : versions) {
            v = Math.max(v, x);
        }
        return v;
    }

    /**
     * The lists a republication from checkpointed state writes (RepublishJob): every list of the restored board,
     * scored at its latest event time, as this stage publishes them right after a restore, but at the
     * checkpointed version rather than the next one, so that the stage's next publication supersedes them.
     */
    public static List<TrendingList> restoredLists(Iterable<TrendingBoard.Entry> entries, Iterable<Long> versions,
                                                   int size, int categorySize, Duration halfLife) {
        TrendingBoard board = new TrendingBoard(size, categorySize);
        board.restore(entries);
        return board.drain(latestTs(board), halfLife.toMillis(), latestVersion(versions));
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
        if (s.inStock) {
            board.update(s.item, s.category, s.popularityKey, s.ts);
        } else {
            board.remove(s.item);
        }
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
