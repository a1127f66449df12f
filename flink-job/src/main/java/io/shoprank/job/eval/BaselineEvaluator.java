package io.shoprank.job.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoprank.job.source.JsonLinesFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the two reference baselines ({@link PopularBaseline}, {@link CoVisitBaseline}) under the prequential
 * protocol ({@link PrequentialProtocol}) over an events file, in file order, single-threaded: the Java twin of
 * {@code shared/tools/prequential_baselines.py}, with the same output.
 *
 * <p>Use {@link #evaluate(Path, int)} for a file, or feed events one by one with {@link #accept} and read
 * {@link #result()}.
 *
 * <p>{@code main(FILE [K])} prints one JSON line {@code {"file","events","targets","k","popular":{...},
 * "covisit":{...}}}.
 */
public final class BaselineEvaluator {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The evaluation's figures. */
    public record Result(String file, long events, long targets, int k, RankingMetrics popular,
                         RankingMetrics covisit) {
        /** The script's JSON shape, keys in its order. */
        public Map<String, Object> toMap() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("file", file);
            out.put("events", events);
            out.put("targets", targets);
            out.put("k", k);
            out.put("popular", popular.toMap());
            out.put("covisit", covisit.toMap());
            return out;
        }

        public String toJson() {
            try {
                return MAPPER.writeValueAsString(toMap());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final int k;
    private final PrequentialProtocol protocol = new PrequentialProtocol();
    private final PopularBaseline popular;
    private final CoVisitBaseline covisit;
    private final RankingMetrics popularMetrics;
    private final RankingMetrics covisitMetrics;

    /** Told each target's rank under both baselines (0-based, -1 when absent), e.g. for rolling charts. */
    @FunctionalInterface
    public interface TargetListener {
        void onTarget(long ts, int popularRank, int covisitRank);
    }

    private TargetListener listener = (ts, p, c) -> { };

    public BaselineEvaluator onTarget(TargetListener listener) {
        this.listener = listener;
        return this;
    }

    /** Lists of length {@code k}; metrics at {@code k} and 10. */
    public BaselineEvaluator(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        this.k = k;
        this.popular = new PopularBaseline(k);
        this.covisit = new CoVisitBaseline(popular);
        this.popularMetrics = RankingMetrics.forListLength(k);
        this.covisitMetrics = RankingMetrics.forListLength(k);
    }

    /**
     * Processes the next event in file order: ignored (returns false) unless it counts; otherwise the popular
     * ranking is refreshed when due, the event is tested against both baselines if it is a target, and then
     * learned by both.
     */
    public boolean accept(long ts, String type, String user, String item) {
        if (!PrequentialProtocol.counts(type, user, item, ts)) {
            return false;
        }
        boolean target = protocol.next(user, item);
        popular.beforeTest(protocol.events());
        if (target) {
            List<String> p = popular.recommend(user, k);
            int popularRank = p.indexOf(item);
            int covisitRank = covisit.recommend(user, k, p).indexOf(item);
            popularMetrics.addRank(popularRank);
            covisitMetrics.addRank(covisitRank);
            listener.onTarget(ts, popularRank, covisitRank);
        }
        double w = PrequentialProtocol.weight(type);
        popular.learn(user, item, w, ts);
        covisit.learn(user, item, w);
        protocol.learn(user, item);
        return true;
    }

    /** {@link #accept(long, String, String, String)} for a counted event. */
    public boolean accept(PrequentialProtocol.Event e) {
        return accept(e.ts(), e.type(), e.user(), e.item());
    }

    /** Processes one JSON line of an events file; returns whether it counted. */
    public boolean acceptLine(String line) throws IOException {
        JsonNode node = MAPPER.readTree(line);
        PrequentialProtocol.Event e = PrequentialProtocol.countedEvent(node);
        return e != null && accept(e);
    }

    public long events() {
        return protocol.events();
    }

    public long targets() {
        return protocol.targets();
    }

    public Result result(String file) {
        return new Result(file, protocol.events(), protocol.targets(), k, popularMetrics, covisitMetrics);
    }

    public Result result() {
        return result(null);
    }

    /** Evaluates a {@code *.events.jsonl.gz} (or plain {@code .jsonl}) file with lists of length {@code k}. */
    public static Result evaluate(Path file, int k) throws IOException {
        return evaluate(file, k, (ts, p, c) -> { });
    }

    /** {@link #evaluate(Path, int)}, telling {@code listener} about every target. */
    public static Result evaluate(Path file, int k, TargetListener listener) throws IOException {
        BaselineEvaluator ev = new BaselineEvaluator(k).onTarget(listener);
        try (BufferedReader reader = JsonLinesFiles.open(file)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    ev.acceptLine(line);
                }
            }
        }
        return ev.result(file.getFileName().toString());
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BaselineEvaluator EVENTS.jsonl.gz [K]");
            System.exit(2);
        }
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.println(evaluate(Path.of(args[0]), k).toJson());
    }
}
