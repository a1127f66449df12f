package io.shoprank.job.bench;

import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
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

/** The source's per-line work: parse and validate one canonical JSON line (real Taobao lines). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ParseBenchmark {
    private String[] lines;
    private EventParser parser;
    private int next;

    @Setup
    public void setUp() throws Exception {
        List<String> l = BenchData.lines();
        lines = l.toArray(new String[0]);
        parser = new EventParser();
    }

    @Benchmark
    public ParsedRecord parseLine() {
        String line = lines[next];
        next = next + 1 == lines.length ? 0 : next + 1;
        return parser.parse(line, "events");
    }
}
