package io.shoprank.job;

import io.shoprank.job.covisit.CoVisitationFunction;
import io.shoprank.job.covisit.Touch;
import io.shoprank.job.covisit.UserSequenceFunction;
import io.shoprank.job.deadletter.DeadLetterSinks;
import io.shoprank.job.eval.PrequentialOutcome;
import io.shoprank.job.events.CatalogItem;
import io.shoprank.job.events.DeadLetter;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.events.RecordRouter;
import io.shoprank.job.features.ItemFeaturesFunction;
import io.shoprank.job.features.ItemScore;
import io.shoprank.job.features.UserFeaturesFunction;
import io.shoprank.job.model.ModelDelta;
import io.shoprank.job.model.ModelUpdater;
import io.shoprank.job.ranking.ModelGatedOperator;
import io.shoprank.job.ranking.RankingUpdate;
import io.shoprank.job.ranking.RecommendFunction;
import io.shoprank.job.sink.RedisSink;
import io.shoprank.job.stock.StockAwareOperator;
import io.shoprank.job.stock.StockChange;
import io.shoprank.job.source.Sources;
import io.shoprank.job.trending.TrendingFunction;
import io.shoprank.job.trending.TrendingList;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The job's dataflow (drawn in docs/ARCHITECTURE.md). Every stateful operator has a stable uid, so state
 * survives upgrades through savepoints.
 *
 * <pre>
 * events, items ─► route ─┬─► user features   (key user) ───────────────────────────────────┐
 *                         ├─► item features   (key item, + catalog) ─► trending (p=1) ──────┤
 *                         └─► user sequence   (key user) ─► co-visitation (key item) ─┬─► recommend (key user)
 *                                                                similar items ───────┴──────┴─► Redis
 * catalog stock changes ─► co-visitation, recommend (broadcast); model versions ─► recommend (broadcast)
 * dead letters and late events ─► dead-letter sink;  recommend ─► prequential outcomes (side output)
 * </pre>
 */
public final class ShoprankJob {
    /** How often the trending stage publishes at most: trending moves slowly, and each publication writes
     * every changed category's list. */
    static final Duration TRENDING_EMIT_INTERVAL = Duration.ofSeconds(1);

