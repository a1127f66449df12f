package io.shoprank.job.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java baselines against the reference script {@code shared/tools/prequential_baselines.py}, plus unit
 * tests of the metrics math, the popular tie order and the incremental top-neighbour lists.
 */
class BaselineEvaluatorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long H = 3_600_000L;
    private static final long T = 1_500_000_000_000L;

    /** {@code shared/data}, found beside the working directory or one of its parents. */
    private static Path sharedData() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/data folder beside " + here + " or its parents");
    }

    private static JsonNode runPython(Path script, Path file, int k) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("python3", script.toString(), file.toString(), Integer.toString(k))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(10, TimeUnit.MINUTES), "python timed out");
        assertEquals(0, proc.exitValue(), "python exit status");
        return MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-store.events.jsonl.gz", "diginetica-sample.events.jsonl.gz"})
    void matchesTheReferenceScript(String name) throws Exception {
        Path data = sharedData();
        Path file = data.resolve(name);
        Path script = data.getParent().resolve("tools").resolve("prequential_baselines.py");
        assertTrue(Files.isRegularFile(file), file.toString());
        assertTrue(Files.isRegularFile(script), script.toString());

        long t0 = System.nanoTime();
        BaselineEvaluator.Result java = BaselineEvaluator.evaluate(file, 20);
        long javaMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        JsonNode py = runPython(script, file, 20);
        long pyMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("%s: java %d ms, python %d ms%n  java   %s%n  python %s%n",
                name, javaMs, pyMs, java.toJson(), py);

        assertEquals(name, java.file());
        assertEquals(py.get("events").asLong(), java.events(), "events");
        assertEquals(py.get("targets").asLong(), java.targets(), "targets");
        assertEquals(20, java.k());
        assertClose(py.get("popular").get("hits@20").asLong(), java.popular().hits(20), "popular hits@20");
        assertClose(py.get("covisit").get("hits@20").asLong(), java.covisit().hits(20), "covisit hits@20");

        // the JSON shape of main(): same keys, in the script's order
        JsonNode mine = MAPPER.readTree(java.toJson());
        assertEquals(fieldNames(py), fieldNames(mine));
        assertEquals(fieldNames(py.get("popular")), fieldNames(mine.get("popular")));
        assertEquals(fieldNames(py.get("covisit")), fieldNames(mine.get("covisit")));
    }

    private static void assertClose(long expected, long actual, String what) {
        double tolerance = Math.max(0.02 * expected, 3.0);
        assertTrue(Math.abs(actual - expected) <= tolerance,
                what + ": java " + actual + " vs python " + expected + " (tolerance " + tolerance + ")");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---- metrics math ----

    private static List<String> listWith(String target, int position, int length) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            l.add(i == position ? target : "x" + i);
        }
        return l;
    }

    @Test
    void aHitAtRankThree() {
        RankingMetrics m = new RankingMetrics();
        m.add(listWith("t", 2, 20), "t");

        assertEquals(1, m.targets());
        assertEquals(1, m.hits(10));
        assertEquals(1, m.hits(20));
        assertEquals(1.0, m.hr(10));
        assertEquals(1.0 / 3, m.mrr(10), 1e-15);
        assertEquals(1.0 / 3, m.mrr(20), 1e-15);
        assertEquals(0.5, m.ndcg(10), 1e-15);   // 1 / log2(3 + 1)
        assertEquals(0.5, m.ndcg(20), 1e-15);
    }

    @Test
    void averagesOverTargetsAndCutsTheListAtTen() {
        RankingMetrics m = new RankingMetrics();
        m.add(listWith("t", 2, 20), "t");      // rank 3
        m.add(listWith("y", 0, 20), "absent"); // miss
        m.add(listWith("t", 14, 20), "t");     // rank 15: only @20

        assertEquals(3, m.targets());
        assertEquals(1, m.hits(10));
        assertEquals(2, m.hits(20));
        assertEquals(1.0 / 3, m.hr(10), 1e-15);
        assertEquals(2.0 / 3, m.hr(20), 1e-15);
        assertEquals((1.0 / 3) / 3, m.mrr(10), 1e-15);
        assertEquals((1.0 / 3 + 1.0 / 15) / 3, m.mrr(20), 1e-15);
        assertEquals(0.5 / 3, m.ndcg(10), 1e-15);
        assertEquals((0.5 + 0.25) / 3, m.ndcg(20), 1e-15);  // 1 / log2(15 + 1) = 1/4

        Map<String, Object> map = m.toMap();
        assertEquals(List.of("hits@10", "hr@10", "mrr@10", "ndcg@10", "hits@20", "hr@20", "mrr@20", "ndcg@20"),
                new ArrayList<>(map.keySet()));
        assertEquals(2L, map.get("hits@20"));
    }

    @Test
    void noTargetsGiveZeros() {
        RankingMetrics m = new RankingMetrics();
        assertEquals(0.0, m.hr(20));
        assertEquals(0.0, m.mrr(10));
        assertEquals(0.0, m.ndcg(20));
    }

    @Test
    void log2MatchesPythonBitForBit() {
        assertEquals(1.584962500721156, RankingMetrics.log2(3));  // math.log2(3)
        assertEquals(0.6309297535714575, 1.0 / RankingMetrics.log2(3));
        assertEquals(4.0, RankingMetrics.log2(16));
        assertEquals(4.392317422778761, RankingMetrics.log2(21));  // math.log2(21)
    }

    // ---- protocol ----

    @Test
    void eventFilterAndTargetRule() throws IOException {
        assertTrue(PrequentialProtocol.counts("view", "u", "i", PrequentialProtocol.MIN_TS));
        assertFalse(PrequentialProtocol.counts("view", "u", "i", PrequentialProtocol.MIN_TS - 1));
        assertFalse(PrequentialProtocol.counts("search", "u", "i", T));
        assertFalse(PrequentialProtocol.counts("view", "", "i", T));
        assertFalse(PrequentialProtocol.counts("view", "u", null, T));
        assertNull(PrequentialProtocol.countedEvent(MAPPER.readTree("{\"ts\":15000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}")));
        assertNull(PrequentialProtocol.countedEvent(MAPPER.readTree("{\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}")));
        PrequentialProtocol.Event e = PrequentialProtocol.countedEvent(
                MAPPER.readTree("{\"ts\":1500000000000,\"type\":\"cart\",\"user\":7,\"item\":\"i\",\"x\":1}"));
        assertNotNull(e);
        assertEquals("7", e.user());
        assertEquals(3.0, e.weight());

        PrequentialProtocol p = new PrequentialProtocol();
        assertFalse(p.next("u", "a"));  // first event of the user
        p.learn("u", "a");
        assertFalse(p.next("u", "a"));  // seen before
        p.learn("u", "a");
        assertTrue(p.next("u", "b"));
        p.learn("u", "b");
        assertEquals(3, p.events());
        assertEquals(1, p.targets());
    }

    // ---- popular ----

    @Test
    void popularTieOrderIsFirstInsertionWithReinsertionAfterRemoval() {
        PopularBaseline pop = new PopularBaseline(1);  // keeps 1 + 200
        pop.learn("u1", "A", "view", T);
        pop.learn("u2", "B", "view", T);
        pop.learn("u3", "C", "view", T);
        pop.refresh();
        assertEquals(List.of("A", "B", "C"), pop.ranking());

        pop.learn("u4", "C", "cart", T + H);
        pop.learn("u5", "B", "view", T + H);
        pop.refresh();
        assertEquals(List.of("C", "B", "A"), pop.ranking());

        // 25 h later the three events at T leave the window: A drops to zero and is removed
        pop.learn("u6", "D", "view", T + 25 * H);
        assertEquals(List.of("B", "C", "D"), pop.tableOrder());
        assertEquals(3.0, pop.count("C"));
        pop.learn("u7", "A", "view", T + 25 * H);  // A comes back at the end of the table
        assertEquals(List.of("B", "C", "D", "A"), pop.tableOrder());
        pop.refresh();
        assertEquals(List.of("C", "B", "D", "A"), pop.ranking());

        pop.learn("u8", "E", "view", T + 26 * H + 1);  // the events at T + 1 h leave: B and C are removed
        assertEquals(List.of("D", "A", "E"), pop.tableOrder());
        pop.refresh();
        assertEquals(List.of("D", "A", "E"), pop.ranking());
        assertEquals(List.of("A", "E"), pop.recommend("u6", 2));  // u6 has seen D
        assertEquals(List.of("D"), pop.recommend("u1", 1));

        PopularBaseline cut = new PopularBaseline(1, 2, 500, PopularBaseline.DEFAULT_WINDOW_MS);  // keeps 3
        for (String[] ev : new String[][] {{"B", "view"}, {"C", "cart"}, {"D", "view"}, {"A", "view"}}) {
            cut.learn("u", ev[0], ev[1], T);
        }
        cut.refresh();
        assertEquals(List.of("C", "B", "D"), cut.ranking());
    }

    @Test
    void popularRefreshesBeforeTheTestOfEvery500thEvent() {
        PopularBaseline pop = new PopularBaseline(20);
        assertTrue(pop.beforeTest(1));
        assertFalse(pop.beforeTest(2));
        assertFalse(pop.beforeTest(500));
        assertTrue(pop.beforeTest(501));
        assertTrue(pop.beforeTest(1001));

        pop.learn("u", "A", "view", T);
        assertEquals(List.of(), pop.recommend("v", 20));  // unchanged until the next refresh
        pop.beforeTest(1002);
        assertEquals(List.of(), pop.recommend("v", 20));
        pop.beforeTest(1501);
        assertEquals(List.of("A"), pop.recommend("v", 20));
    }

    @Test
    void popularRefreshIsAStableSortByCount() {
        Random rnd = new Random(42);
        PopularBaseline pop = new PopularBaseline(3, 7, 500, 50);  // keeps 10, 50 ms window
        String[] types = {"view", "click", "fav", "cart", "purchase"};
        long ts = T;
        for (int n = 0; n < 5000; n++) {
            ts += rnd.nextInt(4);
            pop.learn("u" + rnd.nextInt(20), "i" + rnd.nextInt(60), types[rnd.nextInt(types.length)], ts);
            if (n % 7 == 0) {
                pop.refresh();
                List<String> all = new ArrayList<>(pop.tableOrder());
                all.sort((a, b) -> Double.compare(pop.count(b), pop.count(a)));  // List.sort is stable
                assertEquals(all.subList(0, Math.min(10, all.size())), pop.ranking(), "after event " + n);
            }
        }
    }

    // ---- covisit ----

    @Test
    void covisitServesNeighboursOfTheRecentHistoryThenFills() {
        CoVisitBaseline co = new CoVisitBaseline(null);
        co.learn("u1", "A", "view", T);
        co.learn("u1", "B", "view", T);
        co.learn("u1", "C", "view", T);
        co.learn("u2", "B", "view", T);
        co.learn("u2", "D", "purchase", T);
        co.learn("u3", "B", "view", T);

        assertEquals(Map.of("A", 1.0, "C", 1.0, "D", 4.0), co.neighbours("B"));
        assertEquals(List.of("D", "A", "C"), new ArrayList<>(co.neighbours("B").keySet()));
        assertEquals(List.of("D", "A"), co.recommend("u3", 2, List.of()));
        assertEquals(List.of("D", "A", "C", "X", "Y"), co.recommend("u3", 5, List.of("X", "A", "Y", "Z")));
        // u1 (history A, B, C; seen all three): C at d=0 gives A 1, B 1; B at d=1 gives D 4/2, A 1/2, C 1/2;
        // A at d=2 gives B 1/3, C 1/3 -> only D is unseen
        assertEquals(List.of("D", "X"), co.recommend("u1", 2, List.of("X")));
        assertEquals(List.of(), co.recommend("nobody", 2, List.of()));
        assertEquals(List.of("X"), co.recommend("nobody", 2, List.of("X")));
    }

    @Test
    void covisitHistoryKeepsRepeatsAndPairsWithTheLastFive() {
        CoVisitBaseline co = new CoVisitBaseline(null);
        for (String i : new String[] {"A", "B", "A", "C", "D", "E", "F", "G"}) {
            co.learn("u", i, "view", T);
        }
        assertEquals(List.of("A", "B", "A", "C", "D", "E", "F", "G"), co.history("u"));
        // F was paired with the last five entries B, A, C, D, E; G with A, C, D, E, F (B is too far back)
        assertEquals(1.0, co.pairCount("F", "B"));
        assertEquals(1.0, co.pairCount("G", "A"));
        assertEquals(0.0, co.pairCount("G", "B"));
        assertEquals(0.0, co.pairCount("B", "G"));
        // C was learned with history A, B, A: the repeated A paired twice
        assertEquals(2.0, co.pairCount("A", "C"));
        assertEquals(2.0, co.pairCount("C", "A"));
        // B after A, then A after A, B: co[A][B] grew twice (the A == A entry is skipped)
        assertEquals(2.0, co.pairCount("A", "B"));
        assertEquals(0.0, co.pairCount("A", "A"));

        for (int n = 0; n < 30; n++) {
            co.learn("v", "i" + n, "view", T);
        }
        List<String> h = co.history("v");
        assertEquals(20, h.size());
        assertEquals("i10", h.get(0));
        assertEquals("i29", h.get(19));
    }

    @Test
    void topNeighboursMatchMostCommonIncludingTieOrder() {
        Random rnd = new Random(7);
        int cap = 4;
        CoVisitBaseline co = new CoVisitBaseline(null, 20, 5, 3, cap);
        Map<String, LinkedHashMap<String, Double>> mirror = new LinkedHashMap<>();
        Map<String, List<String>> hist = new LinkedHashMap<>();
        double[] weights = {1, 1, 2, 3, 4};
        for (int n = 0; n < 4000; n++) {
            String u = "u" + rnd.nextInt(30);
            String i = "i" + rnd.nextInt(25);
            double w = weights[rnd.nextInt(weights.length)];
            co.learn(u, i, w);
            List<String> h = hist.computeIfAbsent(u, x -> new ArrayList<>());
            for (String j : new ArrayList<>(h.subList(Math.max(0, h.size() - 5), h.size()))) {
                if (!j.equals(i)) {
                    mirror.computeIfAbsent(j, x -> new LinkedHashMap<>()).merge(i, w, Double::sum);
                    mirror.computeIfAbsent(i, x -> new LinkedHashMap<>()).merge(j, w, Double::sum);
                }
            }
            h.add(i);
            if (h.size() > 20) {
                h.remove(0);
            }
            if (n % 11 == 0) {
                for (Map.Entry<String, LinkedHashMap<String, Double>> e : mirror.entrySet()) {
                    List<Map.Entry<String, Double>> all = new ArrayList<>(e.getValue().entrySet());
                    all.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));  // stable
                    Map<String, Double> expected = new LinkedHashMap<>();
                    for (Map.Entry<String, Double> x : all.subList(0, Math.min(cap, all.size()))) {
                        expected.put(x.getKey(), x.getValue());
                    }
                    assertEquals(new ArrayList<>(expected.entrySet()),
                            new ArrayList<>(co.neighbours(e.getKey()).entrySet()), "item " + e.getKey() + " at " + n);
                }
            }
        }
    }

    // ---- evaluator ----

    @Test
    void evaluatorCountsEventsAndTargetsOnATinySequence() {
        BaselineEvaluator ev = new BaselineEvaluator(20);
        assertFalse(ev.accept(15_000L, "view", "u1", "A"));  // before 2000: not counted
        assertFalse(ev.accept(T, "search", "u1", "A"));
        assertTrue(ev.accept(T, "view", "u1", "A"));
        assertTrue(ev.accept(T, "view", "u1", "B"));  // target; nothing to serve yet
        assertTrue(ev.accept(T, "view", "u2", "A"));
        assertTrue(ev.accept(T, "view", "u2", "B"));  // target: covisit serves B (co[A][B] = 1)
        assertTrue(ev.accept(T, "view", "u2", "A"));  // seen: not a target
        BaselineEvaluator.Result r = ev.result("tiny");
        assertEquals(5, r.events());
        assertEquals(2, r.targets());
        assertEquals(0, r.popular().hits(20));  // the ranking was taken at event 1, when it was empty
        assertEquals(1, r.covisit().hits(20));
        assertEquals(0.5, r.covisit().hr(20));
        assertEquals(0.5, r.covisit().mrr(10));
        assertEquals(List.of("file", "events", "targets", "k", "popular", "covisit"),
                new ArrayList<>(r.toMap().keySet()));
    }
}
