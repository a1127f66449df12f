package io.shoprank.job.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoprank.job.events.DeadLetter;

/**
 * The dead-letter record format, one JSON object a line / Kafka record:
 * {@code {"origin": "...", "reason": "...", "raw": "<the record as received>", "ingest_ms": 0}}.
 * {@code raw} is kept whole so a fixed record can be replayed into the input topic ({@link DeadLetterReplay}).
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

    /**
     * Reads one dead letter back, as {@link #toJson} wrote it.
     *
     * @throws IllegalArgumentException when the text is not a dead-letter object (no JSON object, or no
     *     {@code reason}); a missing {@code raw} reads as the empty record
     */
    public static DeadLetter fromJson(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode reason = n.get("reason");
        if (reason == null || !reason.isTextual()) {
            throw new IllegalArgumentException("no reason field");
        }
        JsonNode origin = n.get("origin");
        JsonNode raw = n.get("raw");
        JsonNode ingest = n.get("ingest_ms");
        return new DeadLetter(origin == null || origin.isNull() ? null : origin.asText(), reason.textValue(),
                raw == null || raw.isNull() ? "" : raw.asText(),
                ingest != null && ingest.canConvertToLong() ? ingest.longValue() : 0L);
    }
}
