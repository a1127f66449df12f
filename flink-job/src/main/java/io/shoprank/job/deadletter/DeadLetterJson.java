package io.shoprank.job.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoprank.job.events.DeadLetter;

/**
 * The dead-letter record format, one JSON object a line / Kafka record:
 * {@code {"origin": "...", "reason": "...", "raw": "<the record as received>", "ingest_ms": 0}}.
 * {@code raw} is kept whole so a fixed record can be replayed into the input topic.
 */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static String toJson(DeadLetter d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("origin", d.origin);
        n.put("reason", d.reason);
        n.put("raw", d.raw);
        n.put("ingest_ms", d.ingestMs);
        return n.toString();
    }
}
