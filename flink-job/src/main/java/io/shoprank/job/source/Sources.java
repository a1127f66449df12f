package io.shoprank.job.source;

import io.shoprank.job.JobConfig;
import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The job's inputs: behaviour events and catalog records, from replay files or Kafka topics, already parsed
 * and with event-time watermarks, unioned into one stream of {@link ParsedRecord}s. A replay file can be paced
 * ({@code --speedup}, {@code --rate}) and repeated ({@code --repeat}); see {@link JsonLinesFormat}.
 */
public final class Sources {
    private Sources() {}

    public static DataStream<ParsedRecord> records(StreamExecutionEnvironment env, JobConfig config) {
        DataStream<ParsedRecord> events;
        DataStream<ParsedRecord> items = null;
        var eventWatermarks = EventTimeWatermarks.forEvents(config.outOfOrderness, config.idleness);
        if (config.source == JobConfig.SourceKind.KAFKA) {
            events = env.fromSource(kafka(config, config.eventsTopic), eventWatermarks, "kafka:" + config.eventsTopic)
                    .uid("source-events");
            items = env.fromSource(kafka(config, config.itemsTopic), EventTimeWatermarks.forCatalog(),
                    "kafka:" + config.itemsTopic).uid("source-items");
        } else {
            events = env.fromSource(file(config.eventsPath,
                            new JsonLinesFormat("events", config.speedup, config.rate, config.repeat)), eventWatermarks,
                    "replay:" + new java.io.File(config.eventsPath).getName()).uid("source-events");
            if (config.itemsPath != null) {
                // the catalog is repeated with the events (its item ids get the same pass suffixes), never paced
                items = env.fromSource(file(config.itemsPath, new JsonLinesFormat("items", 0, 0, config.repeat)),
                        EventTimeWatermarks.forCatalog(),
                        "replay:" + new java.io.File(config.itemsPath).getName()).uid("source-items");
            }
        }
        return items == null ? events : events.union(items);
    }

    private static FileSource<ParsedRecord> file(String path, JsonLinesFormat format) {
        Path p = path.contains("://") ? new Path(path) : new Path(new java.io.File(path).getAbsoluteFile().toURI());
        return FileSource.forBulkFileFormat(format, p).build();
    }

    private static KafkaSource<ParsedRecord> kafka(JobConfig config, String topic) {
        return KafkaSource.<ParsedRecord>builder()
                .setBootstrapServers(config.kafkaBootstrap)
                .setTopics(topic)
                .setGroupId(config.kafkaGroup)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new KafkaRecordParser())
                .setProperties(config.kafkaClientProperties())
                .build();
    }
}
