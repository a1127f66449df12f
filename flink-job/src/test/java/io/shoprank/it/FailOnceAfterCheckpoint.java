package io.shoprank.it;

import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for recovery tests: in its first execution attempt, once a checkpoint has completed and
 * it has passed on {@code afterRecords} records, it throws, failing the job mid-stream.
 */
final class FailOnceAfterCheckpoint extends RichMapFunction<ParsedRecord, ParsedRecord> implements CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** Test instrumentation only (same JVM as the MiniCluster): how many failures were injected. */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private final long afterRecords;
    private transient long records;
    private transient boolean checkpointed;
    private transient boolean firstAttempt;

    FailOnceAfterCheckpoint(long afterRecords) {
        this.afterRecords = afterRecords;
    }

    @Override
    public void open(OpenContext ctx) {
        firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
    }

    @Override
    public ParsedRecord map(ParsedRecord r) {
        if (firstAttempt && checkpointed && ++records >= afterRecords) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure after " + records + " records");
        }
        return r;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }
}
