package io.shoprank.job.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoprank.job.JobConfig;
import io.shoprank.job.events.DeadLetter;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.source.JsonLinesFiles;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Replays dead letters after a fix: a plain-Java command-line tool (no Flink runtime) run by
 * {@code deploy/replay-dead-letters.sh}.
 *
 * <p>It reads dead letters ({@link DeadLetterJson}, the job's dead-letter format) from the dead-letter topic or
 * from the files the job's file sink wrote, parses each one's original {@code raw} record again with the
 * <em>current</em> {@link EventParser} (the fix being a new build), and sends what now parses to the input
 * topics ({@code events}, catalog records to {@code items}) or to JSON-lines replay files. Nothing read is
 * dropped: dead letters that still fail (with their new reason), late events without {@code --include-late},
 * dead letters outside {@code --reason-filter} and unreadable dead-letter records all go to the remainder, in
 * the dead-letter format, so the remainder can be fed back to this tool after the next fix.
 *
 * <p>From Kafka it is a bounded catch-up: it reads from the offsets committed under {@code --group} (the
 * earliest offset the first time) to the end offsets taken at start, and commits each batch's offsets only
 * after that batch's output and remainder are flushed (at least once: a crash between the two replays at most
 * one batch again). A second run therefore does not replay the same dead letters twice. {@code --dry-run}
 * writes nothing and commits nothing.
 */
