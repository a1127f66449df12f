package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.StateTtl;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.eval.PrequentialOutcome;
import io.shoprank.job.eval.RollingQuality;
import io.shoprank.job.features.RecentItems;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.model.ModelReplica;
import io.shoprank.job.model.embedding.EmbeddingTable;
import io.shoprank.job.stock.OutOfStock;
import io.shoprank.job.stock.StockChange;
import io.shoprank.job.stock.StockListener;
import io.shoprank.job.trending.TrendingBoard;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.ListRefresh;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keyed by user: applies the user's touches in sequence order, checks each against the list served so far
 * (test-then-train quality), and publishes the user's new top-K list.
 *
 * <p>Fill items come from this subtask's own {@link TrendingBoard}, fed by the touches it sees: each touch
 * carries its item's global decayed popularity and category from the co-visitation stage. At parallelism 1
 * the board is the global one and the whole path is a chain of single FIFO channels, so a replay is
 * deterministic; at parallelism p each board sees the items touched by 1/p of the users, with their global
 * scores. (Global trending for Redis comes from the trending stage.)
 *
 * <p>Ranking: candidates from every source ({@link CandidateRanker#pool}), scored by the online models'
 * replica ({@link ModelScoring}, versions from {@link ModelGatedOperator}) and ordered by the
 * {@link LearnedRanker} on top of the fixed source order ({@link SourceCalibration}), per {@code --models}.
 *
 * <p>Keyed state: a {@link UserRanking} (bounded, see the class) and a reorder buffer of touches that arrived
 * before an earlier one of the same user (at most {@link #MAX_PENDING}); TTL {@code stateTtl}. Operator
 * state: the board (global top {@code trendingSize}, {@code 2k} per category), union-redistributed on
 * rescale and merged; the calibration and ranker ({@link CalibrationState}) and the model replica
 * ({@link ReplicaState}), union state; the items out of stock ({@link OutOfStock}: one entry per item the
 * catalog says is out of stock now, from the broadcast stock changes; written by subtask 0). Side output
 * {@link #OUTCOMES}: one {@link PrequentialOutcome} per target. Metrics: {@code quality.targets}, {@code quality.hits}, rolling {@code quality.hr20}, {@code quality.mrr20},
 * {@code quality.ndcg20} over the latest 10,000 targets, {@code ranking.reordered}, {@code ranking.gaps},
 * {@code ranking.staleLists} (targets checked against a refreshed stale list), {@code ranking.staleFillFirst},
 * {@code ranking.outOfStock} (items out of stock), {@code model.servedVersion}, {@code model.queuedVersions}.
 */
public final class RecommendFunction extends KeyedProcessFunction<String, Touch, StoreWrite>
        implements CheckpointedFunction, StockListener {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecommendFunction.class);

    public static final OutputTag<PrequentialOutcome> OUTCOMES = new OutputTag<>("prequential-outcomes") {};

    public static final int MAX_PENDING = 1000;
    /** Delay between rebuilds of a list that could not be filled to K, and how many rebuilds at most. */
    static final long REFRESH_DELAY_MS = 500;
    static final int MAX_REFRESHES = 20;
    static final int QUALITY_WINDOW = 10_000;
    /** One target in this many rebuilds its pool and trains the ranker (and, at the calibrated level, the calibration). */
    static final int CALIBRATION_SAMPLE = 4;
    /** Co-visitation candidates per list before ranking. */
    static final int COVISIT_CANDIDATES = 50;
    /** Items the subtask remembers the summary of (a cache, rebuilt from traffic). */
    static final int ITEM_SUMMARIES = 200_000;
    /** Items whose similar-items list the subtask remembers, for checking refreshed stale lists (~1.5 KB each). */
    static final int SIMILAR_LISTS = 50_000;

    private final JobConfig config;
    private transient ValueState<UserRanking> ranking;
    private transient MapState<Long, Touch> pending;
    private transient TrendingBoard board;
    private transient ListState<TrendingBoard.Entry> boardState;
    private transient SourceCalibration calibration;
    private transient LearnedRanker ranker;
    private transient StaleListOrder staleOrder;
    private transient ListState<CalibrationState> calibrationState;
    private transient ItemSummaries items;
    private transient SimilarLists similar;
    private transient ModelScoring models;
    private transient ListState<ReplicaState> replicaState;
    private transient OutOfStock outOfStock;
    private transient ListState<StockChange> stockState;
    private transient RollingQuality quality;
    private transient Counter targets;
    private transient Counter hits;
    private transient Counter reordered;
    private transient Counter gaps;
    private transient Counter staleLists;

    public RecommendFunction(JobConfig config) {
        this.config = config;
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        board = new TrendingBoard(config.trendingSize, 2 * config.k);
        boardState = ctx.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("popular-board", TrendingBoard.Entry.class));
        calibrationState = ctx.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("source-calibration", CalibrationState.class));
        calibration = new SourceCalibration(config.models.learnsSources());
        items = new ItemSummaries(ITEM_SUMMARIES);
        similar = new SimilarLists(config.k, SIMILAR_LISTS);
        replicaState = ctx.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("model-replica", ReplicaState.class));
        outOfStock = new OutOfStock();
        stockState = ctx.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("out-of-stock", StockChange.class));
        ModelReplica replica = new ModelReplica(config.conversionDimension,
                new EmbeddingTable(config.embeddingDim, config.embeddingItems));
        if (ctx.isRestored()) {
            board.restore(boardState.get()); // after a rescale: every old board, merged
            for (StockChange c : stockState.get()) outOfStock.apply(c);
            CalibrationState restored = CalibrationState.mostInformed(calibrationState.get());
            if (restored != null) {
                // only the calibrated level keeps learned source probabilities; the others rank on the priors
                calibration = config.models.learnsSources() ? restored.calibration(true)
                        : SourceCalibration.priorsOnly(restored.targets);
            }
            ReplicaState.restoreInto(replica, replicaState.get());
        }
        models = new ModelScoring(config, replica);
        ranker = new LearnedRanker(calibration);
        staleOrder = new StaleListOrder();
        if (ctx.isRestored()) {
            CalibrationState restored = CalibrationState.mostInformed(calibrationState.get());
            if (restored != null && config.models.learnsRanker()) {
                ranker.restore(restored.rankerZ, restored.rankerN);
                staleOrder.restore(restored.staleSlotsGain, restored.staleFillFirstGain);
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        boardState.update(new ArrayList<>(board.entries()));
        calibrationState.update(List.of(CalibrationState.of(calibration,
                config.models.learnsRanker() ? ranker : null, staleOrder)));
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        // every subtask received the same deltas (broadcast, aligned barriers): subtask 0's rows and queue
        // describe every replica, the others only say how far they had applied (ReplicaState.ofPosition)
        replicaState.update(!config.models.any() ? List.of()
                : List.of(subtask == 0 ? ReplicaState.of(models.replica(), subtask)
                        : ReplicaState.ofPosition(models.replica(), subtask)));
        // every subtask received every change (broadcast): one copy is the whole set
        stockState.update(subtask == 0 ? outOfStock.changes() : List.of());
    }

    /**
     * A catalog stock change (through {@link ModelGatedOperator}, on arrival): an item out of stock leaves the
     * board and is no candidate until the catalog says it is back; it re-enters the board with its next touch.
     */
    @Override
    public void onStockChange(StockChange c) {
        if (outOfStock.apply(c) && !c.inStock) {
            board.remove(c.item);
        }
    }

    /** A model version from the updater (through {@link ModelGatedOperator}); applied when an event needs it. */
    public void onModelDelta(ModelDelta d) {
        models.replica().enqueue(d);
    }

    /** The per-user ranking state, as the job and the republish tool ({@code RepublishJob}) register it. */
    public static ValueStateDescriptor<UserRanking> rankingDescriptor(Duration stateTtl) {
        ValueStateDescriptor<UserRanking> r = new ValueStateDescriptor<>("user-ranking", UserRanking.class);
        r.enableTimeToLive(StateTtl.of(stateTtl));
        return r;
    }

    /**
     * The user's list as last published ({@link UserRanking#version()}), from the state alone, so the republish
     * tool writes exactly what the job wrote; null when the state holds no published list (state written before
     * the list was kept). With it go what a reader needs to refresh it when it is stale: the user's latest
     * excluded items, the seeds and the order ({@link ListRefresh}).
     */
    public static StoreWrite listWrite(String user, UserRanking u, long redisTtlMs, JobConfig.Exclude exclude) {
        if (u.listItems == null || u.listScores == null) {
            return null;
        }
        return StoreWrite.recommendations(user, u.version(), u.lastTs, redisTtlMs,
                u.listItems, u.listScores, u.listReasons, excludedForRefresh(u, exclude), seedItems(u),
                u.staleFillFirst ? ListRefresh.Order.FILL_FIRST : ListRefresh.Order.SLOTS);
    }

    @Override
    public void open(OpenContext ctx) {
        ranking = getRuntimeContext().getState(rankingDescriptor(config.stateTtl));
        MapStateDescriptor<Long, Touch> p = new MapStateDescriptor<>("pending-touches", Long.class, Touch.class);
        p.enableTimeToLive(StateTtl.of(config.stateTtl));
        pending = getRuntimeContext().getMapState(p);
        quality = new RollingQuality(20, QUALITY_WINDOW);
        MetricGroup q = getRuntimeContext().getMetricGroup().addGroup("quality");
        targets = q.counter("targets");
        hits = q.counter("hits");
        q.gauge("hr20", quality::hitRate);
        q.gauge("mrr20", quality::mrr);
        q.gauge("ndcg20", quality::ndcg);
        MetricGroup rank = getRuntimeContext().getMetricGroup().addGroup("ranking");
        reordered = rank.counter("reordered");
        gaps = rank.counter("gaps");
        staleLists = rank.counter("staleLists");
        rank.gauge("outOfStock", () -> outOfStock.size());
        rank.gauge("staleFillFirst", () -> staleOrder.current() == ListRefresh.Order.FILL_FIRST ? 1 : 0);
        MetricGroup m = getRuntimeContext().getMetricGroup().addGroup("model");
        m.gauge("servedVersion", () -> models.replica().version());
        m.gauge("queuedVersions", () -> models.replica().queued());
    }

    @Override
    public void processElement(Touch t, Context ctx, Collector<StoreWrite> out) throws Exception {
        if (config.models.any()) {
            models.advanceFor(t.event.ts);
        }
        UserRanking u = ranking.value();
        if (u == null || t.epoch > u.epoch) {
            // a new user has nothing buffered: the ranking is written with every buffered touch, so it expires
            // last (clearing anyway cost a RocksDB iterator seek per new user); a restarted sequence drops its own
            if (u != null) pending.clear();
            u = new UserRanking(); // first event, or the user's upstream sequence restarted after its TTL
            u.epoch = t.epoch;
        } else if (t.epoch < u.epoch || t.seq < u.nextSeq) {
            return; // from a sequence that has been superseded
        }
        if (t.seq > u.nextSeq) {
            reordered.inc();
            pending.put(t.seq, t);
            if (++u.pending <= MAX_PENDING) {
                ranking.update(u);
                return;
            }
            skipGap(u, ctx);
        } else {
            apply(u, t, ctx, out);
        }
        Touch next;
        while ((next = pending.get(u.nextSeq)) != null) {
            pending.remove(next.seq);
            u.pending--;
            apply(u, next, ctx, out);
        }
        ranking.update(u);
    }

    private void apply(UserRanking u, Touch t, Context ctx, Collector<StoreWrite> out) {
        checkServed(u, t, ctx);
        u.learn(t, config.seedItems, config.maxSeenItems);
        if (!outOfStock.contains(t.event.item)) {
            board.update(t.event.item, t.itemCategory, t.itemPopularity, t.event.ts);
        }
        similar.touched(t.event.item, t.neighbours, t.weights);
        items.put(t.event.item, new ConversionInputs.Item(t.itemCategory, t.itemPopularity, t.itemViews,
                t.itemConversions, t.itemPrice));
        // the order a reader gives this list once it is stale: learned at the ranker levels, slots otherwise
        u.staleFillFirst = config.models.learnsRanker() && staleOrder.current() == ListRefresh.Order.FILL_FIRST;
        RankedList list = publish(u, t.event.user, t.event.ingestMs, out);
        u.served = list.items();
        u.servedReasons = list.reasons();
        if (list.items().length < config.k) {
            ctx.timerService().registerProcessingTimeTimer(
                    ctx.timerService().currentProcessingTime() + REFRESH_DELAY_MS);
        }
    }

    /**
     * A list came out short (no popular items to fill it from yet, right after a fresh start): rebuild it
     * with what the board knows now, a few times at most, until it is full. A rebuild goes to Redis only:
     * the served list that the next event is checked against stays the one built at the user's last event,
     * so a replay's quality figures do not depend on timer timing.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreWrite> out) throws Exception {
        UserRanking u = ranking.value();
        if (u == null || u.published >= config.k || u.refreshes >= MAX_REFRESHES) {
            return;
        }
        u.refreshes++;
        publish(u, ctx.getCurrentKey(), 0, out);
        ranking.update(u);
        if (u.published < config.k) {
            ctx.timerService().registerProcessingTimeTimer(timestamp + REFRESH_DELAY_MS);
        }
    }

    /** The user's candidates from every source, as they stand now, with the online models' scores. */
    private CandidatePool pool(UserRanking u) {
        Set<String> excluded = new HashSet<>();
        for (String s : config.exclude == JobConfig.Exclude.BOUGHT ? u.bought : u.seen) {
            excluded.add(s);
        }
        double halfLifeMs = config.trendingHalfLife.toMillis();
        // out-of-stock items are not on the board, but co-visitation and embeddings still propose them
        Predicate<String> unavailable = item -> excluded.contains(item) || outOfStock.contains(item);
        CandidatePool pool = CandidateRanker.pool(u.seeds, unavailable, u.categories.top(3),
                // a fill never needs more than k items beyond the excluded ones: no need to build whole lists
                c -> board.list(c, u.lastTs, halfLifeMs, 0, config.k + excluded.size()),
                new String[0], COVISIT_CANDIDATES, config.k);
        if (config.models.any()) {
            // pre-ranked by what ranks the list in the end, before any model score
            models.complete(pool, u, items, unavailable, config.models.learnsRanker()
                    ? c -> c.rankerScoreWithoutModels = ranker.scoreWithoutModels(c) : calibration::probability);
        }
        return pool;
    }

    private RankedList publish(UserRanking u, String user, long ingestMs, Collector<StoreWrite> out) {
        RankedList list = CandidateRanker.rank(pool(u), calibration,
                config.models.learnsRanker() ? this::rankerScore : CandidateRanker.Adjustment.NONE,
                items::category, config.maxPerCategory, config.k);
        u.published = list.items().length;
        u.listItems = list.items();
        u.listScores = list.scores();
        u.listReasons = list.reasons();
        StoreWrite w = listWrite(user, u, config.redisTtl.toMillis(), config.exclude);
        w.ingestMs = ingestMs;
        out.collect(w);
        return list;
    }

    /** The learned ranker's score; for a candidate the models did not score, the one the pre-ranking computed. */
    private double rankerScore(CandidatePool.Candidate c, double probability) {
        return !c.modelScored() && !Double.isNaN(c.rankerScoreWithoutModels) ? c.rankerScoreWithoutModels
                : ranker.score(c);
    }

    /** Test-then-train: an item new to a returning user is a target; a hit when the served list had it. */
    private void checkServed(UserRanking u, Touch t, Context ctx) {
        String item = t.event.item;
        if (u.nextSeq == 0 || RecentItems.contains(u.seen, item)) {
            return;
        }
        int rank = rankIn(servedNow(u, item), item);
        targets.inc();
        if (rank >= 0) {
            hits.inc();
        }
        quality.add(rank);
        if ((config.models.learnsRanker() || config.models.learnsSources()) && calibrates(t)) {
            CandidatePool pool = pool(u);
            if (config.models.learnsRanker()) ranker.observe(pool, item);
            calibration.observe(pool, item);
        }
        ctx.output(OUTCOMES, new PrequentialOutcome(t.event.user, item, t.event.ts, rank, u.nextSeq));
    }

    /**
     * The list the user's frontend reads now: the one built at the user's latest event, and when it is stale,
     * its trending entries drawn again from the current trending lists (this subtask's board) and its
     * co-visitation entries from the seeds' current similar-items lists ({@link SimilarLists}), in the order
     * stored with it, exactly as {@link ListRefresh} does in the feature-store client (with the exclusions and
     * seeds the list's meta carries). A stale list also teaches {@link StaleListOrder} how both orders did on
     * {@code target}.
     */
    private String[] servedNow(UserRanking u, String target) {
        long now = board.latestTs();
        if (u.servedReasons == null || u.servedReasons.length != u.served.length
                || !ListRefresh.isStale(u.lastTs, now, ListRefresh.DEFAULT_STALE_AFTER_MS)) {
            return u.served;
        }
        double halfLifeMs = config.trendingHalfLife.toMillis();
        List<String> items = Arrays.asList(u.served);
        List<String> reasons = Arrays.asList(u.servedReasons);
        List<String> excluded = Arrays.asList(excludedForRefresh(u, config.exclude));
        List<String> seeds = Arrays.asList(seedItems(u));
        // a source gives at most one item per slot plus one per item it skips (excluded, or in the list): no
        // refresh reads further, so longer lists are not built
        int limit = 2 * u.served.length + excluded.size();
        Map<String, List<String>> lists = new HashMap<>();
        ListRefresh.Current current = new ListRefresh.Current() {
            @Override
            public List<String> trending(String c) {
                return lists.computeIfAbsent(c, k -> Arrays.asList(
                        board.list(k.isEmpty() ? TrendingList.GLOBAL : k, now, halfLifeMs, 0, limit).items));
            }

            @Override
            public ListRefresh.Similar similar(String item) {
                return similar.get(item);
            }
        };
        ListRefresh.Refreshed refreshed =
                ListRefresh.refresh(items, reasons, excluded, seeds, current, ListRefresh.Order.SLOTS);
        List<String> slots = refreshed.items();
        List<String> fillFirst = refreshed.ordered(ListRefresh.Order.FILL_FIRST, reasons).items();
        staleLists.inc();
        staleOrder.observe(slots.indexOf(target), fillFirst.indexOf(target));
        return (u.staleFillFirst ? fillFirst : slots).toArray(new String[0]);
    }

    private static int rankIn(String[] list, String item) {
        for (int i = 0; i < list.length; i++) {
            if (list[i].equals(item)) return i;
        }
        return -1;
    }

    /** The user's latest items, most recent first: the seeds a reader recomputes co-visitation entries from. */
    public static String[] seedItems(UserRanking u) {
        String[] out = new String[u.seeds.length];
        for (int i = 0; i < out.length; i++) out[i] = u.seeds[i].item;
        return out;
    }

    /**
     * Every item the ranking excludes for the user (seen, or bought, up to {@code --max-seen-items}, most recent
     * first): stored beside the list, so that a refresh never shows what the ranking would not.
     */
    public static String[] excludedForRefresh(UserRanking u, JobConfig.Exclude exclude) {
        return exclude == JobConfig.Exclude.BOUGHT ? u.bought : u.seen;
    }

    /**
     * One target in {@link #CALIBRATION_SAMPLE} teaches the calibration (rebuilding the pool as it was costs as
     * much as building the list): chosen by a hash of user and sequence number, so a replay picks the same.
     */
    private static boolean calibrates(Touch t) {
        return Math.floorMod(31 * t.event.user.hashCode() + Long.hashCode(t.seq), CALIBRATION_SAMPLE) == 0;
    }

    /** A missing sequence number never arrived (should not happen): log it and go on from the next one held. */
    private void skipGap(UserRanking u, Context ctx) throws Exception {
        long min = Long.MAX_VALUE;
        for (Long s : pending.keys()) min = Math.min(min, s);
        LOG.warn("user {}: touches {}..{} never arrived; skipping ahead", ctx.getCurrentKey(), u.nextSeq, min - 1);
        gaps.inc();
        u.nextSeq = min;
    }
}
