package io.shoprank.job.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Aggregates a JFR recording's method samples ({@code jdk.ExecutionSample}: threads running Java code;
 * {@code jdk.NativeMethodSample}: threads in native code, e.g. RocksDB's JNI calls or a socket read) by Flink
 * task (thread name without the subtask suffix), and within each task by the leaf method, by the first
 * {@code io.shoprank} frame from the leaf (the job code responsible, library time included), and by a coarse
 * category of the leaf-most known library frame. Run directly: {@code JfrHotspots file.jfr [top]}.
 */
public final class JfrHotspots {
    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?$");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    /** Coarse categories: the first rule matching a frame, scanning from the leaf, wins. */
    private static final String[][] CATEGORIES = {
        {"org.rocksdb.", "RocksDB (JNI)"},
        {"org.apache.flink.state.rocksdb.", "RocksDB state backend (Flink side)"},
        {"org.apache.flink.contrib.streaming.state.", "RocksDB state backend (Flink side)"},
        {"com.fasterxml.jackson.", "JSON (Jackson)"},
        {"redis.clients.", "Redis client (Jedis)"},
        {"java.util.zip.", "gunzip"},
        {"org.apache.flink.api.common.typeutils.", "Flink serialization"},
        {"org.apache.flink.api.java.typeutils.", "Flink serialization"},
        {"org.apache.flink.core.memory.", "Flink serialization"},
        {"org.apache.flink.types.", "Flink serialization"},
        {"org.apache.flink.runtime.state.", "Flink state (heap/TTL/keyed)"},
        {"org.apache.flink.runtime.io.network.", "Flink network stack"},
        {"org.apache.flink.streaming.runtime.io.", "Flink network stack"},
        {"org.apache.flink.runtime.metrics.", "Flink metrics"},
        {"org.apache.flink.metrics.", "Flink metrics"},
        {"io.shoprank.", "shoprank code"},
        {"org.apache.flink.", "Flink runtime (other)"},
        {"java.net.", "socket I/O"},
        {"sun.nio.", "socket I/O"},
        {"java.", "JDK (other)"},
        {"jdk.", "JDK (other)"},
    };

    public record Count(String name, long samples) {}

    public record Task(String task, long samples, long nativeSamples, List<Count> leaves, List<Count> ownFrames,
                       List<Count> categories, List<Count> nativeLeaves) {}

    public record Summary(long samples, long nativeSamples, List<Task> tasks, List<Count> leaves,
                          List<Count> categories, double gcPauseMs, long gcCount) {}

    private JfrHotspots() {}