public final class DeadLetterReplay {
    public static final String DEFAULT_GROUP = "shoprank-dlq-replay";
    /** Reason prefix of the dead letters the job writes for late events ({@code RecordRouter}). */
    static final String LATE_PREFIX = "late:";
    static final String LATE_ORIGIN = "late";
    private static final int FILE_BATCH = 1000;
    /** A Kafka read that makes no progress for this long (while not at the end offsets) fails the run. */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeadLetterReplay() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("replay-dead-letters: " + e.getMessage());
            System.err.println();
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(usage());
            return;
        }
        try {
            Summary s = run(options, System.err);
            System.out.print(s.render());
        } catch (IllegalArgumentException e) {
            System.err.println("replay-dead-letters: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("replay-dead-letters: failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    /** Parses {@code args} and runs the replay; progress goes to stderr. */
    public static Summary run(String... args) throws Exception {
        return run(Options.parse(args), System.err);
    }

    public static String usage() {
        return String.join("\n",
                "usage: deploy/replay-dead-letters.sh INPUT OUTPUT REMAINDER [options]",
                "",
                "Parses each dead letter's raw record again with this build's parser and replays what now parses.",
                "",
                "input (one of):",
                "  --from-kafka HOST:PORT       read the dead-letter topic, from the offsets committed under --group",
                "                               (the earliest the first time) to its end offsets at start",
                "    --dlq-topic T              (events-dlq)",
                "    --group ID                 consumer group whose offsets record what was replayed (" + DEFAULT_GROUP + ")",
                "  --from-files PATH            dead-letter files of the job's file mode (--dead-letter-path): a file, or",
                "                               a directory read recursively; hidden in-progress part files are skipped;",
                "                               may be repeated",
                "output (one of; optional with --dry-run):",
                "  --to-kafka HOST:PORT         produce to the input topics",
                "    --topic T                  behaviour events (events)",
                "    --items-topic T            catalog records (items)",
                "  --to-file FILE               behaviour events as a JSON-lines replay file (.gz compresses); must not exist",
                "    --to-items-file FILE       catalog records (FILE with .events. -> .items., else FILE.items.jsonl)",
                "remainder (one of; optional with --dry-run): everything read and not replayed, as dead letters",
                "  --remainder FILE             JSON-lines dead-letter file; must not exist",
                "  --remainder-topic T          topic on the --to-kafka cluster (else the --from-kafka one)",
                "options:",
                "  --dry-run                    only report what would be replayed and what is still invalid, by reason;",
                "                               writes nothing, commits no offsets",
                "  --reason-filter TEXT         only dead letters whose reason contains TEXT (the others go to the remainder)",
                "  --include-late               also replay late events (reason 'late: ...'); see docs/OPERATIONS.md",
                "  --kafka-properties FILE      Kafka client properties (security.protocol, sasl.*, ssl.*), as for the job",
                "  --help");
    }

    // ------------------------------------------------------------------------------------------ options

    /** The command line. */
    public static final class Options {
        String fromKafka;
        String dlqTopic = "events-dlq";
        String group = DEFAULT_GROUP;
        final List<Path> fromFiles = new ArrayList<>();
        String toKafka;
        String topic = "events";
        String itemsTopic = "items";
        Path toFile;
        Path toItemsFile;
        Path remainder;
        String remainderTopic;
        boolean dryRun;
        String reasonFilter;
        boolean includeLate;
        String kafkaProperties;
        boolean help;

        public static Options parse(String... args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--dry-run": o.dryRun = true; continue;
                    case "--include-late": o.includeLate = true; continue;
                    case "--help": case "-h": o.help = true; continue;
                    default: break;
                }
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("expected an option, got: " + a);
                }
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--from-kafka": o.fromKafka = v; break;
                    case "--dlq-topic": o.dlqTopic = v; break;
                    case "--group": o.group = v; break;
                    case "--from-files": o.fromFiles.add(Path.of(v)); break;
                    case "--to-kafka": o.toKafka = v; break;
                    case "--topic": o.topic = v; break;
                    case "--items-topic": o.itemsTopic = v; break;
                    case "--to-file": o.toFile = Path.of(v); break;
                    case "--to-items-file": o.toItemsFile = Path.of(v); break;
                    case "--remainder": o.remainder = Path.of(v); break;
                    case "--remainder-topic": o.remainderTopic = v; break;
                    case "--reason-filter": o.reasonFilter = v; break;
                    case "--kafka-properties": o.kafkaProperties = v; break;
                    default: throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!o.help) {
                o.validate();
            }
            return o;
        }

        private void validate() {
            if ((fromKafka == null) == fromFiles.isEmpty()) {
                throw new IllegalArgumentException("give one input: --from-kafka HOST:PORT or --from-files PATH");
            }
            if (toKafka != null && toFile != null) {
                throw new IllegalArgumentException("give one output: --to-kafka or --to-file, not both");
            }
            if (remainder != null && remainderTopic != null) {
                throw new IllegalArgumentException("give one remainder: --remainder FILE or --remainder-topic T, not both");
            }
            if (toItemsFile != null && toFile == null) {
                throw new IllegalArgumentException("--to-items-file goes with --to-file");
            }
            if (!dryRun) {
                if (toKafka == null && toFile == null) {
                    throw new IllegalArgumentException("give an output (--to-kafka HOST:PORT or --to-file FILE), or --dry-run");
                }
                if (remainder == null && remainderTopic == null) {
                    throw new IllegalArgumentException("give a remainder (--remainder FILE or --remainder-topic T) for "
                            + "what is not replayed, or --dry-run: nothing read is dropped");
                }
                if (remainderTopic != null && remainderBootstrap() == null) {
                    throw new IllegalArgumentException("--remainder-topic needs --to-kafka or --from-kafka (its cluster)");
                }
                if (remainderTopic != null && remainderTopic.equals(topic) && toKafka != null) {
                    throw new IllegalArgumentException("--remainder-topic must not be the events topic");
                }
                Set<Path> distinct = new HashSet<>();
                for (Path p : outputFiles()) {
                    if (Files.exists(p)) {
                        throw new IllegalArgumentException(p + " exists: remove it or choose another name");
                    }
                    if (!distinct.add(p.toAbsolutePath().normalize())) {
                        throw new IllegalArgumentException(p + " is given for two outputs");
                    }
                }
            }
            if (reasonFilter != null && reasonFilter.isEmpty()) {
                throw new IllegalArgumentException("--reason-filter must not be empty");
            }
            for (Path p : fromFiles) {
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("no such file or directory: " + p);
                }
            }
        }

        String remainderBootstrap() {
            return toKafka != null ? toKafka : fromKafka;
        }

        Path itemsFile() {
            if (toItemsFile != null || toFile == null) {
                return toItemsFile;
            }
            String name = toFile.getFileName().toString();
            String items = name.contains(".events.") ? name.replace(".events.", ".items.") : name + ".items.jsonl";
            return toFile.resolveSibling(items);
        }

        private List<Path> outputFiles() {
            List<Path> out = new ArrayList<>();
            if (toFile != null) {
                out.add(toFile);
                out.add(itemsFile());
            }
            if (remainder != null) {
                out.add(remainder);
            }
            return out;
        }

        Properties kafkaClientProperties() {
            JobConfig c = new JobConfig();
            c.kafkaProperties = kafkaProperties;
            return c.kafkaClientProperties();
        }
    }

    // ------------------------------------------------------------------------------------------ summary

    /** What a run did (or, with {@code --dry-run}, would do). */
    public static final class Summary {
        final boolean dryRun;
        String input = "";
        String eventsTarget = "";
        String itemsTarget = "";
        String remainderTarget = "";
        public long read;
        public long replayedEvents;
        public long replayedCatalog;
        public long stillInvalid;
        public long skippedLate;
        public long filteredOut;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        /** Still-invalid dead letters by their current reason (grouped, see {@link #reasonGroup}). */
        public final Map<String, Long> stillInvalidByReason = new TreeMap<>();
        /** Per original reason group: read, replayed, still invalid, skipped. */
        final Map<String, long[]> byOriginalReason = new TreeMap<>();

        Summary(boolean dryRun) {
            this.dryRun = dryRun;
        }

        public long replayed() {
            return replayedEvents + replayedCatalog;
        }

        /** Dead letters that went (or would go) to the remainder. */
        public long remainder() {
            return stillInvalid + skippedLate + filteredOut;
        }

        void count(String originalReason, int column) {
            long[] c = byOriginalReason.computeIfAbsent(reasonGroup(originalReason), k -> new long[4]);
            c[0]++;
            c[column]++;
        }

        public String render() {
            StringBuilder b = new StringBuilder();
            String would = dryRun ? "would be " : "";
            b.append(dryRun ? "DRY RUN: nothing written, no offsets committed\n" : "");
            b.append(String.format("read            %,d dead letters from %s%n", read, input));
            if (!byOriginalReason.isEmpty()) {
                int w = Math.max(24, byOriginalReason.keySet().stream().mapToInt(String::length).max().orElse(0));
                b.append(String.format("  %-" + w + "s %9s %9s %9s %9s%n", "by original reason", "read",
                        dryRun ? "replay" : "replayed", "invalid", "skipped"));
                byOriginalReason.forEach((r, c) -> b.append(String.format("  %-" + w + "s %,9d %,9d %,9d %,9d%n",
                        r, c[0], c[1], c[2], c[3])));
            }
            b.append(String.format("%s %,d: %,d events -> %s, %,d catalog -> %s%n",
                    dryRun ? "would replay   " : "replayed       ", replayed(), replayedEvents, eventsTarget,
                    replayedCatalog, itemsTarget));
            if (replayedEvents > 0) {
                b.append(String.format("  event time %s .. %s (the job dead-letters again as late what is older than "
                        + "its watermark minus --allowed-lateness-ms)%n", Instant.ofEpochMilli(minTs),
                        Instant.ofEpochMilli(maxTs)));
            }
            b.append(String.format("still invalid   %,d%s%n", stillInvalid,
                    stillInvalid > 0 ? " (" + would + "kept in " + remainderTarget + ")" : ""));
            stillInvalidByReason.forEach((r, n) -> b.append(String.format("  %,9d  %s%n", n, r)));
            b.append(String.format("skipped         %,d late without --include-late, %,d not matching --reason-filter%s%n",
                    skippedLate, filteredOut,
                    skippedLate + filteredOut > 0 ? " (" + would + "kept in " + remainderTarget + ")" : ""));
            return b.toString();
        }
    }

    /**
     * Groups reasons for counting: the text before the first {@code ": "} (values such as a timestamp or a JSON
     * error message vary per record), except {@code "missing field: F"}, whose field is kept.
     */
    static String reasonGroup(String reason) {
        if (reason == null) return "(no reason)";
        if (reason.startsWith("missing field: ")) return reason;
        int colon = reason.indexOf(": ");
        return colon < 0 ? reason : reason.substring(0, colon);
    }

    static boolean isLate(DeadLetter d) {
        return LATE_ORIGIN.equals(d.origin) || (d.reason != null && d.reason.startsWith(LATE_PREFIX));
    }

    // ------------------------------------------------------------------------------------------ the run

    static Summary run(Options o, PrintStream log) throws Exception {
        Summary s = new Summary(o.dryRun);
        s.input = o.fromKafka != null ? "kafka:" + o.dlqTopic + " (group " + o.group + ")" : describeFiles(o.fromFiles);
        s.eventsTarget = o.toKafka != null ? "kafka:" + o.topic : o.toFile != null ? o.toFile.toString() : "-";
        s.itemsTarget = o.toKafka != null ? "kafka:" + o.itemsTopic : o.toFile != null ? o.itemsFile().toString() : "-";
        s.remainderTarget = o.remainder != null ? o.remainder.toString()
                : o.remainderTopic != null ? "kafka:" + o.remainderTopic : "-";
        Properties kafkaProps = o.kafkaProperties == null ? new Properties() : o.kafkaClientProperties();
        if (!o.dryRun) {
            checkTopics(o, kafkaProps);
        }
        EventParser parser = new EventParser();
        try (Outputs out = o.dryRun ? null : Outputs.open(o, kafkaProps);
             Input in = o.fromKafka != null ? new KafkaInput(o, kafkaProps, log) : new FileInput(o.fromFiles)) {
            List<Input.Rec> batch;
            while ((batch = in.next()) != null) {
                for (Input.Rec r : batch) {
                    handle(r, o, parser, s, out);
                }
                if (out != null) {
                    out.flush();   // everything of the batch is durable ...
                    in.commit();   // ... before its offsets are committed
                }
            }
        }
        return s;
    }

    private static void handle(Input.Rec r, Options o, EventParser parser, Summary s, Outputs out) throws IOException {
        s.read++;
        DeadLetter d;
        try {
            d = DeadLetterJson.fromJson(r.value());
        } catch (IllegalArgumentException e) {
            DeadLetter unreadable = new DeadLetter(r.where(), "unreadable dead letter: " + e.getMessage(),
                    r.value(), System.currentTimeMillis());
            s.count(unreadable.reason, 2);
            s.stillInvalid++;
            s.stillInvalidByReason.merge(reasonGroup(unreadable.reason), 1L, Long::sum);
            if (out != null) out.remainder(unreadable);
            return;
        }
        if (o.reasonFilter != null && !d.reason.contains(o.reasonFilter)) {
            s.count(d.reason, 3);
            s.filteredOut++;
            if (out != null) out.remainder(d);
            return;
        }
        if (isLate(d) && !o.includeLate) {
            s.count(d.reason, 3);
            s.skippedLate++;
            if (out != null) out.remainder(d);
            return;
        }
        ParsedRecord p = parser.parse(d.raw, d.origin);
        if (p.deadLetter != null) {
            s.count(d.reason, 2);
            s.stillInvalid++;
            s.stillInvalidByReason.merge(reasonGroup(p.deadLetter.reason), 1L, Long::sum);
            // the current reason, the rest as it was: the remainder can be replayed again after the next fix
            if (out != null) out.remainder(new DeadLetter(d.origin, p.deadLetter.reason, d.raw, d.ingestMs));
            return;
        }
        s.count(d.reason, 1);
        if (p.event != null) {
            s.replayedEvents++;
            s.minTs = Math.min(s.minTs, p.event.ts);
            s.maxTs = Math.max(s.maxTs, p.event.ts);
            if (out != null) out.event(d.raw);
        } else {
            s.replayedCatalog++;
            if (out != null) out.catalog(d.raw);
        }
    }

    private static String describeFiles(List<Path> paths) {
        return paths.size() == 1 ? paths.get(0).toString() : paths.size() + " paths";
    }

    /** Fails fast on a missing topic (a send to one would block for a minute per record). */
    private static void checkTopics(Options o, Properties kafkaProps) throws Exception {
        Map<String, Set<String>> byCluster = new LinkedHashMap<>();
        if (o.fromKafka != null) byCluster.computeIfAbsent(o.fromKafka, k -> new LinkedHashSet<>()).add(o.dlqTopic);
        if (o.toKafka != null) byCluster.computeIfAbsent(o.toKafka, k -> new LinkedHashSet<>()).addAll(List.of(o.topic, o.itemsTopic));
        if (o.remainderTopic != null) byCluster.computeIfAbsent(o.remainderBootstrap(), k -> new LinkedHashSet<>()).add(o.remainderTopic);
        for (Map.Entry<String, Set<String>> c : byCluster.entrySet()) {
            Properties p = new Properties();
            p.putAll(kafkaProps);
            p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.getKey());
            try (Admin admin = Admin.create(p)) {
                Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
                Set<String> missing = new LinkedHashSet<>(c.getValue());
                missing.removeAll(existing);
                if (!missing.isEmpty()) {
                    throw new IllegalArgumentException("no such topic on " + c.getKey() + ": " + String.join(", ", missing));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ input

    /** Dead-letter records in batches; {@link #commit} marks everything returned so far as handled. */
    interface Input extends AutoCloseable {
        /** One dead-letter record as read, and where it was read (for an unreadable one). */
        record Rec(String value, String where) {}

        /** The next batch, or null at the end. */
        List<Rec> next() throws IOException;

        void commit();

        @Override
        void close() throws IOException;
    }

    /** The files of the job's file sink: one dead letter a line. */
    static final class FileInput implements Input {
        private final List<Path> files = new ArrayList<>();
        private int fileIndex;
        private BufferedReader reader;
        private long line;

        FileInput(List<Path> paths) throws IOException {
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> walk = Files.walk(p)) {
                        // hidden: the part files a running job is still writing (".part-*.inprogress.*")
                        walk.filter(Files::isRegularFile)
                                .filter(f -> !f.getFileName().toString().startsWith("."))
                                .sorted()
                                .forEach(files::add);
                    }
                } else {
                    files.add(p);
                }
            }
        }

        @Override
        public List<Rec> next() throws IOException {
            List<Rec> batch = new ArrayList<>(FILE_BATCH);
            while (batch.size() < FILE_BATCH) {
                if (reader == null) {
                    if (fileIndex >= files.size()) break;
                    reader = JsonLinesFiles.open(files.get(fileIndex));
                    line = 0;
                }
                String s = reader.readLine();
                if (s == null) {
                    reader.close();
                    reader = null;
                    fileIndex++;
                    continue;
                }
                line++;
                if (!s.isBlank()) {
                    batch.add(new Rec(s, files.get(fileIndex) + ":" + line));
                }
            }
            return batch.isEmpty() ? null : batch;
        }

        @Override
        public void commit() {
            // files have no offsets: replay the remainder file next time, not the same files again
        }

        @Override
        public void close() throws IOException {
            if (reader != null) reader.close();
        }
    }

    /**
     * The dead-letter topic, bounded: from the offsets committed under the group (earliest when there are none)
     * to the end offsets at start. Partitions are assigned, not subscribed: no rebalances, and the offsets are
     * committed under the group all the same.
     */
    static final class KafkaInput implements Input {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<TopicPartition, Long> end;
        private final Set<TopicPartition> open = new HashSet<>();

        KafkaInput(Options o, Properties kafkaProps, PrintStream log) {
            Properties p = new Properties();
            p.putAll(kafkaProps);
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.fromKafka);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, o.group);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(o.dlqTopic, Duration.ofSeconds(60));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalArgumentException("no such topic on " + o.fromKafka + ": " + o.dlqTopic);
                }
                List<TopicPartition> partitions = infos.stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                consumer.assign(partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
                Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
                end = consumer.endOffsets(partitions);
                long toRead = 0;
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata c = committed.get(tp);
                    long start = c == null ? beginning.get(tp) : Math.max(c.offset(), beginning.get(tp));
                    consumer.seek(tp, start);
                    if (start < end.get(tp)) {
                        open.add(tp);
                        toRead += end.get(tp) - start;
                    }
                }
                log.printf("replay-dead-letters: %s, %d partition(s), up to %,d records to read (group %s, end offsets %s)%n",
                        o.dlqTopic, partitions.size(), toRead, o.group, end);
                consumer.pause(difference(partitions, open));
            } catch (RuntimeException e) {
                consumer.close();
                throw e;
            }
        }

        @Override
        public List<Rec> next() {
            long stalledSince = System.nanoTime();
            while (!open.isEmpty()) {
                List<Rec> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp)) {
                        String v = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                        batch.add(new Rec(v, r.topic() + "/" + r.partition() + "@" + r.offset()));
                    }
                }
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition tp : open) {
                    if (consumer.position(tp) >= end.get(tp)) done.add(tp);
                }
                if (!done.isEmpty()) {
                    done.forEach(open::remove);
                    consumer.pause(done);
                }
                if (!batch.isEmpty()) {
                    return batch;
                }
                if (!done.isEmpty()) {
                    stalledSince = System.nanoTime();
                } else if (System.nanoTime() - stalledSince > STALL_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("no progress for " + STALL_TIMEOUT.toSeconds()
                            + " s on partitions " + open + " before their end offsets " + end);
                }
            }
            return null;
        }

        @Override
        public void commit() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : consumer.assignment()) {
                offsets.put(tp, new OffsetAndMetadata(Math.min(consumer.position(tp), end.get(tp))));
            }
            consumer.commitSync(offsets);
        }

        @Override
        public void close() {
            consumer.close();
        }

        private static List<TopicPartition> difference(Collection<TopicPartition> all, Set<TopicPartition> minus) {
            return all.stream().filter(tp -> !minus.contains(tp)).toList();
        }
    }

    // ------------------------------------------------------------------------------------------ outputs

    /** Where replayed records and the remainder go. */
    static final class Outputs implements AutoCloseable {
        private final Map<String, KafkaProducer<String, String>> producers = new LinkedHashMap<>();
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private final Sink events;
        private final Sink catalog;
        private final Sink remainder;

        private Outputs(Options o, Properties kafkaProps) throws IOException {
            if (o.toKafka != null) {
                events = new TopicSink(producer(o.toKafka, kafkaProps), o.topic);
                catalog = new TopicSink(producer(o.toKafka, kafkaProps), o.itemsTopic);
            } else {
                events = new FileSink(o.toFile, true);
                catalog = new FileSink(o.itemsFile(), false); // created only when there is a catalog record
            }
            remainder = o.remainder != null ? new FileSink(o.remainder, true)
                    : new TopicSink(producer(o.remainderBootstrap(), kafkaProps), o.remainderTopic);
        }

        static Outputs open(Options o, Properties kafkaProps) throws IOException {
            return new Outputs(o, kafkaProps);
        }

        void event(String raw) throws IOException {
            events.write(raw);
        }

        void catalog(String raw) throws IOException {
            catalog.write(raw);
        }

        void remainder(DeadLetter d) throws IOException {
            remainder.write(DeadLetterJson.toJson(d));
        }

        /** Makes everything written so far durable; throws if a Kafka send failed. */
        void flush() throws Exception {
            for (KafkaProducer<String, String> p : producers.values()) {
                p.flush();
            }
            Exception failure = sendFailure.get();
            if (failure != null) {
                throw new IOException("a send failed; no offsets committed for this batch", failure);
            }
            events.flush();
            catalog.flush();
            remainder.flush();
        }

        @Override
        public void close() throws Exception {
            Exception failure = null;
            for (AutoCloseable c : List.<AutoCloseable>of(events, catalog, remainder)) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) failure = e; else failure.addSuppressed(e);
                }
            }
            for (KafkaProducer<String, String> p : producers.values()) {
                p.close(Duration.ofSeconds(30));
            }
            if (failure != null) throw failure;
        }

        private KafkaProducer<String, String> producer(String bootstrap, Properties kafkaProps) {
            return producers.computeIfAbsent(bootstrap, b -> {
                Properties p = new Properties();
                p.putAll(kafkaProps);
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
                p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                return new KafkaProducer<>(p);
            });
        }

        private interface Sink extends AutoCloseable {
            void write(String value) throws IOException;

            void flush() throws IOException;

            @Override
            void close() throws IOException;
        }

        private final class TopicSink implements Sink {
            private final KafkaProducer<String, String> producer;
            private final String topic;

            TopicSink(KafkaProducer<String, String> producer, String topic) {
                this.producer = producer;
                this.topic = topic;
            }

            @Override
            public void write(String value) {
                // no key, like the producers of the input topics and the job's dead-letter sink
                producer.send(new ProducerRecord<>(topic, null, value), (md, e) -> {
                    if (e != null) sendFailure.compareAndSet(null, e);
                });
            }

            @Override
            public void flush() {
                // the producer is flushed by Outputs.flush
            }

            @Override
            public void close() {}
        }

        /** A JSON-lines file (gzip when the name ends in .gz), created new; synced to disk on flush. */
        private static final class FileSink implements Sink {
            private final Path path;
            private FileOutputStream file;
            private OutputStream stream;
            private Writer writer;

            FileSink(Path path, boolean eager) throws IOException {
                this.path = path;
                if (eager) open();
            }

            private void open() throws IOException {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                if (Files.exists(path)) throw new IOException(path + " exists");
                file = new FileOutputStream(path.toFile());
                stream = path.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(file, 1 << 16, true) : file;
                writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            }

            @Override
            public void write(String value) throws IOException {
                if (writer == null) open();
                writer.write(oneLine(value));
                writer.write('\n');
            }

            @Override
            public void flush() throws IOException {
                if (writer == null) return;
                writer.flush();
                stream.flush();
                file.getFD().sync();
            }

            @Override
            public void close() throws IOException {
                if (writer != null) writer.close();
            }
        }
    }

    /**
     * A record as one line of a JSON-lines file. A raw record that parsed may still span lines (pretty-printed
     * JSON from Kafka): it is written compact, which the parser reads the same.
     */
    static String oneLine(String value) {
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        try {
            return JSON.readTree(value).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("record spans lines and is not JSON", e);
        }
    }
}
