package io.shoprank.job;

import org.apache.flink.api.common.state.StateTtlConfig;

import java.time.Duration;

/**
 * The state TTL every keyed state of the job uses: wall-clock (processing) time, refreshed on write, expired
 * values never returned and removed by RocksDB compaction. Wall-clock so that a replay of old data ages state
 * like live traffic does.
 */
public final class StateTtl {
    private StateTtl() {}

    public static StateTtlConfig of(Duration ttl) {
        return StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }
}
