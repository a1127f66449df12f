package io.shoprank.job.features;

import io.shoprank.job.StateTtl;
import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.Event;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Keyed by item: folds behaviour events (input 1) and catalog upserts (input 2) into the item's
 * {@link ItemProfile}, publishes the item's features, and sends its popularity to the trending stage
 * through the {@link #SCORES} side output. State: one {@link ItemProfile} per item, TTL {@code stateTtl}.
 */
public final class ItemFeaturesFunction extends KeyedCoProcessFunction<String, Event, CatalogItem, StoreWrite> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ItemScore> SCORES = new OutputTag<>("item-scores") {};

    private final Duration stateTtl;
    private final long redisTtlMs;
    private final double halfLifeMs;
    private transient ValueState<ItemProfile> profile;

    public ItemFeaturesFunction(Duration stateTtl, Duration redisTtl, Duration popularityHalfLife) {
        this.stateTtl = stateTtl;
        this.redisTtlMs = redisTtl.toMillis();
        this.halfLifeMs = popularityHalfLife.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<ItemProfile> d = new ValueStateDescriptor<>("item-profile", ItemProfile.class);
        d.enableTimeToLive(StateTtl.of(stateTtl));
        profile = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement1(Event e, Context ctx, Collector<StoreWrite> out) throws Exception {
        ItemProfile p = current();
        p.apply(e, halfLifeMs);
        profile.update(p);
        // as of the item's latest event: an out-of-order event must not shift the windows back in time
        publish(ctx.getCurrentKey(), p, p.lastEvent, e.ingestMs, out);
        if (e.type.weight() > 0) {
            ctx.output(SCORES, new ItemScore(e.item, p.category, p.popularityKey, e.ts));
        }
    }

    @Override
    public void processElement2(CatalogItem c, Context ctx, Collector<StoreWrite> out) throws Exception {
        ItemProfile p = current();
        p.apply(c);
        profile.update(p);
        publish(ctx.getCurrentKey(), p, Math.max(p.lastEvent, c.ts), 0, out);
    }

    private ItemProfile current() throws java.io.IOException {
        ItemProfile p = profile.value();
        return p == null ? ItemProfile.empty() : p;
    }

    private void publish(String item, ItemProfile p, long asOf, long ingestMs, Collector<StoreWrite> out) {
        String[][] f = p.fields(asOf, halfLifeMs);
        StoreWrite w = StoreWrite.features(StoreWrite.Kind.ITEM_FEATURES, item, p.version, asOf,
                redisTtlMs, f[0], f[1]);
        w.ingestMs = ingestMs;
        out.collect(w);
    }
}
