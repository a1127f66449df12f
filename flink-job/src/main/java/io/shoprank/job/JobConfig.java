package io.shoprank.job;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the job, in one typed place. Read from {@code --name value} arguments; every setting has
 * a default that works locally. {@link #describe()} lists them for the README and {@code --help}.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Where events come from. */
    public enum SourceKind { FILE, KAFKA }

    /** Which of a user's items never come back in the user's recommendations. */
    /**
     * The ablation switch of the ranking. {@code COVISIT}: the fixed source order alone (co-visitation by
     * strength, then the user's categories, then global trending); {@code CALIBRATED}: per-source
     * probabilities re-learned from the test-then-train signal; {@code RANKER}: the learned hybrid ranker on
     * top of the fixed order; {@code CONVERSION}, {@code EMBEDDINGS}: the ranker with one online model (and
     * for embeddings, its candidates); {@code ALL}: the ranker with both models.
     */
    public enum Models {
        COVISIT, CALIBRATED, RANKER, CONVERSION, EMBEDDINGS, ALL;

        public boolean conversion() {
            return this == CONVERSION || this == ALL;
        }

        public boolean embeddings() {
            return this == EMBEDDINGS || this == ALL;
        }

        /** Whether any online model runs (and so the updater and the model input of the ranking stage). */
        public boolean any() {
            return conversion() || embeddings();
        }

        public boolean learnsSources() {
            return this == CALIBRATED;
        }

        public boolean learnsRanker() {
            return this == RANKER || any();
        }
    }

    public enum Exclude { SEEN, BOUGHT }

    // --- sources
    public SourceKind source = SourceKind.FILE;
    public String eventsPath = null;
    public String itemsPath = null;
    public double speedup = 0;
    /** Replay pace as a fixed offered load: lines of the events file per second of wall clock; 0 = unlimited. */
    public double rate = 0;
    /**
     * Passes over the replay files. Pass p (0-based) shifts timestamps by p times the file's span (+1 ms) and
     * suffixes user, item and session ids with {@code ~p} (pass 0 is the file as it is), so passes never collide.
     */
    public int repeat = 1;
    public String kafkaBootstrap = "localhost:9092";
    public String eventsTopic = "events";
    public String itemsTopic = "items";
    public String deadLetterTopic = "events-dlq";
    public String kafkaGroup = "shoprank";
    /** Extra Kafka client properties (security.protocol, sasl.*, ssl.*) for source and dead-letter sink. */
    public String kafkaProperties = null;
    public String deadLetterPath = "var/dead-letters";

    // --- event time
    public Duration outOfOrderness = Duration.ofSeconds(2);
    public Duration idleness = Duration.ofSeconds(30);
    public Duration allowedLateness = Duration.ofMinutes(1);

    // --- runtime
    public int parallelism = 2;
    public Duration checkpointInterval = Duration.ofSeconds(10);
    public String checkpointDir = "file:///tmp/shoprank/checkpoints";
    public Duration bufferTimeout = Duration.ofMillis(10);
    /** Wall-clock TTL of keyed state that is not otherwise bounded (per-user and per-item state). */
    public Duration stateTtl = Duration.ofDays(30);

    // --- redis
    public String redisUrl = "redis://127.0.0.1:6379";
    public String namespace = "shoprank";
    public Duration redisTtl = Duration.ofDays(7);
    public int redisBatch = 500;
    public Duration redisLinger = Duration.ofMillis(20);

    // --- recommendations
    public int k = 20;
    public Exclude exclude = Exclude.SEEN;
    /** How many of the user's latest items seed co-visitation candidates. */
    public int seedItems = 3;
    /** How many earlier items of the user's sequence each new item is paired with. */
    public int pairWindow = 5;
    /** Co-visitation neighbours kept per item (state bound). */
    public int maxNeighbours = 100;
    /** Items remembered per user to exclude from recommendations (state bound). */
    public int maxSeenItems = 500;
    public Duration trendingHalfLife = Duration.ofHours(6);
    /** Items per category trending list and in the global trending list. */
    public int trendingSize = 100;
    /** At most this many items of one category among a list's first 10. */
    public int maxPerCategory = 5;

    // --- online models
    /** Which online models the ranking uses (the ablation switch): none, conversion, embeddings, all. */
    public Models models = Models.ALL;
    /** Event-time length of a model epoch: each epoch's updates are published as one versioned delta. */
    public Duration modelEpoch = Duration.ofSeconds(30);
    /**
     * How long a touch may wait for the model version its time asks for before it is scored with the latest
     * version applied (negative: as long as it takes, so a replay's result does not depend on timing; the
     * evaluator runs so). Live, the version is there long before the event; the wait happens when the updater
     * lags (a replay running ahead, a slow checkpoint), and a list must not wait with it.
     */
    public long modelMaxWaitMs = 100;
    /** How long after a view a cart or purchase of the same item by the same user makes it a positive. */
    public Duration labelWindow = Duration.ofMinutes(30);
    /** Hashed feature space of the conversion model (a power of two). */
    public int conversionDimension = 1 << 16;
    /** Dimension of the item embeddings. */
    public int embeddingDim = 16;
    /** Items with an embedding (the least recently updated beyond this are dropped). */
    public int embeddingItems = 200_000;
    /** Candidates the embedding source proposes per list. */
    public int embeddingCandidates = 20;
    /**
     * Candidates per list that the online models score (plus the embedding candidates): the pool's best by the
     * learned ranker's score before any model score, or by the sources' calibrated probability without the
     * ranker (a pre-ranking stage; the rest keep their source scores). Bounds the models' cost per list.
     */
    public int modelCandidates = 50;
    /** Seed of every random choice of the models (initial vectors, sampled negatives). */
    public long modelSeed = 42;

    public static JobConfig fromArgs(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got: " + a);
            }
            String name = a.substring(2);
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException("--" + name + " needs a value (see --help)");
            }
            m.put(name, args[++i]);
        }
        return fromMap(m);
    }

    public static JobConfig fromMap(Map<String, String> m) {
        JobConfig c = new JobConfig();
        for (Map.Entry<String, String> e : m.entrySet()) {
            c.set(e.getKey(), e.getValue());
        }
        c.validate();
        return c;
    }

    private void set(String name, String v) {
        switch (name) {
            case "source": source = SourceKind.valueOf(v.toUpperCase()); break;
            case "events": eventsPath = v; break;
            case "items": itemsPath = v; break;
            case "speedup": speedup = Double.parseDouble(v); break;
            case "rate": rate = Double.parseDouble(v); break;
            case "repeat": repeat = Integer.parseInt(v); break;
            case "kafka-bootstrap": kafkaBootstrap = v; break;
            case "events-topic": eventsTopic = v; break;
            case "items-topic": itemsTopic = v; break;
            case "dead-letter-topic": deadLetterTopic = v; break;
            case "kafka-group": kafkaGroup = v; break;
            case "kafka-properties": kafkaProperties = v; break;
            case "dead-letter-path": deadLetterPath = v; break;
            case "out-of-orderness-ms": outOfOrderness = Duration.ofMillis(Long.parseLong(v)); break;
            case "idleness-ms": idleness = Duration.ofMillis(Long.parseLong(v)); break;
            case "allowed-lateness-ms": allowedLateness = Duration.ofMillis(Long.parseLong(v)); break;
            case "parallelism": parallelism = Integer.parseInt(v); break;
            case "checkpoint-interval-ms": checkpointInterval = Duration.ofMillis(Long.parseLong(v)); break;
            case "checkpoint-dir": checkpointDir = v; break;
            case "buffer-timeout-ms": bufferTimeout = Duration.ofMillis(Long.parseLong(v)); break;
            case "state-ttl-hours": stateTtl = Duration.ofHours(Long.parseLong(v)); break;
            case "redis": redisUrl = v; break;
            case "namespace": namespace = v; break;
            case "redis-ttl-hours": redisTtl = Duration.ofHours(Long.parseLong(v)); break;
            case "redis-batch": redisBatch = Integer.parseInt(v); break;
            case "redis-linger-ms": redisLinger = Duration.ofMillis(Long.parseLong(v)); break;
            case "k": k = Integer.parseInt(v); break;
            case "exclude": exclude = Exclude.valueOf(v.toUpperCase()); break;
            case "seed-items": seedItems = Integer.parseInt(v); break;
            case "pair-window": pairWindow = Integer.parseInt(v); break;
            case "max-neighbours": maxNeighbours = Integer.parseInt(v); break;
            case "max-seen-items": maxSeenItems = Integer.parseInt(v); break;
            case "trending-half-life-minutes": trendingHalfLife = Duration.ofMinutes(Long.parseLong(v)); break;
            case "trending-size": trendingSize = Integer.parseInt(v); break;
            case "max-per-category": maxPerCategory = Integer.parseInt(v); break;
            case "models": models = Models.valueOf(v.toUpperCase()); break;
            case "model-epoch-seconds": modelEpoch = Duration.ofSeconds(Long.parseLong(v)); break;
            case "model-max-wait-ms": modelMaxWaitMs = Long.parseLong(v); break;
            case "label-window-minutes": labelWindow = Duration.ofMinutes(Long.parseLong(v)); break;
            case "conversion-dimension": conversionDimension = Integer.parseInt(v); break;
            case "embedding-dim": embeddingDim = Integer.parseInt(v); break;
            case "embedding-items": embeddingItems = Integer.parseInt(v); break;
            case "embedding-candidates": embeddingCandidates = Integer.parseInt(v); break;
            case "model-candidates": modelCandidates = Integer.parseInt(v); break;
            case "model-seed": modelSeed = Long.parseLong(v); break;
            default: throw new IllegalArgumentException("unknown setting --" + name + " (see --help)");
        }
    }

    public void validate() {
        if (source == SourceKind.FILE && eventsPath == null) {
            throw new IllegalArgumentException("--events FILE is required with --source file");
        }
        require(parallelism >= 1, "--parallelism must be >= 1");
        require(k >= 1 && k <= 500, "--k must be in 1..500");
        require(seedItems >= 1, "--seed-items must be >= 1");
        require(pairWindow >= 1, "--pair-window must be >= 1");
        require(maxNeighbours >= k, "--max-neighbours must be >= --k");
        require(maxSeenItems >= 1, "--max-seen-items must be >= 1");
        require(trendingSize >= k, "--trending-size must be >= --k");
        require(maxPerCategory >= 1, "--max-per-category must be >= 1");
        require(positive(modelEpoch), "--model-epoch-seconds must be > 0");
        require(positive(labelWindow), "--label-window-minutes must be > 0");
        require(Integer.bitCount(conversionDimension) == 1 && conversionDimension >= 1024,
                "--conversion-dimension must be a power of two >= 1024");
        require(embeddingDim >= 2 && embeddingDim <= 256, "--embedding-dim must be in 2..256");
        require(embeddingItems >= 100, "--embedding-items must be >= 100");
        require(embeddingCandidates >= 0, "--embedding-candidates must be >= 0");
        require(modelCandidates >= 1, "--model-candidates must be >= 1");
        require(redisBatch >= 1, "--redis-batch must be >= 1");
        require(positive(trendingHalfLife), "--trending-half-life-minutes must be > 0");
        require(positive(stateTtl), "--state-ttl-hours must be > 0");
        require(positive(redisTtl), "--redis-ttl-hours must be > 0");
        // versions restart when keyed state expires: the Redis key must have expired by then
        require(redisTtl.compareTo(stateTtl) <= 0, "--redis-ttl-hours must not exceed --state-ttl-hours");
        require(positive(checkpointInterval), "--checkpoint-interval-ms must be > 0");
        require(!outOfOrderness.isNegative() && !idleness.isNegative() && !allowedLateness.isNegative()
                && !redisLinger.isNegative() && !bufferTimeout.isNegative(), "durations must not be negative");
        require(speedup >= 0, "--speedup must be >= 0");
        require(rate >= 0 && Double.isFinite(rate), "--rate must be >= 0");
        require(rate == 0 || speedup == 0, "--rate and --speedup cannot both pace the replay");
        require(repeat >= 1, "--repeat must be >= 1");
    }

    /** Reads {@link #kafkaProperties}; empty when not set. */
    public Properties kafkaClientProperties() {
        Properties p = new Properties();
        if (kafkaProperties != null) {
            try (Reader r = Files.newBufferedReader(Path.of(kafkaProperties))) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --kafka-properties " + kafkaProperties + ": " + e, e);
            }
        }
        return p;
    }

    private static boolean positive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** The settings and their defaults, one a line, for --help. */
    public static String describe() {
        JobConfig d = new JobConfig();
        return String.join("\n",
                "--source file|kafka            (" + d.source + ")",
                "--events FILE                  replay file (*.events.jsonl[.gz]), with --source file",
                "--items FILE                   catalog file (*.items.jsonl[.gz]), optional",
                "--speedup X                    replay pace: event time X times faster than wall clock; 0 = as fast as possible (" + d.speedup + ")",
                "--rate N                       replay pace: N events-file lines per second (fixed offered load); 0 = unlimited (" + d.rate + ")",
                "--repeat N                     passes over the replay files, each shifted in time by the file's span and with ids suffixed ~pass (" + d.repeat + ")",
                "--kafka-bootstrap HOST:PORT    (" + d.kafkaBootstrap + ")",
                "--events-topic T / --items-topic T / --dead-letter-topic T  (" + d.eventsTopic + ", " + d.itemsTopic + ", " + d.deadLetterTopic + ")",
                "--kafka-group G                (" + d.kafkaGroup + ")",
                "--kafka-properties FILE        Kafka client properties (security, SASL, TLS) for source and sink",
                "--dead-letter-path DIR         dead letters with --source file (" + d.deadLetterPath + ")",
                "--out-of-orderness-ms N        (" + d.outOfOrderness.toMillis() + ")",
                "--idleness-ms N                (" + d.idleness.toMillis() + ")",
                "--allowed-lateness-ms N        (" + d.allowedLateness.toMillis() + ")",
                "--parallelism N                (" + d.parallelism + ")",
                "--checkpoint-interval-ms N     (" + d.checkpointInterval.toMillis() + ")",
                "--checkpoint-dir URI           (" + d.checkpointDir + ")",
                "--buffer-timeout-ms N          network buffer flush interval (" + d.bufferTimeout.toMillis() + ")",
                "--state-ttl-hours N            (" + d.stateTtl.toHours() + ")",
                "--redis URL                    redis://[:password@]host:port[/db] (" + d.redisUrl + ")",
                "--namespace NS                 Redis key prefix (" + d.namespace + ")",
                "--redis-ttl-hours N            (" + d.redisTtl.toHours() + ")",
                "--redis-batch N / --redis-linger-ms N  pipelining (" + d.redisBatch + ", " + d.redisLinger.toMillis() + ")",
                "--k N                          list length (" + d.k + ")",
                "--exclude seen|bought          which of a user's items are never recommended back (" + d.exclude + ")",
                "--seed-items N                 latest items that seed co-visitation candidates (" + d.seedItems + ")",
                "--pair-window N                earlier items each item is paired with (" + d.pairWindow + ")",
                "--max-neighbours N             neighbours kept per item (" + d.maxNeighbours + ")",
                "--max-seen-items N             items remembered per user for exclusion (" + d.maxSeenItems + ")",
                "--trending-half-life-minutes N (" + d.trendingHalfLife.toMinutes() + ")",
                "--trending-size N              (" + d.trendingSize + ")",
                "--max-per-category N           items of one category in a list's first 10 (" + d.maxPerCategory + ")",
                "--models covisit|calibrated|ranker|conversion|embeddings|all  ranking ablation (" + d.models + ")",
                "--model-epoch-seconds N        event time per published model version (" + d.modelEpoch.toSeconds() + ")",
                "--model-max-wait-ms N          longest wait of a touch for its model version; -1: no limit (" + d.modelMaxWaitMs + ")",
                "--label-window-minutes N       view -> cart/purchase label window (" + d.labelWindow.toMinutes() + ")",
                "--conversion-dimension N       hashed features of the conversion model (" + d.conversionDimension + ")",
                "--embedding-dim N              (" + d.embeddingDim + ")",
                "--embedding-items N            items with an embedding, LRU bound (" + d.embeddingItems + ")",
                "--embedding-candidates N       embedding candidates per list (" + d.embeddingCandidates + ")",
                "--model-candidates N           candidates per list the models score, pre-ranked (" + d.modelCandidates + ")",
                "--model-seed N                 seed of initial vectors and sampled negatives (" + d.modelSeed + ")");
    }
}
