package io.shoprank.job.republish;

import io.shoprank.job.JobConfig;

import io.shoprank.job.covisit.CoVisitationFunction;
import io.shoprank.job.covisit.ItemCoVisitMeta;
import io.shoprank.job.features.ItemFeaturesFunction;
import io.shoprank.job.features.ItemProfile;
import io.shoprank.job.features.UserFeaturesFunction;
import io.shoprank.job.features.UserProfile;
import io.shoprank.job.ranking.RecommendFunction;
import io.shoprank.job.ranking.UserRanking;
import io.shoprank.job.trending.TrendingBoard;
import io.shoprank.job.trending.TrendingFunction;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.MapPartitionFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The State Processor API functions of {@link RepublishJob}: each reads one operator's state with the descriptor
 * the job registers it with, and turns it into Redis writes with the same function the job publishes with (so a
 * republished value is the value the job wrote at that version, byte for byte).
 */
final class StateReaders {
    private StateReaders() {}

    /** Accumulator counting the writes of a kind; {@link #skippedAccumulator} the keys left out. */
    static String writesAccumulator(StoreWrite.Kind kind) {
        return "republish." + kind.name().toLowerCase();
    }

    /** Keys whose state keeps no published list (state written before the job kept it): not republished. */
    static String skippedAccumulator(StoreWrite.Kind kind) {
        return "republish." + kind.name().toLowerCase() + ".skipped";
    }

    /**
     * The task's counter {@code name}, registered on first use: a reader is opened once per split, and a task may
     * read several splits.
     */
    static LongCounter counter(RuntimeContext ctx, String name) {
        LongCounter c = (LongCounter) ctx.<Long, Long>getAccumulator(name);
        if (c == null) {
            c = new LongCounter();
            ctx.addAccumulator(name, c);
        }
        return c;
    }

    /** uid user-features: one feature hash per user profile. */
    static final class UserFeatures extends KeyedStateReaderFunction<String, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private final Duration stateTtl;
        private final long redisTtlMs;
        private transient ValueState<UserProfile> profile;

