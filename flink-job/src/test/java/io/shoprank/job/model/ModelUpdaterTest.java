package io.shoprank.job.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.job.model.embedding.BprExample;
import io.shoprank.job.model.embedding.EmbeddingRow;
import io.shoprank.job.model.embedding.FismBpr;
import io.shoprank.job.model.embedding.ItemEmbeddings;
import io.shoprank.job.model.ftrl.FtrlProximal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The single model updater: per-epoch versioned deltas released by the watermark, holding only what changed,
 * the guard's rollback, and snapshot/restore.
 */
class ModelUpdaterTest {

    private static final long EPOCH_MS = 10_000;
    private static final int DIM = 1024;
    private static final int EMBEDDING_DIM = 4;
    /** Ends of epochs 5, 6 and 7: the watermark reaching one fires the updater's timer. */
    private static final long END5 = 6 * EPOCH_MS - 1;
    private static final long END6 = 7 * EPOCH_MS - 1;
    private static final long END7 = 8 * EPOCH_MS - 1;

    private final List<KeyedOneInputStreamOperatorTestHarness<Byte, TrainingExample, ModelDelta>> harnesses =
            new ArrayList<>();
    private final List<MockEnvironment> environments = new ArrayList<>();
    private final Map<String, Metric> metrics = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() throws Exception {
        for (var h : harnesses) h.close();
        for (MockEnvironment e : environments) e.close();
    }

    private static JobConfig config() {
        JobConfig c = new JobConfig();
        c.modelEpoch = Duration.ofMillis(EPOCH_MS);
        c.conversionDimension = DIM;
        c.embeddingDim = EMBEDDING_DIM;
        c.embeddingItems = 1000;
        c.modelSeed = 42;
        return c;
    }

    private KeyedOneInputStreamOperatorTestHarness<Byte, TrainingExample, ModelDelta> newHarness(MockEnvironment env)
            throws Exception {
        KeyedProcessOperator<Byte, TrainingExample, ModelDelta> op = new KeyedProcessOperator<>(new ModelUpdater(config()));
        var h = env == null
                ? new KeyedOneInputStreamOperatorTestHarness<>(op, (TrainingExample e) -> (byte) 0, Types.BYTE)
                : new KeyedOneInputStreamOperatorTestHarness<>(op, (TrainingExample e) -> (byte) 0, Types.BYTE, env);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        harnesses.add(h);
        return h;
    }

    private KeyedOneInputStreamOperatorTestHarness<Byte, TrainingExample, ModelDelta> open() throws Exception {
        var h = newHarness(null);
        h.open();
        return h;
    }

