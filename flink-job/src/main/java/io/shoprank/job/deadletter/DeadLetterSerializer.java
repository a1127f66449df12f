package io.shoprank.job.deadletter;

import io.shoprank.job.events.DeadLetter;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.nio.charset.StandardCharsets;

/** Dead letters as UTF-8 {@link DeadLetterJson} Kafka values. */
final class DeadLetterSerializer implements SerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] serialize(DeadLetter d) {
        return DeadLetterJson.toJson(d).getBytes(StandardCharsets.UTF_8);
    }
}