        UserFeatures(Duration stateTtl, Duration redisTtl) {
            this.stateTtl = stateTtl;
            this.redisTtlMs = redisTtl.toMillis();
        }

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(UserFeaturesFunction.profileDescriptor(stateTtl));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<StoreWrite> out) throws Exception {
            UserProfile p = profile.value();
            if (p != null) {
                out.collect(UserFeaturesFunction.write(user, p, redisTtlMs));
            }
        }
    }

    /** uid item-features: one feature hash per item profile. */
    static final class ItemFeatures extends KeyedStateReaderFunction<String, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private final Duration stateTtl;
        private final long redisTtlMs;
        private final double halfLifeMs;
        private transient ValueState<ItemProfile> profile;

        ItemFeatures(Duration stateTtl, Duration redisTtl, Duration popularityHalfLife) {
            this.stateTtl = stateTtl;
            this.redisTtlMs = redisTtl.toMillis();
            this.halfLifeMs = popularityHalfLife.toMillis();
        }

        @Override
        public void open(OpenContext ctx) {
            profile = getRuntimeContext().getState(ItemFeaturesFunction.profileDescriptor(stateTtl));
        }

        @Override
        public void readKey(String item, Context ctx, Collector<StoreWrite> out) throws Exception {
            ItemProfile p = profile.value();
            if (p != null) {
                out.collect(ItemFeaturesFunction.write(item, p, halfLifeMs, redisTtlMs));
            }
        }
    }

    /**
     * uid co-visitation: the similar-items list each item last published, kept in its {@link ItemCoVisitMeta}
     * (the neighbour table itself is not read: its current order is what the job publishes next, not what it
     * published).
     */
    static final class SimilarItems extends KeyedStateReaderFunction<String, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private final Duration stateTtl;
        private final long redisTtlMs;
        private transient LongCounter skipped;
        private transient ValueState<ItemCoVisitMeta> meta;

        SimilarItems(Duration stateTtl, Duration redisTtl) {
            this.stateTtl = stateTtl;
            this.redisTtlMs = redisTtl.toMillis();
        }

        @Override
        public void open(OpenContext ctx) {
            meta = getRuntimeContext().getState(CoVisitationFunction.metaDescriptor(stateTtl));
            skipped = counter(getRuntimeContext(), skippedAccumulator(StoreWrite.Kind.SIMILAR_ITEMS));
        }

        @Override
        public void readKey(String item, Context ctx, Collector<StoreWrite> out) throws Exception {
            ItemCoVisitMeta md = meta.value();
            if (md == null || md.version == 0) {
                return; // pair updates only: the item never published a list
            }
            StoreWrite w = CoVisitationFunction.similarWrite(item, md, redisTtlMs);
            if (w == null) {
                skipped.add(1);
            } else {
                out.collect(w);
            }
        }
    }

    /**
     * uid recommend: the list each user was last published, kept in the user's {@link UserRanking} (the list is
     * not recomputed: ranking uses the subtask's board, calibration and model replica as they were then).
     */
    static final class Recommendations extends KeyedStateReaderFunction<String, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private final Duration stateTtl;
        private final long redisTtlMs;
        private final JobConfig.Exclude exclude;
        private transient LongCounter skipped;
        private transient ValueState<UserRanking> ranking;

        Recommendations(Duration stateTtl, Duration redisTtl, JobConfig.Exclude exclude) {
            this.stateTtl = stateTtl;
            this.redisTtlMs = redisTtl.toMillis();
            this.exclude = exclude;
        }

        @Override
        public void open(OpenContext ctx) {
            ranking = getRuntimeContext().getState(RecommendFunction.rankingDescriptor(stateTtl));
            skipped = counter(getRuntimeContext(), skippedAccumulator(StoreWrite.Kind.RECOMMENDATIONS));
        }

        @Override
        public void readKey(String user, Context ctx, Collector<StoreWrite> out) throws Exception {
            UserRanking u = ranking.value();
            if (u == null || u.nextSeq == 0) {
                return;
            }
            StoreWrite w = RecommendFunction.listWrite(user, u, redisTtlMs, exclude);
            if (w == null) {
                skipped.add(1);
            } else {
                out.collect(w);
            }
        }
    }

    /** One record of the trending stage's operator state: a board entry, or the version counter. */
    public static class TrendingPart {
        public TrendingBoard.Entry entry;
        public long version;

        public TrendingPart() {}

        static TrendingPart of(TrendingBoard.Entry e) {
            TrendingPart p = new TrendingPart();
            p.entry = e;
            return p;
        }

        static TrendingPart of(Long version) {
            TrendingPart p = new TrendingPart();
            p.version = version;
            return p;
        }
    }

    /** uid trending (parallelism 1): restores the board and writes every list, see TrendingFunction#restoredLists. */
    static final class Trending implements MapPartitionFunction<TrendingPart, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private final int size;
        private final int categorySize;
        private final Duration halfLife;
        private final long redisTtlMs;

        Trending(int size, int categorySize, Duration halfLife, Duration redisTtl) {
            this.size = size;
            this.categorySize = categorySize;
            this.halfLife = halfLife;
            this.redisTtlMs = redisTtl.toMillis();
        }

        @Override
        public void mapPartition(Iterable<TrendingPart> parts, Collector<StoreWrite> out) {
            List<TrendingBoard.Entry> entries = new ArrayList<>();
            List<Long> versions = new ArrayList<>();
            for (TrendingPart p : parts) {
                if (p.entry != null) {
                    entries.add(p.entry);
                } else {
                    versions.add(p.version);
                }
            }
            for (TrendingList l : TrendingFunction.restoredLists(entries, versions, size, categorySize, halfLife)) {
                out.collect(l.toStoreWrite(redisTtlMs));
            }
        }
    }

    /** Counts the writes per kind (accumulators {@link #writesAccumulator}) on their way to the sink. */
    static final class CountWrites extends RichMapFunction<StoreWrite, StoreWrite> {
        private static final long serialVersionUID = 1L;
        private transient Map<StoreWrite.Kind, LongCounter> counters;

        @Override
        public void open(OpenContext ctx) {
            counters = new EnumMap<>(StoreWrite.Kind.class);
            for (StoreWrite.Kind k : StoreWrite.Kind.values()) {
                counters.put(k, counter(getRuntimeContext(), writesAccumulator(k)));
            }
        }

        @Override
        public StoreWrite map(StoreWrite w) {
            counters.get(w.kind).add(1);
            return w;
        }
    }
}
