package io.shoprank.job.ranking;

import io.shoprank.job.JobConfig;
import io.shoprank.job.StateTtl;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.features.RecentItems;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Keyed by user: applies the user's touches in sequence order, checks each against the list served so far
 * (test-then-train quality), and publishes the user's new top-K list. Trending lists arrive as broadcast
 * state (global under key "", categories under their id).
 *
 * <p>Keyed state: a {@link UserRanking} (bounded, see the class) and a reorder buffer of touches that arrived
 * before an earlier one of the same user (at most {@link #MAX_PENDING}); TTL {@code stateTtl}.
 * Broadcast state: one trending list per category, bounded by the trending stage.
 * Metrics: {@code quality.targets}, {@code quality.hits} (item was in the served top-K),
 * {@code ranking.reordered}, {@code ranking.gaps}.
 */
public final class RecommendFunction extends KeyedBroadcastProcessFunction<String, Touch, TrendingList, StoreWrite> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecommendFunction.class);

    public static final int MAX_PENDING = 1000;
    /** Delay between rebuilds of a list that could not be filled to K, and how many rebuilds at most. */
    static final long REFRESH_DELAY_MS = 500;
    static final int MAX_REFRESHES = 20;
    public static final MapStateDescriptor<String, TrendingList> TRENDING =
            new MapStateDescriptor<>("trending-lists", String.class, TrendingList.class);

    private final JobConfig config;
    private transient ValueState<UserRanking> ranking;
    private transient MapState<Long, Touch> pending;
    private transient Counter targets;
    private transient Counter hits;
    private transient Counter reordered;
    private transient Counter gaps;

    public RecommendFunction(JobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<UserRanking> r = new ValueStateDescriptor<>("user-ranking", UserRanking.class);
        r.enableTimeToLive(StateTtl.of(config.stateTtl));
        ranking = getRuntimeContext().getState(r);
        MapStateDescriptor<Long, Touch> p = new MapStateDescriptor<>("pending-touches", Long.class, Touch.class);
        p.enableTimeToLive(StateTtl.of(config.stateTtl));
        pending = getRuntimeContext().getMapState(p);
        var quality = getRuntimeContext().getMetricGroup().addGroup("quality");
        targets = quality.counter("targets");
        hits = quality.counter("hits");
        var rank = getRuntimeContext().getMetricGroup().addGroup("ranking");
        reordered = rank.counter("reordered");
        gaps = rank.counter("gaps");
    }

    @Override
    public void processElement(Touch t, ReadOnlyContext ctx, Collector<StoreWrite> out) throws Exception {
        UserRanking u = ranking.value();
        if (u == null || t.epoch > u.epoch) {
            u = new UserRanking(); // first event, or the user's upstream sequence restarted after its TTL
            u.epoch = t.epoch;
            pending.clear();
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

    private void apply(UserRanking u, Touch t, ReadOnlyContext ctx, Collector<StoreWrite> out) throws Exception {
        checkServed(u, t.event.item);
        u.learn(t, config.seedItems, config.maxSeenItems);
        publish(u, t.event.user, t.event.ingestMs, ctx.getBroadcastState(TRENDING), out);
        if (u.served.length < config.k) {
            ctx.timerService().registerProcessingTimeTimer(
                    ctx.timerService().currentProcessingTime() + REFRESH_DELAY_MS);
        }
    }

    /**
     * A list came out short (no trending list to fill it from yet, typically right after a fresh start):
     * rebuild it with the trending lists known now, a few times at most, until it is full.
     */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StoreWrite> out) throws Exception {
        UserRanking u = ranking.value();
        if (u == null || u.served.length >= config.k || u.refreshes >= MAX_REFRESHES) {
            return;
        }
        u.refreshes++;
        publish(u, ctx.getCurrentKey(), 0, ctx.getBroadcastState(TRENDING), out);
        ranking.update(u);
        if (u.served.length < config.k) {
            ctx.timerService().registerProcessingTimeTimer(timestamp + REFRESH_DELAY_MS);
        }
    }

    private void publish(UserRanking u, String user, long ingestMs,
                         ReadOnlyBroadcastState<String, TrendingList> trending, Collector<StoreWrite> out) {
        Set<String> excluded = new HashSet<>();
        for (String s : config.exclude == JobConfig.Exclude.BOUGHT ? u.bought : u.seen) {
            excluded.add(s);
        }
        RankedList list = CandidateRanker.rank(u.seeds, excluded, u.categories.top(3), c -> {
            try {
                return trending.get(c);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, config.k);
        u.served = list.items();
        StoreWrite w = StoreWrite.list(StoreWrite.Kind.RECOMMENDATIONS, user, u.version(), u.lastTs,
                config.redisTtl.toMillis(), list.items(), list.scores(), list.reasons());
        w.ingestMs = ingestMs;
        out.collect(w);
    }

    /** Test-then-train: an item new to a returning user is a target; a hit when the served list had it. */
    private void checkServed(UserRanking u, String item) {
        if (u.nextSeq == 0 || RecentItems.contains(u.seen, item)) {
            return;
        }
        targets.inc();
        if (RecentItems.contains(u.served, item)) {
            hits.inc();
        }
    }

    /** A missing sequence number never arrived (should not happen): log it and go on from the next one held. */
    private void skipGap(UserRanking u, ReadOnlyContext ctx) throws Exception {
        long min = Long.MAX_VALUE;
        for (Long s : pending.keys()) min = Math.min(min, s);
        LOG.warn("user {}: touches {}..{} never arrived; skipping ahead", ctx.getCurrentKey(), u.nextSeq, min - 1);
        gaps.inc();
        u.nextSeq = min;
    }

    @Override
    public void processBroadcastElement(TrendingList l, Context ctx, Collector<StoreWrite> out) throws Exception {
        BroadcastState<String, TrendingList> state = ctx.getBroadcastState(TRENDING);
        TrendingList old = state.get(l.category);
        if (old == null || old.version < l.version) {
            state.put(l.category, l);
        }
    }
}
