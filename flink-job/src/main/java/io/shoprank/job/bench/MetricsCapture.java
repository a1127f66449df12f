package io.shoprank.job.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A metric reporter that keeps a reference to every metric the MiniCluster registers, so the benchmark reads
 * the job's own counters and histograms in-process, without the REST API's one-second fetch lag and without
 * the histograms' summary windows (see {@link HistogramTap}). Metrics stay readable after their task ends,
 * with their final values. Installed by {@link BenchCluster}; not used by the job itself.
 */
public final class MetricsCapture implements MetricReporter {

    /** One registered metric: where it lives and its full identifier (scope and name, dot-separated). */
    public record Entry(String operator, String task, int subtask, String identifier, Metric metric) {
        /** True when the identifier ends with {@code .suffix} (e.g. {@code redis.freshnessMs}). */
        public boolean is(String suffix) {
            return identifier.endsWith("." + suffix);
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        Map<String, String> vars = group.getAllVariables();
        int subtask = -1;
        try {
            subtask = Integer.parseInt(vars.getOrDefault("<subtask_index>", "-1"));
        } catch (NumberFormatException ignored) {
            // not a task metric
        }
        entries.add(new Entry(vars.getOrDefault("<operator_name>", ""), vars.getOrDefault("<task_name>", ""),
                subtask, group.getMetricIdentifier(name), metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept on purpose: a finished task's counters still hold its final values
    }

    public List<Entry> find(Predicate<Entry> p) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (p.test(e)) out.add(e);
        }
        return out;
    }

    /** Sum of the counters whose identifier ends with {@code .suffix} and whose operator matches. */
    public long sum(String suffix, Predicate<String> operator) {
        long s = 0;
        for (Entry e : entries) {
            if (e.metric() instanceof Counter c && e.is(suffix) && operator.test(e.operator())) {
                s += c.getCount();
            }
        }
        return s;
    }

    public List<Entry> histograms(String suffix) {
        return find(e -> e.metric() instanceof Histogram && e.is(suffix));
    }

    public void clear() {
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
