package io.shoprank.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoprank.job.eval.EvaluateRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/evaluate.sh's runner, end to end: two runs on the same file at parallelism 1 give identical
 * reports, the system counts exactly the protocol's targets, and the report has the documented shape.
 */
class EvaluateDeterminismIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void twoRunsAtParallelismOneGiveIdenticalReports(@TempDir Path tmp) throws Exception {
        Path file = TestData.file("ms-store.events.jsonl.gz");
        JsonNode first = run(file, tmp.resolve("first"));
        JsonNode second = run(file, tmp.resolve("second"));

        assertEquals(first, second);
        assertEquals(1, first.get("parallelism").asInt());
        assertEquals(11838, first.get("events").asLong());
        assertEquals(first.get("targets").asLong(), first.path("system").get("targets").asLong(),
                "the job's ranking stage counts exactly the protocol's targets");
        for (String method : new String[] {"system", "popular", "covisit"}) {
            for (String metric : new String[] {"hits@10", "hr@10", "mrr@10", "ndcg@10", "hits@20", "hr@20", "mrr@20", "ndcg@20"}) {
                assertTrue(first.path(method).has(metric), method + " lacks " + metric);
            }
        }
        assertTrue(first.path("system").path("cold").has("hr@20") && first.path("system").path("warm").has("hr@20"));
        double coverage = first.path("system").get("coverage").asDouble();
        assertTrue(coverage > 0 && coverage <= 1, "coverage " + coverage);
        assertTrue(Files.size(tmp.resolve("first").resolve("rolling-hr20.png")) > 1000, "chart written");
    }

    private static JsonNode run(Path file, Path out) throws Exception {
        EvaluateRunner.main(new String[] {"--events", file.toString(), "--out", out.toString()});
        return JSON.readTree(out.resolve("report.json").toFile());
    }
}
