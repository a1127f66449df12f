package io.shoprank.job.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.function.LongSupplier;

/**
 * Parses and validates one line of the canonical JSON-lines format (see ../shared/data/README.md,
 * "What counts as invalid"). Never throws on bad input: every rejection becomes a {@link DeadLetter} with a
 * short reason. Events may also carry the optional ids {@code brand} and {@code shop} (not in the shared data;
 * validated like every id: a string or a number read as its decimal string, at most 256 characters).
 * Thread-confined (one instance per source reader).
 */
public final class EventParser {
    /** 2000-01-01T00:00:00Z: earlier timestamps are invalid. */
    public static final long MIN_TS = 946_684_800_000L;
    public static final long MAX_FUTURE_MS = 24L * 3600 * 1000;
    public static final int MAX_ID_LENGTH = 256;
    public static final int MAX_TEXT_LENGTH = 1024;

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final LongSupplier wallClock;

    public EventParser() {
        this(System::currentTimeMillis);
    }

    public EventParser(LongSupplier wallClock) {
        this.wallClock = wallClock;
    }

    /** Thrown internally for a validation failure; its message is the dead-letter reason. */
    private static final class Invalid extends Exception {
        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Parses one raw record.
     *
     * @param raw the line or Kafka value, as text
     * @param origin where it came from (topic or file name), kept on dead letters
     */
    public ParsedRecord parse(String raw, String origin) {
        long now = wallClock.getAsLong();
        try {
            JsonNode n = readObject(raw);
            String typeName = text(n, "type", MAX_ID_LENGTH, true);
            long ts = timestamp(n, now);
            if ("item".equals(typeName)) {
                return ParsedRecord.of(catalog(n, ts));
            }
            EventType type = EventType.fromWire(typeName);
            if (type == null) {
                throw new Invalid("unknown type: " + abbreviate(typeName));
            }
            Event e = new Event();
            e.ts = ts;
            e.type = type;
            e.user = text(n, "user", MAX_ID_LENGTH, true);
            e.item = text(n, "item", MAX_ID_LENGTH, type.isItemEvent());
            e.query = text(n, "query", MAX_TEXT_LENGTH, type == EventType.SEARCH);
            e.category = text(n, "category", MAX_ID_LENGTH, false);
            e.session = text(n, "session", MAX_ID_LENGTH, false);
            e.brand = text(n, "brand", MAX_ID_LENGTH, false);
            e.shop = text(n, "shop", MAX_ID_LENGTH, false);
            e.price = nonNegative(n, "price");
            Double qty = nonNegative(n, "qty");
            if (qty != null) {
                if (qty != Math.rint(qty) || qty > Integer.MAX_VALUE) {
                    throw new Invalid("qty is not an integer");
                }
                e.qty = qty.intValue();
            }
            e.ingestMs = now;
            return ParsedRecord.of(e);
        } catch (Invalid x) {
            return ParsedRecord.of(new DeadLetter(origin, x.getMessage(), raw, now));
        }
    }

    private static JsonNode readObject(String raw) throws Invalid {
        if (raw == null || raw.isBlank()) {
            throw new Invalid("not a JSON object: empty record");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(raw);
        } catch (JsonProcessingException x) {
            throw new Invalid("broken JSON: " + abbreviate(x.getOriginalMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new Invalid("not a JSON object");
        }
        return n;
    }

    private static CatalogItem catalog(JsonNode n, long ts) throws Invalid {
        CatalogItem c = new CatalogItem();
        c.ts = ts;
        c.item = text(n, "item", MAX_ID_LENGTH, true);
        c.title = text(n, "title", MAX_TEXT_LENGTH, false);
        c.category = text(n, "category", MAX_ID_LENGTH, false);
        c.brand = text(n, "brand", MAX_ID_LENGTH, false);
        c.price = nonNegative(n, "price");
        JsonNode stock = n.get("in_stock");
        if (stock != null && !stock.isNull()) {
            if (!stock.isBoolean()) {
                throw new Invalid("in_stock is not a boolean");
            }
            c.inStock = stock.booleanValue();
        }
        return c;
    }

    private static long timestamp(JsonNode n, long now) throws Invalid {
        JsonNode t = n.get("ts");
        if (t == null || t.isNull()) {
            throw new Invalid("missing field: ts");
        }
        if (!t.isIntegralNumber()) {
            throw new Invalid("ts is not an integer");
        }
        if (!t.canConvertToLong()) {
            throw new Invalid("ts out of range");
        }
        long ts = t.longValue();
        if (ts < MIN_TS) {
            throw new Invalid("ts before 2000-01-01: " + ts);
        }
        if (ts > now + MAX_FUTURE_MS) {
            throw new Invalid("ts more than a day after the wall clock: " + ts);
        }
        return ts;
    }

    /** Reads an id or text field: strings as they are, JSON numbers as their decimal string. */
    private static String text(JsonNode n, String field, int maxLength, boolean required) throws Invalid {
        JsonNode v = n.get(field);
        String s;
        if (v == null || v.isNull()) {
            s = null;
        } else if (v.isTextual()) {
            s = v.textValue();
        } else if (v.isIntegralNumber()) {
            s = v.bigIntegerValue().toString();
        } else if (v.isNumber()) {
            if (!Double.isFinite(v.doubleValue())) {
                throw new Invalid(field + " is not a finite number"); // e.g. 1e400: no decimal string
            }
            s = v.decimalValue().stripTrailingZeros().toPlainString();
        } else {
            throw new Invalid(field + " is not a string");
        }
        if (s == null || s.isEmpty()) {
            if (required) {
                throw new Invalid("missing field: " + field);
            }
            return null;
        }
        if (s.length() > maxLength) {
            throw new Invalid(field + " longer than " + maxLength + " characters");
        }
        return s;
    }

    private static Double nonNegative(JsonNode n, String field) throws Invalid {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new Invalid(field + " is not a number");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d) || d < 0) {
            throw new Invalid(field + " is negative or not finite");
        }
        return d;
    }

    private static String abbreviate(String s) {
        if (s == null) return "null";
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
