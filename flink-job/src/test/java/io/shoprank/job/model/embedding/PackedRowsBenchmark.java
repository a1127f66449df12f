package io.shoprank.job.model.embedding;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Packing an embedding table for a checkpoint ({@link PackedRows#pack}, in the synchronous phase on the task
 * thread of the updater and of ranking subtask 0, every checkpoint) and unpacking it on restore, at the job's
 * 200,000 rows of dimension 16 with ids like the data's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class PackedRowsBenchmark {
    private static final int ROWS = 200_000;
    private static final int DIM = 16;

    private ItemEmbeddings table;
    private EmbeddingTable replicaTable;
    private byte[][] packed;

    @Setup
    public void setUp() {
        table = new ItemEmbeddings(DIM, ROWS, 42);
        for (int i = 0; i < ROWS; i++) table.getOrInit(Integer.toString(1_000_000 + i * 7));
        packed = PackedRows.pack(table.rows());
        replicaTable = new EmbeddingTable(DIM, ROWS);
        for (EmbeddingRow r : table.rows()) replicaTable.put(r.item, r.p, r.q, r.b);
    }

    @Benchmark
    public byte[][] pack() {
        return PackedRows.pack(table.rows());
    }

    /** A ranking replica's table (subtask 0's checkpoint). */
    @Benchmark
    public byte[][] packReplica() {
        return PackedRows.pack(replicaTable);
    }

    @Benchmark
    public List<EmbeddingRow> unpack() {
        return PackedRows.unpack(packed);
    }
}
