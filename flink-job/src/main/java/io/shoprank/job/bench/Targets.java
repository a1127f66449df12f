package io.shoprank.job.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's table: each figure beside its reference (measured in the same run, so the ratio holds on a
 * noisy machine) and, where the issue sets one, its target with PASS or MISS.
 */
final class Targets {
    private Targets() {}

    static List<Map<String, Object>> evaluate(Map<String, Object> phases) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Double full = get(phases, "throughput", "eventsPerSecond");
        Double pass = get(phases, "passthrough", "eventsPerSecond");
        rows.add(row("throughput, full job (events/s)", full, "pass-through job", pass,
                ">=", BenchmarkRunner.TARGET_THROUGHPUT, 0));
        rows.add(row("throughput ratio, full / pass-through", full == null || pass == null ? null : full / pass,
                null, null, ">=", BenchmarkRunner.TARGET_RATIO, 3));

        Double p99 = get(phases, "fresh2000", "freshnessMs", "p99");
        Double passP99 = get(phases, "passthroughfresh", "freshnessMs", "p99");
        Double rate = get(phases, "fresh2000", "offeredRate");
        String at = rate == null ? "" : String.format(" @ %,.0f/s", rate);
        rows.add(row("freshness p50 (ms)" + at, get(phases, "fresh2000", "freshnessMs", "p50"),
                "pass-through job", get(phases, "passthroughfresh", "freshnessMs", "p50"), null, null, 0));
        rows.add(row("freshness p99 (ms)" + at, p99, "pass-through job", passP99,
                "<=", BenchmarkRunner.TARGET_FRESHNESS_P99_MS, 0));
        rows.add(row("freshness max (ms)" + at, get(phases, "fresh2000", "freshnessMs", "max"),
                "pass-through job", get(phases, "passthroughfresh", "freshnessMs", "max"), null, null, 0));
        Double half = get(phases, "freshhalf", "offeredRate");
        String atHalf = half == null ? " @ half max" : String.format(" @ %,.0f/s (half max)", half);
        for (String p : new String[] {"p50", "p99", "max"}) {
            rows.add(row("freshness " + p + " (ms)" + atHalf, get(phases, "freshhalf", "freshnessMs", p),
                    null, null, null, null, 0));
        }

        Double recP50 = get(phases, "fresh2000", "reads", "recommendations", "p50");
        Double recP99 = get(phases, "fresh2000", "reads", "recommendations", "p99");
        rows.add(row("read recommendations(user, 20) p50 (ms)", recP50, "plain GET, same size",
                get(phases, "fresh2000", "reads", "plainGet", "p50"), null, null, 3));
        rows.add(row("read recommendations(user, 20) p99 (ms)", recP99, "plain GET, same size",
                get(phases, "fresh2000", "reads", "plainGet", "p99"), "<=", BenchmarkRunner.TARGET_READ_P99_MS, 3));

        rows.add(row("read recommendations p99 (ms), job stopped", get(phases, "fresh2000", "readsJobStopped",
                "recommendations", "p99"), "plain GET, same size", get(phases, "fresh2000", "readsJobStopped",
                "plainGet", "p99"), null, null, 3));

        rows.add(row("state per user (bytes, savepoint)", get(phases, "throughput", "state", "bytesPerUser"),
                null, null, null, null, 0));
        rows.add(row("state per item (bytes, savepoint)", get(phases, "throughput", "state", "bytesPerItem"),
                null, null, null, null, 0));
        Double heap = get(phases, "throughput", "heapAfterRun", "usedBytes");
        Double heapMax = get(phases, "throughput", "heapAfterRun", "maxBytes");
        rows.add(row("TaskManager heap after the run (MB, after GC)", heap == null ? null : heap / 1e6,
                "JVM max heap", heapMax == null ? null : heapMax / 1e6, null, null, 0));
        Double heapRun = get(phases, "throughput", "heapWhileRunning", "usedBytes");
        rows.add(row("TaskManager heap at the end of the window (MB, after GC)", heapRun == null ? null : heapRun / 1e6,
                "JVM max heap", heapMax == null ? null : heapMax / 1e6, null, null, 0));
        return rows;
    }

    private static Map<String, Object> row(String figure, Double value, String refName, Double ref, String op,
                                           Double target, int digits) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("figure", figure);
        r.put("value", value == null ? null : BenchmarkRunner.round(value, digits));
        r.put("reference", refName);
        r.put("referenceValue", ref == null ? null : BenchmarkRunner.round(ref, digits));
        r.put("ratioToReference", value == null || ref == null || ref == 0 ? null : BenchmarkRunner.round(value / ref, 3));
        if (op != null) {
            r.put("target", op + " " + format(target, digits));
            r.put("ratioToTarget", value == null ? null : BenchmarkRunner.round(value / target, 3));
            r.put("status", value == null ? "NOT RUN"
                    : (op.equals(">=") ? value >= target : value <= target) ? "PASS" : "MISS");
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Double get(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map)) return null;
            o = ((Map<String, Object>) o).get(p);
        }
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private static String format(Double v, int digits) {
        if (v == null) return "-";
        return digits == 0 ? String.format("%,.0f", v) : String.format("%,." + digits + "f", v);
    }

    static void print(List<Map<String, Object>> rows, PrintStream out) {
        String fmt = "%-58s %12s   %-22s %12s %8s   %-10s %8s  %s%n";
        out.printf(fmt, "figure", "value", "reference", "ref value", "ratio", "target", "vs tgt", "status");
        out.println("-".repeat(150));
        for (Map<String, Object> r : rows) {
            int digits = r.get("figure").toString().contains("ratio") ? 3
                    : r.get("figure").toString().startsWith("read") ? 3 : 0;
            out.printf(fmt, r.get("figure"), cell(r.get("value"), digits), r.get("reference") == null ? "" : r.get("reference"),
                    cell(r.get("referenceValue"), digits), cell(r.get("ratioToReference"), 2),
                    r.getOrDefault("target", ""), cell(r.get("ratioToTarget"), 2), r.getOrDefault("status", ""));
        }
    }

    private static String cell(Object v, int digits) {
        if (!(v instanceof Number n)) return "";
        return digits == 0 ? String.format("%,.0f", n.doubleValue()) : String.format("%,." + digits + "f", n.doubleValue());
    }
}
