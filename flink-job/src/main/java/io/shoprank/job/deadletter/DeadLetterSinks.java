package io.shoprank.job.deadletter;

import io.shoprank.job.JobConfig;
import io.shoprank.job.events.DeadLetter;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.nio.charset.StandardCharsets;

/** Where dead letters go: a Kafka topic in Kafka mode, JSON-lines part files in a directory otherwise. */
public final class DeadLetterSinks {
    private DeadLetterSinks() {}

    public static void attach(DataStream<DeadLetter> deadLetters, JobConfig config) {
        if (config.source == JobConfig.SourceKind.KAFKA) {
            KafkaSink<DeadLetter> sink = KafkaSink.<DeadLetter>builder()
                    .setBootstrapServers(config.kafkaBootstrap)
                    .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                    .setKafkaProducerConfig(config.kafkaClientProperties())
                    .setRecordSerializer(KafkaRecordSerializationSchema.<DeadLetter>builder()
                            .setTopic(config.deadLetterTopic)
                            .setValueSerializationSchema(new DeadLetterSerializer())
                            .build())
                    .build();
            deadLetters.sinkTo(sink).name("dead letters -> kafka:" + config.deadLetterTopic).uid("dead-letter-kafka");
        } else {
            Path dir = config.deadLetterPath.contains("://") ? new Path(config.deadLetterPath)
                    : new Path(new java.io.File(config.deadLetterPath).getAbsoluteFile().toURI());
            FileSink<DeadLetter> sink = FileSink.forRowFormat(dir, fileEncoder()).build();
            deadLetters.sinkTo(sink).name("dead letters -> " + config.deadLetterPath).uid("dead-letter-file");
        }
    }

    /** The file sink's record format: one {@link DeadLetterJson} object a line (what {@link DeadLetterReplay} reads). */
    static Encoder<DeadLetter> fileEncoder() {
        return (d, out) -> {
            out.write(DeadLetterJson.toJson(d).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        };
    }
}