    public static Summary summarize(Path jfr, int top) throws IOException {
        Map<String, Map<String, Long>> leaves = new HashMap<>();
        Map<String, Map<String, Long>> own = new HashMap<>();
        Map<String, Map<String, Long>> categories = new HashMap<>();
        Map<String, Map<String, Long>> nativeLeaves = new HashMap<>();
        Map<String, Long> samples = new HashMap<>();
        Map<String, Long> nativeSamples = new HashMap<>();
        Map<String, Long> allLeaves = new HashMap<>();
        Map<String, Long> allCategories = new HashMap<>();
        long total = 0;
        long totalNative = 0;
        double gcPauseMs = 0;
        long gcCount = 0;
        try (RecordingFile f = new RecordingFile(jfr)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.GarbageCollection")) {
                    gcCount++;
                    gcPauseMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
                    continue;
                }
                boolean exec = type.equals("jdk.ExecutionSample");
                if (!exec && !type.equals("jdk.NativeMethodSample")) continue;
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) continue;
                String task = task(thread(e, exec ? "sampledThread" : "sampledThread"));
                String leaf = method(st.getFrames().get(0));
                if (exec) {
                    total++;
                    samples.merge(task, 1L, Long::sum);
                    inc(leaves, task, leaf);
                    allLeaves.merge(leaf, 1L, Long::sum);
                    String ownFrame = "(no shoprank frame)";
                    for (RecordedFrame fr : st.getFrames()) {
                        if (fr.getMethod() != null && fr.getMethod().getType().getName().startsWith("io.shoprank.")) {
                            ownFrame = method(fr);
                            break;
                        }
                    }
                    inc(own, task, ownFrame);
                    String cat = category(st);
                    inc(categories, task, cat);
                    allCategories.merge(cat, 1L, Long::sum);
                } else {
                    totalNative++;
                    nativeSamples.merge(task, 1L, Long::sum);
                    inc(nativeLeaves, task, leaf);
                }
            }
        }
        List<Task> tasks = new ArrayList<>();
        Map<String, Long> allTasks = new HashMap<>(samples);
        nativeSamples.forEach((k, v) -> allTasks.merge(k, 0L, Long::sum));
        for (Count t : sorted(allTasks, Integer.MAX_VALUE)) {
            String name = t.name();
            tasks.add(new Task(name, samples.getOrDefault(name, 0L), nativeSamples.getOrDefault(name, 0L),
                    sorted(leaves.getOrDefault(name, Map.of()), top), sorted(own.getOrDefault(name, Map.of()), top),
                    sorted(categories.getOrDefault(name, Map.of()), top),
                    sorted(nativeLeaves.getOrDefault(name, Map.of()), top)));
        }
        return new Summary(total, totalNative, tasks, sorted(allLeaves, top), sorted(allCategories, 100),
                gcPauseMs, gcCount);
    }

    private static RecordedThread thread(RecordedEvent e, String field) {
        return e.getThread(field);
    }

    /** The Flink task (operator chain) a thread runs: its name without the subtask suffix. */
    static String task(RecordedThread t) {
        if (t == null) return "(unknown thread)";
        String name = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        return normalise(name);
    }

    static String normalise(String threadName) {
        String n = SUBTASK.matcher(threadName).replaceAll("");
        return n.equals(threadName) ? DIGITS.matcher(threadName).replaceAll("N") : n;
    }

    private static String category(RecordedStackTrace st) {
        for (RecordedFrame fr : st.getFrames()) {
            if (fr.getMethod() == null) continue;
            String cls = fr.getMethod().getType().getName();
            for (String[] rule : CATEGORIES) {
                if (cls.startsWith(rule[0]) && !rule[1].startsWith("JDK")) return rule[1];
            }
        }
        for (RecordedFrame fr : st.getFrames()) {
            if (fr.getMethod() == null) continue;
            String cls = fr.getMethod().getType().getName();
            for (String[] rule : CATEGORIES) {
                if (cls.startsWith(rule[0])) return rule[1];
            }
        }
        return "other";
    }

    private static String method(RecordedFrame f) {
        if (f.getMethod() == null) return "(unknown)";
        String cls = f.getMethod().getType().getName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName()
                + " [" + cls.substring(0, Math.max(0, cls.lastIndexOf('.'))) + "]";
    }

    private static void inc(Map<String, Map<String, Long>> m, String task, String key) {
        m.computeIfAbsent(task, t -> new HashMap<>()).merge(key, 1L, Long::sum);
    }

    private static List<Count> sorted(Map<String, Long> m, int top) {
        List<Count> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(new Count(k, v)));
        out.sort((a, b) -> a.samples() != b.samples() ? Long.compare(b.samples(), a.samples()) : a.name().compareTo(b.name()));
        return out.size() > top ? new ArrayList<>(out.subList(0, top)) : out;
    }

    /** A readable report of the summary. */
    public static void print(Summary s, PrintStream out, int minTaskSamples) {
        out.printf("JFR method samples: %,d Java (jdk.ExecutionSample), %,d native (jdk.NativeMethodSample); "
                + "GC: %d collections, %.0f ms paused%n", s.samples(), s.nativeSamples(), s.gcCount(), s.gcPauseMs());
        out.println("\nBy category (leaf-most known library frame), all threads:");
        for (Count c : s.categories()) {
            out.printf("  %5.1f%%  %s%n", 100.0 * c.samples() / Math.max(1, s.samples()), c.name());
        }
        out.println("\nBy task (Flink operator chain), Java samples:");
        for (Task t : s.tasks()) {
            if (t.samples() + t.nativeSamples() < minTaskSamples) continue;
            out.printf("%n  %5.1f%%  %s  (%,d Java samples, %,d native)%n",
                    100.0 * t.samples() / Math.max(1, s.samples()), t.task(), t.samples(), t.nativeSamples());
            out.println("         categories: " + joined(t.categories(), t.samples()));
            out.println("         leaf methods:");
            for (Count c : t.leaves()) {
                out.printf("           %5.1f%%  %s%n", 100.0 * c.samples() / Math.max(1, t.samples()), c.name());
            }
            out.println("         job code responsible (first io.shoprank frame from the leaf):");
            for (Count c : t.ownFrames()) {
                out.printf("           %5.1f%%  %s%n", 100.0 * c.samples() / Math.max(1, t.samples()), c.name());
            }
            if (!t.nativeLeaves().isEmpty()) {
                out.println("         native leaves: " + joined(t.nativeLeaves(), t.nativeSamples()));
            }
        }
    }

    private static String joined(List<Count> counts, long total) {
        StringBuilder b = new StringBuilder();
        for (Count c : counts) {
            if (b.length() > 0) b.append(", ");
            b.append(c.name()).append(String.format(" %.0f%%", 100.0 * c.samples() / Math.max(1, total)));
        }
        return b.toString();
    }

    public static Map<String, Object> toMap(Summary s, int topTasks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("javaSamples", s.samples());
        m.put("nativeSamples", s.nativeSamples());
        m.put("gcCount", s.gcCount());
        m.put("gcPauseMs", Math.round(s.gcPauseMs()));
        List<Map<String, Object>> cats = new ArrayList<>();
        for (Count c : s.categories()) {
            cats.add(Map.of("category", c.name(), "share", round(c.samples(), s.samples())));
        }
        m.put("categories", cats);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (Task t : s.tasks().subList(0, Math.min(topTasks, s.tasks().size()))) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("task", t.task());
            tm.put("share", round(t.samples(), s.samples()));
            List<Map<String, Object>> leaves = new ArrayList<>();
            for (Count c : t.leaves().subList(0, Math.min(5, t.leaves().size()))) {
                leaves.add(Map.of("method", c.name(), "share", round(c.samples(), t.samples())));
            }
            tm.put("topLeafMethods", leaves);
            List<Map<String, Object>> own = new ArrayList<>();
            for (Count c : t.ownFrames().subList(0, Math.min(5, t.ownFrames().size()))) {
                own.add(Map.of("method", c.name(), "share", round(c.samples(), t.samples())));
            }
            tm.put("topJobFrames", own);
            tasks.add(tm);
        }
        m.put("tasks", tasks);
        return m;
    }

    private static double round(long part, long whole) {
        return Math.round(1000.0 * part / Math.max(1, whole)) / 1000.0;
    }

    public static void main(String[] args) throws IOException {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        print(summarize(Path.of(args[0]), top), System.out, 20);
    }
}
