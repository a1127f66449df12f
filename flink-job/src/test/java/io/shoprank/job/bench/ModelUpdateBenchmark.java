package io.shoprank.job.bench;

import io.shoprank.job.events.Event;
import io.shoprank.job.model.Nd4jThreads;
import io.shoprank.job.model.embedding.BprExample;
import io.shoprank.job.model.embedding.FismBpr;
import io.shoprank.job.model.embedding.ItemEmbeddings;
import io.shoprank.job.model.ftrl.FtrlProximal;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The model updater's training steps on the replay file's own interactions: one BPR mini-batch of 64 examples
 * (a user's latest 5 items as context, the next item as positive, 2 sampled negatives; the size the updater
 * uses) and one FTRL-Proximal step over the conversion model's 12 hashed features. Per call; divide the
 * mini-batch by 64 for the cost per interaction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ModelUpdateBenchmark {
    private static final int BATCH = 64;

    private List<BprExample> examples;
    private ItemEmbeddings embeddings;
    private final FismBpr bpr = new FismBpr(0.05, 0.001);
    private final FtrlProximal ftrl = new FtrlProximal(1 << 16, 0.05, 1, 0.5, 1);
    private int[][] ftrlIdx;
    private final float[] ones = new float[12];
    private int next;

    @Setup
    public void setUp() throws Exception {
        if (!Boolean.getBoolean("bench.nd4jDefaultThreads")) Nd4jThreads.useCallingThreadOnly();
        Event[] events = BenchData.itemEvents();
        SplittableRandom r = new SplittableRandom(5);
        Map<String, List<String>> history = new HashMap<>();
        examples = new ArrayList<>();
        for (Event e : events) {
            List<String> h = history.computeIfAbsent(e.user, u -> new ArrayList<>());
            if (!h.isEmpty()) {
                String[] context = h.subList(Math.max(0, h.size() - 5), h.size()).toArray(new String[0]);
                String[] negatives = {events[r.nextInt(events.length)].item, events[r.nextInt(events.length)].item};
                examples.add(new BprExample(context, e.item, negatives));
            }
            h.add(e.item);
        }
        embeddings = new ItemEmbeddings(16, 200_000, 42);
        ftrlIdx = new int[4096][12];
        for (int[] idx : ftrlIdx) for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(1 << 16);
        java.util.Arrays.fill(ones, 1f);
    }

    @Benchmark
    public double bprMiniBatch() {
        if (next + BATCH > examples.size()) next = 0;
        List<BprExample> batch = examples.subList(next, next + BATCH);
        next += BATCH;
        return bpr.step(embeddings, batch);
    }

    @Benchmark
    public double ftrlStep() {
        int[] idx = ftrlIdx[next++ & 4095];
        return ftrl.update(idx, ones, (next & 15) == 0);
    }
}
