package io.shoprank.job.covisit;

import io.shoprank.job.JobConfig;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventType;
import io.shoprank.job.model.ConversionInputs;
import io.shoprank.job.model.TrainingExample;
import io.shoprank.job.model.ftrl.ConversionFeatures;
import io.shoprank.job.model.ftrl.FeatureHasher;

import io.shoprank.job.StateTtl;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.job.stock.OutOfStock;
import io.shoprank.job.stock.StockChange;
import io.shoprank.job.stock.StockListener;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Keyed by item: the item's co-visitation neighbours, learned incrementally from pair updates. On a touch it
 * sends the item's strongest neighbours back towards the user (a {@link Touch}) and publishes the item's
 * similar-items list ({@link #SIMILAR} side output) when its items or their order changed.
 *
 * <p>State per item: neighbour weights (MapState, at most 2 x {@code maxNeighbours} entries: on overflow the
 * weakest are evicted down to {@code maxNeighbours}) and an {@link ItemCoVisitMeta} (entry count, list
 * version and the list last published, the item's decayed popularity and category, carried on touches) and,
 * with the conversion model, the views waiting for their label ({@link PendingViews}, at most
 * {@link #MAX_PENDING_VIEWS}, with one event-time timer per item: for the earliest window, each setting the next); TTL
 * {@code stateTtl}. Operator state: the items the catalog says are out of stock ({@link OutOfStock}, from the
 * broadcast stock changes through {@link io.shoprank.job.stock.StockAwareOperator}; union state written by
 * subtask 0), which are left out of the neighbours a touch carries and of the similar-items list.
 * Metric: {@code covisit.evictions}.
 */
public final class CoVisitationFunction extends KeyedProcessFunction<String, CoVisitMessage, Touch>
        implements StockListener, CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<StoreWrite> SIMILAR = new OutputTag<>("similar-items") {};
    /** Training examples for the online models (see {@link TrainingExample}). */
    public static final OutputTag<TrainingExample> EXAMPLES =
            new OutputTag<>("training-examples", new io.shoprank.job.model.TrainingExampleTypeInfo());
    /** Views per item waiting for their label (state bound); beyond it a new view is not labelled. */
    static final int MAX_PENDING_VIEWS = 256;
    static final int NEGATIVES = 2;
    static final int NEGATIVE_POOL = 10_000;
    /** Seeds whose co-visitation with the touched item is its co-visitation feature, as at serving. */
    static final int FEATURE_SEEDS = 3;

    private final int maxNeighbours;
    private final int similarSize;
    private final Duration stateTtl;
    private final long redisTtlMs;
    private final double halfLifeMs;

    private final JobConfig.Models models;
    private final long labelWindowMs;
    private final long seed;
    private final int conversionDimension;
    private transient MapState<String, Double> weights;
    private transient ValueState<ItemCoVisitMeta> meta;
    private transient ValueState<PendingViews> pendingViews;
    /**
     * Views that waited in state written before {@link PendingViews} (a map entry per user): read on a cart and
     * closed by their own timers (at a second's .999, where a window now closes at a whole second), so they all
     * leave within one label window after such a restore.
     */
    private transient MapState<String, PendingView> legacyPendingViews;
    private transient ConversionFeatures features;
    private transient NegativeSampler negatives;
    private transient Counter evictions;
    private transient OutOfStock outOfStock;
    private transient ListState<StockChange> stockState;

    public CoVisitationFunction(int maxNeighbours, int similarSize, Duration stateTtl, Duration redisTtl,
                                Duration popularityHalfLife) {
        this(maxNeighbours, similarSize, stateTtl, redisTtl, popularityHalfLife, JobConfig.Models.COVISIT,
                Duration.ofMinutes(30), 1 << 16, 0);
    }

    public CoVisitationFunction(int maxNeighbours, int similarSize, Duration stateTtl, Duration redisTtl,
                                Duration popularityHalfLife, JobConfig.Models models, Duration labelWindow,
                                int conversionDimension, long seed) {
        this.models = models;
        this.labelWindowMs = labelWindow.toMillis();
        this.conversionDimension = conversionDimension;
        this.seed = seed;
        this.halfLifeMs = popularityHalfLife.toMillis();
        this.maxNeighbours = maxNeighbours;
        this.similarSize = similarSize;
        this.stateTtl = stateTtl;
        this.redisTtlMs = redisTtl.toMillis();
    }

    /** The per-item bookkeeping state, as the job and the republish tool ({@code RepublishJob}) register it. */
    public static ValueStateDescriptor<ItemCoVisitMeta> metaDescriptor(Duration stateTtl) {
        ValueStateDescriptor<ItemCoVisitMeta> m = new ValueStateDescriptor<>("item-meta", ItemCoVisitMeta.class);
        m.enableTimeToLive(StateTtl.of(stateTtl));
        return m;
    }

    /**
     * The item's similar-items list as last published ({@link ItemCoVisitMeta#version}), from the state alone, so
     * the republish tool writes exactly what the job wrote; null when the state holds no published list (none
     * yet, or state written before the list was kept).
     */
    public static StoreWrite similarWrite(String item, ItemCoVisitMeta md, long redisTtlMs) {
        if (md.similarItems == null || md.similarScores == null) {
            return null;
        }
        return StoreWrite.list(StoreWrite.Kind.SIMILAR_ITEMS, item, md.version, md.similarTs, redisTtlMs,
                md.similarItems, md.similarScores, null);
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        outOfStock = new OutOfStock();
        stockState = ctx.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("out-of-stock", StockChange.class));
        if (ctx.isRestored()) {
            for (StockChange c : stockState.get()) outOfStock.apply(c);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        // every subtask received every change (broadcast): one copy is the whole set
        stockState.update(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                ? outOfStock.changes() : List.of());
    }

    /** A catalog stock change: the item leaves (or may come back to) the lists built from the next touch on. */
    @Override
    public void onStockChange(StockChange c) {
        outOfStock.apply(c);
    }

    @Override
    public void open(OpenContext ctx) {
        MapStateDescriptor<String, Double> w = new MapStateDescriptor<>("neighbours", String.class, Double.class);
        w.enableTimeToLive(StateTtl.of(stateTtl));
        weights = getRuntimeContext().getMapState(w);
        meta = getRuntimeContext().getState(metaDescriptor(stateTtl));
        evictions = getRuntimeContext().getMetricGroup().addGroup("covisit").counter("evictions");
        ValueStateDescriptor<PendingViews> p = new ValueStateDescriptor<>("item-pending-views", PendingViews.class);
        p.enableTimeToLive(StateTtl.of(stateTtl));
        pendingViews = getRuntimeContext().getState(p);
        MapStateDescriptor<String, PendingView> legacy = new MapStateDescriptor<>("pending-views", String.class,
                PendingView.class);
        legacy.enableTimeToLive(StateTtl.of(stateTtl));
        legacyPendingViews = getRuntimeContext().getMapState(legacy);
        features = new ConversionFeatures(new FeatureHasher(conversionDimension));
        negatives = new NegativeSampler(NEGATIVE_POOL, seed);
    }

    @Override
    public void processElement(CoVisitMessage m, Context ctx, Collector<Touch> out) throws Exception {
        ItemCoVisitMeta md = meta.value();
        if (md == null) {
            md = new ItemCoVisitMeta();
        }
        double covisit = 0; // the touched item's co-visitation with the user's latest items, before this event
        for (int k = 0; k < m.others.length; k++) {
            Double old = weights.get(m.others[k]);
            if (old != null && k < FEATURE_SEEDS) covisit += old / (1.0 + k);
            weights.put(m.others[k], (old == null ? 0 : old) + m.weights[k]);
            if (old == null) {
                md.entries++;
            }
        }
        if (md.entries > 2L * maxNeighbours) {
            // entries dropped by the state TTL were never subtracted from the count: recount the live ones
            md.entries = 0;
            for (String ignored : weights.keys()) {
                md.entries++;
            }
        }
        if (md.entries > 2L * maxNeighbours) {
            List<String> evict = Neighbours.weakest(weights.entries(), maxNeighbours);
            for (String id : evict) {
                weights.remove(id);
            }
            md.entries -= evict.size();
            evictions.inc(evict.size());
        }
        if (m.event != null) {
            if (m.event.type.weight() > 0) {
                md.popularityKey = DecayedScores.add(md.popularityKey, m.event.type.weight(), m.event.ts, halfLifeMs);
            }
            if (m.event.category != null) {
                md.category = m.event.category;
            }
            if (models.conversion()) {
                label(m, md, covisit, ctx);
            }
            count(md, m.event);
            if (models.embeddings() && m.event.type.weight() > 0) {
                String[] neg = negatives.sample(NEGATIVES, m.event.user, m.seq, m.item, m.others);
                if (neg.length > 0) {
                    ctx.output(EXAMPLES, TrainingExample.interaction(m.others, m.item, neg, m.event.ts));
                }
                negatives.add(m.item);
            }
            Neighbours.Ranked top = Neighbours.top(inStock(weights.entries()), maxNeighbours);
            Touch touch = new Touch(m.event, m.epoch, m.seq, top.ids(), top.weights());
            touch.itemCategory = md.category;
            touch.itemPopularity = md.popularityKey;
            touch.itemViews = md.views;
            touch.itemConversions = md.conversions;
            touch.itemPrice = md.price;
            touch.categoryShare = m.categoryShare;
            touch.topCategory = m.topCategory;
            touch.userLastTs = m.userLastTs;
            out.collect(touch);
            int n = Math.min(similarSize, top.ids().length);
            String[] similarIds = Arrays.copyOf(top.ids(), n);
            int digest = Arrays.hashCode(similarIds);
            if (md.version == 0 || digest != md.similarDigest) {
                // only when its items or their order changed: most touches of a popular item change neither
                md.version++;
                md.similarDigest = digest;
                md.similarItems = similarIds;
                md.similarScores = Arrays.copyOf(top.weights(), n);
                md.similarTs = m.event.ts;
                StoreWrite similar = similarWrite(m.item, md, redisTtlMs);
                similar.ingestMs = m.event.ingestMs;
                ctx.output(SIMILAR, similar);
            }
        }
        meta.update(md);
    }

    /** The neighbours the catalog does not say are out of stock (their weights are kept either way). */
    private Iterable<Map.Entry<String, Double>> inStock(Iterable<Map.Entry<String, Double>> entries) {
        if (outOfStock.size() == 0) return entries;
        return () -> StreamSupport.stream(entries.spliterator(), false)
                .filter(e -> !outOfStock.contains(e.getKey())).iterator();
    }

    private static void count(ItemCoVisitMeta md, Event e) {
        if (e.type == EventType.VIEW || e.type == EventType.CLICK) md.views++;
        if (e.type == EventType.CART || e.type == EventType.PURCHASE) md.conversions++;
        if (e.price != null) md.price = e.price;
    }

    /**
     * The label join, keyed by item: a view waits (with its features as of now) for a cart or purchase of the
     * item by the same user within the label window; an event-time timer closes the window as a negative.
     */
    private void label(CoVisitMessage m, ItemCoVisitMeta md, double covisit, Context ctx) throws Exception {
        Event e = m.event;
        if (e.type == EventType.CART || e.type == EventType.PURCHASE) {
            PendingViews pending = pendingViews.value();
            int i = pending == null ? -1 : pending.indexOf(e.user);
            if (i >= 0) {
                PendingViews.View v = pending.remove(i);
                if (pending.size() == 0) pendingViews.clear();
                else pendingViews.update(pending);
                labelled(v.idx(), v.ts(), e.ts, ctx);
            } else {
                PendingView legacy = legacyPendingViews.get(e.user);
                if (legacy != null) {
                    legacyPendingViews.remove(e.user);
                    labelled(legacy.idx, legacy.ts, e.ts, ctx);
                }
            }
        } else if (e.type == EventType.VIEW || e.type == EventType.CLICK) {
            PendingViews pending = pendingViews.value();
            if (pending == null) pending = new PendingViews();
            if (pending.size() >= MAX_PENDING_VIEWS || pending.indexOf(e.user) >= 0) return;
            ConversionInputs.User user = new ConversionInputs.User(m.categoryShare, m.topCategory, m.seq, m.userLastTs);
            ConversionInputs.Item item = new ConversionInputs.Item(md.category, md.popularityKey, md.views,
                    md.conversions, md.price);
            // a timer is set for the earliest waiting view's window (or an earlier one): a later view waits for it,
            // and each timer sets the next (onTimer), so an item holds one timer, not one per second of views
            long due = pending.size() == 0 ? Long.MAX_VALUE : windowCloses(pending.earliestTs());
            pending.add(e.user, e.ts, features.indices(ConversionInputs.of(user, item, covisit, e.ts, halfLifeMs)));
            pendingViews.update(pending);
            if (windowCloses(e.ts) < due) {
                ctx.timerService().registerEventTimeTimer(windowCloses(e.ts));
            }
        }
    }

    /** When the label window of a view at {@code viewTs} is closed: the next whole second after it ends. */
    private long windowCloses(long viewTs) {
        return Math.floorDiv(viewTs + labelWindowMs + 999, 1000) * 1000;
    }

    /** A cart or purchase at {@code labelTs} for a view at {@code viewTs}: positive within the window. */
    private void labelled(int[] idx, long viewTs, long labelTs, Context ctx) {
        if (labelTs - viewTs <= labelWindowMs) {
            ctx.output(EXAMPLES, TrainingExample.conversion(idx, null, true, labelTs));
        } else { // the window closed before this cart (its timer has not fired yet): still a negative
            ctx.output(EXAMPLES, TrainingExample.conversion(idx, null, false, viewTs + labelWindowMs));
        }
    }

    /** Label windows closed: those views are negatives. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Touch> out) throws Exception {
        if (Math.floorMod(timestamp, 1000L) == 999) {
            closeLegacy(timestamp, ctx);
            return;
        }
        PendingViews pending = pendingViews.value();
        if (pending == null) return;
        PendingViews.View[] closed = pending.closeUpTo(timestamp, labelWindowMs);
        for (PendingViews.View v : closed) {
            ctx.output(EXAMPLES, TrainingExample.conversion(v.idx(), null, false, v.ts() + labelWindowMs));
        }
        if (pending.size() == 0) {
            pendingViews.clear();
            return;
        }
        if (closed.length > 0) pendingViews.update(pending);
        // the next window to close (this timer may have closed none: a cart took the view it was set for)
        ctx.timerService().registerEventTimeTimer(windowCloses(pending.earliestTs()));
    }

    /** A timer of state written before {@link PendingViews}: its closed views, from the map, are negatives. */
    private void closeLegacy(long timestamp, OnTimerContext ctx) throws Exception {
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, PendingView> v : legacyPendingViews.entries()) {
            if (v.getValue().ts + labelWindowMs <= timestamp) {
                closed.add(v.getKey());
                ctx.output(EXAMPLES, TrainingExample.conversion(v.getValue().idx, v.getValue().val, false,
                        v.getValue().ts + labelWindowMs));
            }
        }
        for (String user : closed) legacyPendingViews.remove(user);
    }
}
