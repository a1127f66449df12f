package io.shoprank.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/**
 * The runtime settings the job needs wherever it runs (MiniCluster, tests, Kubernetes): embedded RocksDB
 * with incremental checkpoints, retained on cancellation, and no silent fallback to Kryo.
 */
public final class RuntimeSettings {
    private RuntimeSettings() {}

    public static Configuration of(JobConfig config) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // most point reads ask for keys that do not exist yet (a user's first view of an item waiting for its
        // label, a new co-visitation pair): a Bloom filter answers those without reading a block
        c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        // timers on the heap (Flink's documented alternative to timers in RocksDB, where each is a put and a
        // delete feeding compaction; the trending stage sets its timers again with every event): +10-12 % events/s
        // at every --models level (docs/BENCHMARKS.md). Bounded: one per item with views waiting for their label,
        // per user with a short list (at most 20 refreshes), per trending key, and the updater's epoch timer.
        c.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval);
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir);
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // while Redis is down the sink blocks and checkpoints cannot complete: that must not fail the job
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }
}
