package io.shoprank.job.bench;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.metrics.MetricRegistryConfiguration;
import org.apache.flink.runtime.metrics.MetricRegistryImpl;
import org.apache.flink.runtime.metrics.ReporterSetup;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A local Flink MiniCluster (one TaskManager in this JVM, like {@code LocalRunner}'s) that the benchmark
 * controls itself: it outlives its job, so the job's checkpoint statistics stay readable after a
 * stop-with-savepoint, and its metric registry reports to a {@link MetricsCapture}.
 */
public final class BenchCluster extends MiniCluster {
    private final MetricsCapture capture;

    private BenchCluster(MiniClusterConfiguration config, MetricsCapture capture) {
        super(config);
        this.capture = capture;
    }

    /**
     * Starts a cluster with {@code slots} task slots, the REST API (dashboard) on {@code restPort} (0: any) and
     * {@code managedMemoryMb} of managed memory (RocksDB's block caches and write buffers, shared by the
     * slots). A local MiniCluster's default is 128 MB, against ~640 MB in a dev TaskManager of k8s/ (2 GB
     * process) and ~2.9 GB in prod: with it RocksDB missed its cache on most reads once state outgrew it.
     */
    public static BenchCluster start(int slots, int restPort, long managedMemoryMb, MetricsCapture capture)
            throws Exception {
        Configuration c = new Configuration();
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMemoryMb));
        c.set(RestOptions.PORT, restPort);
        c.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        c.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        c.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 200); // every checkpoint of a phase, for the analysis
        BenchCluster cluster = new BenchCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(c).setNumTaskManagers(1).setNumSlotsPerTaskManager(slots).build(), capture);
        cluster.start();
        return cluster;
    }

    @Override
    protected MetricRegistryImpl createMetricRegistry(Configuration config, long maximumMessageSizeInBytes) {
        @SuppressWarnings("unchecked")
        ReporterFilter<org.apache.flink.metrics.Metric> all =
                (ReporterFilter<org.apache.flink.metrics.Metric>) ReporterFilter.NO_OP_FILTER;
        return new MetricRegistryImpl(MetricRegistryConfiguration.fromConfiguration(config, maximumMessageSizeInBytes),
                List.of(new ReporterSetup("bench", new MetricConfig(), capture, all, Map.of())));
    }

    /** Submits the dataflow built on {@code env}; the returned client leaves the cluster running when the job ends. */
    public JobClient submit(StreamExecutionEnvironment env, String name) throws Exception {
        var graph = env.getStreamGraph();
        graph.setJobName(name);
        JobID id = submitJob(graph.getJobGraph()).get().getJobID();
        return new MiniClusterJobClient(id, this, Thread.currentThread().getContextClassLoader(),
                MiniClusterJobClient.JobFinalizationBehavior.NOTHING);
    }

    public AccessExecutionGraph graph(JobID id) throws Exception {
        return getExecutionGraph(id).get();
    }
}
