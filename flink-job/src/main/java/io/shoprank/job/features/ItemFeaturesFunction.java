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

    /** The profile state, as the job and the republish tool ({@code RepublishJob}) register it. */
    public static ValueStateDescriptor<ItemProfile> profileDescriptor(Duration stateTtl) {
        ValueStateDescriptor<ItemProfile> d = new ValueStateDescriptor<>("item-profile", ItemProfile.class);
        d.enableTimeToLive(StateTtl.of(stateTtl));
        return d;
    }

    /**
     * The item's feature hash as last published for profile {@code p}, as of {@link ItemProfile#publishedAsOf}
     * (its latest event for state from before that field): a function of the state alone, so the republish tool
     * writes exactly what the job wrote at this version.
     */
    public static StoreWrite write(String item, ItemProfile p, double popularityHalfLifeMs, long redisTtlMs) {
        long asOf = p.publishedAsOf > 0 ? p.publishedAsOf : p.lastEvent;
        String[][] f = p.fields(asOf, popularityHalfLifeMs);
        return StoreWrite.features(StoreWrite.Kind.ITEM_FEATURES, item, p.version, asOf, redisTtlMs, f[0], f[1]);
    }

    @Override
    public void open(OpenContext ctx) {
        profile = getRuntimeContext().getState(profileDescriptor(stateTtl));
    }

    @Override
    public void processElement1(Event e, Context ctx, Collector<StoreWrite> out) throws Exception {
        ItemProfile p = current();
        p.apply(e, halfLifeMs);
        // as of the item's latest event: an out-of-order event must not shift the windows back in time
        p.publishedAsOf = p.lastEvent;
        profile.update(p);
        publish(ctx.getCurrentKey(), p, e.ingestMs, out);
        if (e.type.weight() > 0) {
            ctx.output(SCORES, new ItemScore(e.item, p.category, p.popularityKey, e.ts, inStock(p)));
        }
    }

    @Override
    public void processElement2(CatalogItem c, Context ctx, Collector<StoreWrite> out) throws Exception {
        ItemProfile p = current();
        boolean wasInStock = inStock(p);
        p.apply(c);
        p.publishedAsOf = Math.max(p.lastEvent, c.ts);
        profile.update(p);
        publish(ctx.getCurrentKey(), p, 0, out);
        // the trending lists must drop (or take back) the item now, not at its next event; an item without
        // events has no popularity to rank by, and enters them with its first event
        if (inStock(p) != wasInStock && p.popularityKey != DecayedScores.EMPTY) {
            ctx.output(SCORES, new ItemScore(c.item, p.category, p.popularityKey, c.ts, inStock(p)));
        }
    }

    /** Unknown stock counts as in stock: only the catalog's explicit "false" takes an item out. */
    private static boolean inStock(ItemProfile p) {
        return !Boolean.FALSE.equals(p.inStock);
    }

    private ItemProfile current() throws java.io.IOException {
        ItemProfile p = profile.value();
        return p == null ? ItemProfile.empty() : p;
    }

    private void publish(String item, ItemProfile p, long ingestMs, Collector<StoreWrite> out) {
        StoreWrite w = write(item, p, halfLifeMs, redisTtlMs);
        w.ingestMs = ingestMs;
        out.collect(w);
    }
}
