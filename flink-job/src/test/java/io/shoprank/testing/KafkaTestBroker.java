package io.shoprank.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker running inside the test JVM (combined broker+controller),
 * so integration tests exercise the actual wire protocol without Docker or an external process.
 *
 * <p>Typical use:
 * <pre>{@code
 * try (KafkaTestBroker kafka = KafkaTestBroker.start()) {
 *     kafka.createTopic("events", 2);
 *     kafka.produce("events", Path.of("/work/shared/data/ms-store.events.jsonl.gz"));
 *     ... run the job against kafka.bootstrapServers() ...
 *     List<String> out = kafka.consume("events-dlq", 1, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class KafkaTestBroker implements AutoCloseable {

    /** How many in-flight sends we allow before blocking on the oldest, to bound memory on big files. */
    private static final int MAX_PENDING_SENDS = 10_000;

    private final Path baseDir;
    private final KafkaClusterTestKit cluster;
    private final Admin admin;
    private KafkaProducer<String, String> producer; // created lazily: many tests only consume

    private KafkaTestBroker(Path baseDir, KafkaClusterTestKit cluster) {
        this.baseDir = baseDir;
        this.cluster = cluster;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        this.admin = Admin.create(props);
    }

    /** Formats and starts the broker; returns once it is registered, unfenced and serving clients. */
    public static KafkaTestBroker start() throws Exception {
        // Our own temp dir (instead of the test kit's default) so close() can guarantee it is gone.
        Path baseDir = Files.createTempDirectory("kafka-test-broker-");
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(1)
                    .setBaseDirectory(baseDir)
                    // The kit defaults to the newest *unstable* metadata version; pin the production one
                    // so tests see the same feature set as the real 4.2 broker in deploy/.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    // Internal topics default to RF 3 / 50 partitions: impossible with one broker, and
                    // slow to create. One partition each keeps group coordination and transactions fast.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                    .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                    // Flink's exactly-once KafkaSink defaults to a 1 h transaction timeout; the broker's
                    // default cap (15 min) would reject it.
                    .setConfigProp("transaction.max.timeout.ms", "3600000")
                    // No point waiting for more consumers to join in tests.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // Likewise don't advertise unstable protocol versions (the kit enables them by default).
                    .setConfigProp("unstable.api.versions.enable", "false")
                    .setConfigProp("unstable.feature.versions.enable", "false")
                    .setDeleteOnClose(true)
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaTestBroker(baseDir, cluster);
        } catch (Exception | Error e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            deleteRecursively(baseDir);
            throw e;
        }
    }

    /** Client bootstrap address, e.g. {@code localhost:41234}. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
    public void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        // createTopics returns when the controller committed it; the broker may still be applying the
        // metadata, and consumers that look up partitions right away would otherwise see none.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
                if (d.partitions().size() == partitions
                        && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + name + " has no leaders after 30 s");
            }
            Thread.sleep(50);
        }
    }

    /** Sends string values with null keys and returns once the broker acknowledged all of them. */
    public void produce(String topic, List<String> values) throws Exception {
        List<Future<RecordMetadata>> pending = new ArrayList<>(values.size());
        for (String v : values) {
            pending.add(producer().send(new ProducerRecord<>(topic, null, v)));
        }
        producer().flush();
        awaitAll(pending); // surfaces send errors, which flush() alone would swallow
    }

    /**
     * Streams a JSON-lines file (gzipped if the name ends in {@code .gz}) into a topic, one record per
     * non-blank line, without loading the file into memory. Returns the number of records sent.
     */
    public long produce(String topic, Path jsonl) throws Exception {
        long count = 0;
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(jsonl);
             InputStream in = jsonl.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                pending.add(producer().send(new ProducerRecord<>(topic, null, line)));
                count++;
                if (pending.size() >= MAX_PENDING_SENDS) {
                    awaitAll(pending);
                    pending.clear();
                }
            }
        }
        producer().flush();
        awaitAll(pending);
        return count;
    }

    /**
     * Reads values from the earliest offset of every partition of {@code topic} (no consumer group,
     * so nothing is committed and repeated calls see the same data). Returns as soon as at least
     * {@code minCount} values were read, or whatever was read when {@code timeout} expires, so callers
     * can assert on the size with a useful message. With {@code minCount <= 0} it returns everything
     * up to the end offsets at the time of the call.
     */
    public List<String> consume(String topic, int minCount, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> values = new ArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Never create the topic as a side effect of looking at it; a typo should show up as "no data".
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // Only read committed data: Flink's exactly-once sink writes transactionally, and tests should see
        // what a downstream consumer would see. (Non-transactional records are unaffected.)
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = waitForPartitions(consumer, topic, deadline);
            if (partitions.isEmpty()) {
                return values;
            }
            // assign() rather than subscribe(): no group coordinator round trips, no rebalance delay.
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = minCount <= 0 ? consumer.endOffsets(partitions) : Map.of();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(r.value());
                }
                if (minCount > 0 ? values.size() >= minCount : reached(consumer, end)) {
                    break;
                }
            }
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable c : new AutoCloseable[] {producer, admin, cluster}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        // The test kit deletes its base dir too, but not if shutdown failed half-way; make sure.
        try {
            deleteRecursively(baseDir);
        } catch (IOException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            // Bigger, slightly delayed batches make bulk-loading a data set much faster.
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    private static void awaitAll(Collection<Future<RecordMetadata>> pending) throws Exception {
        for (Future<RecordMetadata> f : pending) {
            f.get();
        }
    }

    private static List<TopicPartition> waitForPartitions(KafkaConsumer<?, ?> consumer, String topic, long deadline)
            throws InterruptedException {
        // The topic may be created concurrently (e.g. by the job under test), so poll for it.
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                return List.of();
            }
            Thread.sleep(100);
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
