package io.shoprank.job.covisit;

import io.shoprank.job.StateTtl;
import io.shoprank.job.features.DecayedScores;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Keyed by item: the item's co-visitation neighbours, learned incrementally from pair updates. On a touch it
 * sends the item's strongest neighbours back towards the user (a {@link Touch}) and publishes the item's
 * similar-items list ({@link #SIMILAR} side output) when its items or their order changed.
 *
 * <p>State per item: neighbour weights (MapState, at most 2 x {@code maxNeighbours} entries: on overflow the
 * weakest are evicted down to {@code maxNeighbours}) and an {@link ItemCoVisitMeta} (entry count, list
 * version, the item's decayed popularity and category, carried on touches); TTL {@code stateTtl}.
 * Metric: {@code covisit.evictions}.
 */
public final class CoVisitationFunction extends KeyedProcessFunction<String, CoVisitMessage, Touch> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<StoreWrite> SIMILAR = new OutputTag<>("similar-items") {};

    private final int maxNeighbours;
    private final int similarSize;
    private final Duration stateTtl;
    private final long redisTtlMs;
    private final double halfLifeMs;

    private transient MapState<String, Double> weights;
    private transient ValueState<ItemCoVisitMeta> meta;
    private transient Counter evictions;

    public CoVisitationFunction(int maxNeighbours, int similarSize, Duration stateTtl, Duration redisTtl,
                                Duration popularityHalfLife) {
        this.halfLifeMs = popularityHalfLife.toMillis();
        this.maxNeighbours = maxNeighbours;
        this.similarSize = similarSize;
        this.stateTtl = stateTtl;
        this.redisTtlMs = redisTtl.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        MapStateDescriptor<String, Double> w = new MapStateDescriptor<>("neighbours", String.class, Double.class);
        w.enableTimeToLive(StateTtl.of(stateTtl));
        weights = getRuntimeContext().getMapState(w);
        ValueStateDescriptor<ItemCoVisitMeta> m = new ValueStateDescriptor<>("item-meta", ItemCoVisitMeta.class);
        m.enableTimeToLive(StateTtl.of(stateTtl));
        meta = getRuntimeContext().getState(m);
        evictions = getRuntimeContext().getMetricGroup().addGroup("covisit").counter("evictions");
    }

    @Override
    public void processElement(CoVisitMessage m, Context ctx, Collector<Touch> out) throws Exception {
        ItemCoVisitMeta md = meta.value();
        if (md == null) {
            md = new ItemCoVisitMeta();
        }
        for (int k = 0; k < m.others.length; k++) {
            Double old = weights.get(m.others[k]);
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
            Neighbours.Ranked top = Neighbours.top(weights.entries(), maxNeighbours);
            Touch touch = new Touch(m.event, m.epoch, m.seq, top.ids(), top.weights());
            touch.itemCategory = md.category;
            touch.itemPopularity = md.popularityKey;
            out.collect(touch);
            int n = Math.min(similarSize, top.ids().length);
            String[] similarIds = Arrays.copyOf(top.ids(), n);
            int digest = Arrays.hashCode(similarIds);
            if (md.version == 0 || digest != md.similarDigest) {
                // only when its items or their order changed: most touches of a popular item change neither
                md.version++;
                md.similarDigest = digest;
                StoreWrite similar = StoreWrite.list(StoreWrite.Kind.SIMILAR_ITEMS, m.item, md.version, m.event.ts,
                        redisTtlMs, similarIds, Arrays.copyOf(top.weights(), n), null);
                similar.ingestMs = m.event.ingestMs;
                ctx.output(SIMILAR, similar);
            }
        }
        meta.update(md);
    }
}