    private ShoprankJob() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
            System.out.println("Settings:\n" + JobConfig.describe());
            return;
        }
        JobConfig config = JobConfig.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, config);
        env.execute("shoprank");
    }

    /**
     * Streams a caller may consume besides what the job writes (the evaluator collects the outcomes; the
     * savepoint compatibility test watches the model versions).
     *
     * @param modelVersions the versions the model updater publishes; null when {@code --models} runs no model
     */
    public record Outputs(DataStream<PrequentialOutcome> outcomes, DataStream<ModelDelta> modelVersions) {}

    /** Adds the whole dataflow, with the sources the configuration names, to {@code env}. */
    public static Outputs build(StreamExecutionEnvironment env, JobConfig config) {
        configure(env, config);
        return build(Sources.records(env, config), config);
    }

    /** Applies the job's runtime settings to {@code env}; call before creating sources. */
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.configure(RuntimeSettings.of(config));
        env.setParallelism(config.parallelism);
        env.setBufferTimeout(config.bufferTimeout.toMillis());
    }

    /** Adds the dataflow downstream of the parsed records (tests insert fault injection here). */
    public static Outputs build(DataStream<ParsedRecord> records, JobConfig config) {
        SingleOutputStreamOperator<Event> events = records
                .process(new RecordRouter(config.allowedLateness.toMillis()))
                .name("route: validate, split, lateness").uid("route");
        DataStream<CatalogItem> catalog = events.getSideOutput(RecordRouter.CATALOG);
        DataStream<DeadLetter> deadLetters = events.getSideOutput(RecordRouter.DEAD_LETTERS);
        DeadLetterSinks.attach(deadLetters, config);

        // user features: every event, search included
        DataStream<StoreWrite> userFeatures = events
                .keyBy(e -> e.user)
                .process(new UserFeaturesFunction(config.stateTtl, config.redisTtl))
                .name("user features").uid("user-features");

        // item features and catalog attributes
        DataStream<Event> itemEvents = events.filter(e -> e.type.isItemEvent()).name("item events");
        SingleOutputStreamOperator<StoreWrite> itemFeatures = itemEvents
                .keyBy(e -> e.item)
                .connect(catalog.keyBy(c -> c.item))
                .process(new ItemFeaturesFunction(config.stateTtl, config.redisTtl, config.trendingHalfLife))
                .name("item features").uid("item-features");
        DataStream<ItemScore> itemScores = itemFeatures.getSideOutput(ItemFeaturesFunction.SCORES);

        // trending: the one global stage
        SingleOutputStreamOperator<TrendingList> trending = itemScores
                .keyBy(s -> (byte) 0)
                .process(new TrendingFunction(config.trendingSize, 2 * config.k,
                        TRENDING_EMIT_INTERVAL, config.trendingHalfLife))
                .name("trending").uid("trending")
                .setParallelism(1).setMaxParallelism(1);
        DataStream<StoreWrite> trendingWrites = trending
                .map(l -> l.toStoreWrite(config.redisTtl.toMillis()))
                .name("trending lists").setParallelism(1);

        // the catalog's stock changes, broadcast to the stages that build lists (see StockAwareOperator)
        DataStream<StockChange> stockChanges = catalog
                .filter(c -> c.inStock != null).name("stock changes")
                .map(StockChange::of).name("stock changes");

        // co-visitation: user -> item -> user
        SingleOutputStreamOperator<Touch> touches = itemEvents
                .keyBy(e -> e.user)
                .process(new UserSequenceFunction(config.pairWindow, config.stateTtl))
                .name("user sequence").uid("user-sequence")
                .keyBy(m -> m.item)
                .connect(stockChanges.broadcast())
                .transform("co-visitation", TypeInformation.of(Touch.class), new StockAwareOperator<>(
                        new CoVisitationFunction(config.maxNeighbours, config.k, config.stateTtl, config.redisTtl,
                                config.trendingHalfLife, config.models, config.labelWindow,
                                config.conversionDimension, config.modelSeed)))
                .uid("co-visitation");
        DataStream<StoreWrite> similar = touches.getSideOutput(CoVisitationFunction.SIMILAR);

        // ranking, with the online models' versions from their one updater and the catalog's stock changes
        // broadcast to every subtask (see ModelGatedOperator)
        DataStream<RankingUpdate> rankingUpdates = stockChanges.map(RankingUpdate::of).name("stock changes");
        DataStream<ModelDelta> modelVersions = null;
        if (config.models.any()) {
            modelVersions = touches.getSideOutput(CoVisitationFunction.EXAMPLES)
                    .keyBy(e -> (byte) 0)
                    .process(new ModelUpdater(config))
                    .name("model updater").uid("model-updater")
                    .setParallelism(1).setMaxParallelism(1)
                    .setBufferTimeout(0); // a version is small and rare: send it at once
            rankingUpdates = rankingUpdates.union(modelVersions
                    .map(RankingUpdate::of).name("model versions").setParallelism(1));
        }
        SingleOutputStreamOperator<StoreWrite> recommendations = touches.keyBy(t -> t.event.user)
                .connect(rankingUpdates.broadcast())
                .transform("recommend", TypeInformation.of(StoreWrite.class), new ModelGatedOperator(
                        new RecommendFunction(config), config.modelEpoch.toMillis(), config.models.any(),
                        config.modelMaxWaitMs))
                .uid("recommend");

        userFeatures.union(itemFeatures, trendingWrites, similar, recommendations)
                .sinkTo(new RedisSink(config.redisUrl, config.namespace, config.redisBatch, config.redisLinger))
                .name("redis").uid("redis-sink");
        return new Outputs(recommendations.getSideOutput(RecommendFunction.OUTCOMES), modelVersions);
    }
}
