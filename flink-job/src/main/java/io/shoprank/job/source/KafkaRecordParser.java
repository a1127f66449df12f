package io.shoprank.job.source;

import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Turns each Kafka record into a {@link ParsedRecord}. It never throws: an unreadable value becomes a dead
 * letter whose origin names topic, partition and offset, so one bad record cannot stall a partition.
 */
public final class KafkaRecordParser implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    private transient EventParser parser;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new EventParser();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        if (parser == null) {
            parser = new EventParser();
        }
        String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        String origin = record.topic() + "/" + record.partition() + "@" + record.offset();
        out.collect(parser.parse(value, origin));
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