    /** A harness whose metrics are recorded in {@link #metrics} by name. */
    private KeyedOneInputStreamOperatorTestHarness<Byte, TrainingExample, ModelDelta> openWithMetrics() throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> metrics.put(name, metric))
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), "job")
                .addTask(ExecutionAttemptID.randomId(), "updater");
        MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(task).build();
        environments.add(env);
        var h = newHarness(env);
        h.open();
        return h;
    }

    private long counter(String name) {
        Metric m = metrics.get(name);
        assertNotNull(m, "metric " + name);
        return ((Counter) m).getCount();
    }

    // --- inputs

    private static TrainingExample conv(boolean label, long ts, int... idx) {
        float[] val = new float[idx.length];
        Arrays.fill(val, 1f);
        return TrainingExample.conversion(idx, val, label, ts);
    }

    private static TrainingExample inter(String[] ctx, String pos, String[] neg, long ts) {
        return TrainingExample.interaction(ctx, pos, neg, ts);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<Byte, TrainingExample, ModelDelta> h,
                             TrainingExample... es) throws Exception {
        for (TrainingExample e : es) h.processElement(e, e.ts);
    }

    /** The same examples, applied by hand with the updater's hyper-parameters. */
    private static final class Mirror {
        final FtrlProximal ftrl = new FtrlProximal(DIM, ModelUpdater.FTRL_ALPHA, ModelUpdater.FTRL_BETA,
                ModelUpdater.FTRL_L1, ModelUpdater.FTRL_L2);
        final ItemEmbeddings embeddings = new ItemEmbeddings(EMBEDDING_DIM, 1000, 42);
        final FismBpr bpr = new FismBpr(ModelUpdater.BPR_LEARNING_RATE, ModelUpdater.BPR_REGULARISATION);

        /** Applies one epoch (conversion examples one by one, interactions as one mini-batch). */
        ModelDelta epoch(long epoch, long version, TrainingExample... es) {
            List<BprExample> batch = new ArrayList<>();
            for (TrainingExample e : es) {
                if (e.kind == TrainingExample.Kind.CONVERSION) ftrl.update(e.idx, e.val, e.label);
                else batch.add(new BprExample(e.context, e.positive, e.negatives));
            }
            if (!batch.isEmpty()) bpr.step(embeddings, batch);
            int[] idx = ftrl.drainChanged();
            return new ModelDelta(epoch, version, idx, ftrl.weights(idx),
                    embeddings.drainChanged().toArray(new EmbeddingRow[0]));
        }
    }

    private static void assertDelta(ModelDelta expected, ModelDelta actual) {
        assertEquals(expected.epoch, actual.epoch, "epoch");
        assertEquals(expected.version, actual.version, "version");
        assertArrayEquals(expected.weightIdx, actual.weightIdx, "changed weights");
        assertArrayEquals(expected.weightVal, actual.weightVal, 1e-7f, "weights");
        assertRows(expected.rows, actual.rows);
    }

    private static void assertRows(EmbeddingRow[] expected, EmbeddingRow[] actual) {
        assertEquals(items(expected), items(actual), "changed rows");
        EmbeddingRow[] e = sorted(expected);
        EmbeddingRow[] a = sorted(actual);
        for (int k = 0; k < e.length; k++) {
            assertArrayEquals(e[k].p, a[k].p, 1e-6f, e[k].item + ".p");
            assertArrayEquals(e[k].q, a[k].q, 1e-6f, e[k].item + ".q");
            assertEquals(e[k].b, a[k].b, 1e-6f, e[k].item + ".b");
        }
    }

    private static EmbeddingRow[] sorted(EmbeddingRow[] rows) {
        EmbeddingRow[] s = rows.clone();
        Arrays.sort(s, Comparator.comparing(r -> r.item));
        return s;
    }

    private static List<String> items(EmbeddingRow[] rows) {
        return Arrays.stream(sorted(rows)).map(r -> r.item).toList();
    }

    // --- epoch 5's input, and epoch 6's

    private static TrainingExample[] epoch5() {
        long t = 5 * EPOCH_MS;
        return new TrainingExample[] {
            conv(true, t + 1_000, 1, 5, 9),
            inter(new String[] {"a", "b"}, "c", new String[] {"d"}, t + 1_500),
            conv(true, t + 2_000, 1, 5, 9),
            conv(false, t + 3_000, 1, 7),
            conv(true, t + 4_000, 1, 5),
            inter(new String[] {"a"}, "b", new String[] {"c", "d"}, t + 5_000),
        };
    }

    private static TrainingExample[] epoch6() {
        long t = 6 * EPOCH_MS;
        return new TrainingExample[] {
            conv(false, t + 100, 5, 20),
            inter(new String[] {"c"}, "e", new String[] {"f"}, t + 200),
            conv(true, t + 300, 5, 20),
        };
    }

    @Test
    void oneDeltaPerEpochOnceTheWatermarkPassesItsEnd() throws Exception {
        var h = open();
        send(h, epoch5());

        h.processWatermark(END5 - 1);
        assertTrue(h.extractOutputValues().isEmpty(), "epoch 5 is still open");

        h.processWatermark(END5);

        List<ModelDelta> out = h.extractOutputValues();
        assertEquals(1, out.size());
        ModelDelta expected = new Mirror().epoch(5, 1, epoch5());
        assertDelta(expected, out.get(0));
        assertArrayEquals(new int[] {1, 5, 7, 9}, out.get(0).weightIdx);
        assertEquals(List.of("a", "b", "c", "d"), items(out.get(0).rows));
        assertTrue(out.get(0).weightVal[0] != 0, "the bias-like coordinate 1 moved past the L1 threshold");

        h.processWatermark(END5 + EPOCH_MS);
        assertEquals(1, h.extractOutputValues().size(), "no input, no timer, no delta");
    }

    @Test
    void theNextEpochCarriesOnlyWhatChangedSince() throws Exception {
        var h = open();
        Mirror m = new Mirror();
        ModelDelta first = m.epoch(5, 1, epoch5());
        ModelDelta second = m.epoch(6, 2, epoch6());
        send(h, epoch5());
        h.processWatermark(END5);

        send(h, epoch6());
        h.processWatermark(END6);

        List<ModelDelta> out = h.extractOutputValues();
        assertEquals(2, out.size());
        assertDelta(first, out.get(0));
        assertDelta(second, out.get(1));
        assertArrayEquals(new int[] {5, 20}, out.get(1).weightIdx);
        assertEquals(List.of("c", "e", "f"), items(out.get(1).rows), "c as context (P), e and f as targets");
    }

    @Test
    void examplesAheadOfTheWatermarkGoIntoTheOpenEpochsDelta() throws Exception {
        var h = open();
        send(h, conv(true, 5 * EPOCH_MS + 1, 1));
        h.processWatermark(5 * EPOCH_MS + 2);
        send(h, conv(true, 6 * EPOCH_MS + 5, 2)); // epoch 6's, but epoch 5 is still open

        h.processWatermark(END5);

        List<ModelDelta> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(5, out.get(0).epoch);
        assertArrayEquals(new int[] {1, 2}, out.get(0).weightIdx);
    }

    @Test
    void aNonFiniteVersionIsRejectedAndRolledBack() throws Exception {
        var h = openWithMetrics();
        var control = open();
        long t6 = 6 * EPOCH_MS;
        long t7 = 7 * EPOCH_MS;
        TrainingExample bad = TrainingExample.conversion(new int[] {1, 5, 9, 11},
                new float[] {1f, 1f, Float.NaN, 1f}, true, t6 + 100);
        TrainingExample[] epoch7 = {
            conv(false, t7 + 100, 1, 5, 9, 11),
            conv(true, t7 + 200, 1, 11),
            inter(new String[] {"a"}, "b", new String[] {"new"}, t7 + 300),
        };

        send(h, epoch5());
        h.processWatermark(END5);
        // epoch 6: a NaN feature value makes NaN weights; the interaction's rows must be rolled back with them
        send(h, bad, inter(new String[] {"a"}, "b", new String[] {"new", "c"}, t6 + 200));
        h.processWatermark(END6);

        assertEquals(1, h.extractOutputValues().size(), "nothing published for epoch 6");
        assertEquals(1, counter("rejected"));

        send(h, epoch7);
        h.processWatermark(END7);
        // the control never saw epoch 6's input
        send(control, epoch5());
        control.processWatermark(END5);
        control.processWatermark(END6);
        send(control, epoch7);
        control.processWatermark(END7);

        List<ModelDelta> out = h.extractOutputValues();
        assertEquals(2, out.size());
        ModelDelta d = out.get(1);
        assertEquals(7, d.epoch);
        assertEquals(2, d.version, "the rejected version does not count");
        for (float w : d.weightVal) assertTrue(Float.isFinite(w));
        assertDelta(control.extractOutputValues().get(1), d);
        assertEquals(1, counter("rejected"), "one rejection only");
        assertEquals(7, counter("examples"), "4 + 1 + 2 conversion examples");
    }

    @Test
    void aRestoredUpdaterGoesOnLikeTheOriginal() throws Exception {
        var original = open();
        send(original, epoch5());
        original.processWatermark(END5);
        OperatorSubtaskState snapshot = original.snapshot(1L, END5);

        var restored = newHarness(null);
        restored.initializeState(snapshot);
        restored.open();
        for (var h : List.of(original, restored)) {
            send(h, epoch6());
            h.processWatermark(END6);
        }

        List<ModelDelta> a = original.extractOutputValues();
        List<ModelDelta> b = restored.extractOutputValues();
        assertEquals(2, a.size());
        assertEquals(1, b.size());
        assertDelta(a.get(1), b.get(0));
        assertEquals(2, b.get(0).version, "the version count goes on");
    }

    @Test
    void aCheckpointDoesNotMoveTheMiniBatchBoundaries() throws Exception {
        var checkpointed = open();
        var plain = open();
        TrainingExample[] first = {inter(new String[] {"a"}, "g", new String[] {"h"}, 6 * EPOCH_MS + 1)};
        TrainingExample[] second = {inter(new String[] {"g"}, "a", new String[] {"b"}, 6 * EPOCH_MS + 2)};
        send(checkpointed, first);
        send(plain, first);
        checkpointed.snapshot(1L, 6 * EPOCH_MS + 1); // mid-batch: the batch must stay pending
        send(checkpointed, second);
        send(plain, second);
        checkpointed.processWatermark(END6);
        plain.processWatermark(END6);

        // one batch of two examples in both: the same rows, bit for bit (a batch applied at the checkpoint
        // would have trained the second example on different parameters)
        assertDelta(plain.extractOutputValues().get(0), checkpointed.extractOutputValues().get(0));
        EmbeddingRow[] a = plain.extractOutputValues().get(0).rows;
        EmbeddingRow[] b = checkpointed.extractOutputValues().get(0).rows;
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].item, b[i].item);
            assertArrayEquals(a[i].p, b[i].p, 0f);
            assertArrayEquals(a[i].q, b[i].q, 0f);
        }
    }

    @Test
    void aRestoredUpdaterKeepsThePendingMiniBatch() throws Exception {
        var original = open();
        send(original, epoch5());
        original.processWatermark(END5);
        // fewer interactions than a mini-batch: pending at the snapshot, kept in it
        send(original, inter(new String[] {"a"}, "g", new String[] {"h"}, 6 * EPOCH_MS + 1));
        OperatorSubtaskState snapshot = original.snapshot(1L, 6 * EPOCH_MS + 1);

        var restored = newHarness(null);
        restored.initializeState(snapshot);
        restored.open();
        TrainingExample next = inter(new String[] {"g"}, "a", new String[] {"b"}, 6 * EPOCH_MS + 2);
        send(original, next);
        send(restored, next);
        original.processWatermark(END6);
        restored.processWatermark(END6);

        EmbeddingRow[] a = original.extractOutputValues().get(1).rows;
        EmbeddingRow[] b = restored.extractOutputValues().get(0).rows;
        // g's row as trained before the snapshot reaches the restored updater's rows: g is a context item of
        // the next example, so its P row changes again and is published by both with the same values
        EmbeddingRow ga = Arrays.stream(a).filter(r -> r.item.equals("g")).findFirst().orElseThrow();
        EmbeddingRow gb = Arrays.stream(b).filter(r -> r.item.equals("g")).findFirst().orElseThrow();
        assertArrayEquals(ga.p, gb.p, 1e-6f);
        assertArrayEquals(ga.q, gb.q, 1e-6f);
    }

    /**
     * Changes made after the last published version and before a checkpoint are in the snapshot's z/n and
     * rows, but not in what counts as changed: a restored updater never publishes them, so the replicas (which
     * restore only published versions) diverge from the updater until those coordinates change again.
     * Disabled until ModelUpdater checkpoints its unpublished changes (see the report).
     */
    @Test
    void changesBeforeAMidEpochSnapshotArePublishedAfterARestore() throws Exception {
        var original = open();
        send(original, epoch5());
        original.processWatermark(END5);
        send(original, conv(true, 6 * EPOCH_MS + 1, 30),
                inter(new String[] {"a"}, "g", new String[] {"h"}, 6 * EPOCH_MS + 2));
        OperatorSubtaskState snapshot = original.snapshot(1L, 6 * EPOCH_MS + 2);

        var restored = newHarness(null);
        restored.initializeState(snapshot);
        restored.open();
        for (var h : List.of(original, restored)) {
            send(h, conv(false, 6 * EPOCH_MS + 3, 31));
            h.processWatermark(END6);
        }

        ModelDelta a = original.extractOutputValues().get(1);
        assertArrayEquals(new int[] {30, 31}, a.weightIdx);
        assertDelta(a, restored.extractOutputValues().get(0));
    }
}
