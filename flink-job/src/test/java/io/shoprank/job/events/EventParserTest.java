package io.shoprank.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The parser against the rules of ../shared/data/README.md ("What counts as invalid"). The wall clock is
 * injected, so the "more than a day in the future" rule is checked against a fixed instant.
 */
class EventParserTest {

    /** 2023-11-14T22:13:20Z. */
    private static final long NOW = 1_700_000_000_000L;
    private static final long TS = NOW - 60_000;
    private static final String ORIGIN = "test.events.jsonl";

    private final EventParser parser = new EventParser(() -> NOW);

    // ---------------------------------------------------------------- valid records

    @Test
    void parsesAViewWithEveryOptionalField() {
        String raw = "{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\",\"category\":\"c1\","
                + "\"session\":\"s1\",\"price\":9.5,\"qty\":2,\"unknown\":{\"ignored\":true}}";

        ParsedRecord r = parser.parse(raw, ORIGIN);

        assertNull(r.catalog);
        assertNull(r.deadLetter);
        Event e = r.event;
        assertNotNull(e);
        assertEquals(TS, e.ts);
        assertEquals(EventType.VIEW, e.type);
        assertEquals("u1", e.user);
        assertEquals("i1", e.item);
        assertEquals("c1", e.category);
        assertEquals("s1", e.session);
        assertNull(e.query);
        assertEquals(9.5, e.price);
        assertEquals(2, e.qty);
        assertEquals(NOW, e.ingestMs, "ingestMs is the injected wall clock");
    }

    @Test
    void parsesOptionalBrandAndShop() {
        Event e = parser.parse("{\"ts\":" + TS + ",\"type\":\"cart\",\"user\":\"u1\",\"item\":\"i1\","
                + "\"brand\":\"acme\",\"shop\":\"shop-7\"}", ORIGIN).event;

        assertNotNull(e);
        assertEquals("acme", e.brand);
        assertEquals("shop-7", e.shop);

        Event numeric = parser.parse("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\","
                + "\"brand\":42,\"shop\":null}", ORIGIN).event;
        assertEquals("42", numeric.brand, "a number reads as its decimal string, like every id");
        assertNull(numeric.shop, "null is absent");

        Event empty = parser.parse("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u1\",\"item\":\"i1\","
                + "\"brand\":\"\",\"shop\":\"" + "s".repeat(EventParser.MAX_ID_LENGTH) + "\"}", ORIGIN).event;
        assertNull(empty.brand, "an empty optional id is absent");
        assertEquals(EventParser.MAX_ID_LENGTH, empty.shop.length(), "256 characters are fine");
    }

    @Test
    void brandOrShopThatIsNoStringIsDeadLettered() {
        String head = "{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",";
        assertDeadLetter(head + "\"brand\":true}", "brand is not a string");
        assertDeadLetter(head + "\"brand\":[\"a\"]}", "brand is not a string");
        assertDeadLetter(head + "\"shop\":{\"id\":1}}", "shop is not a string");
        assertDeadLetter(head + "\"shop\":false}", "shop is not a string");
        assertDeadLetter(head + "\"shop\":1e400}", "shop is not a finite number");
    }

    @Test
    void parsesAMinimalPurchaseWithoutOptionalFields() {
        Event e = parser.parse("{\"ts\":" + TS + ",\"type\":\"purchase\",\"user\":\"u1\",\"item\":\"i9\"}", ORIGIN).event;

        assertNotNull(e);
        assertEquals(EventType.PURCHASE, e.type);
        assertEquals("i9", e.item);
        assertNull(e.category);
        assertNull(e.session);
        assertNull(e.price);
        assertNull(e.qty);
        assertNull(e.brand);
        assertNull(e.shop);
    }

    @Test
    void parsesEveryBehaviourType() {
        for (EventType t : EventType.values()) {
            String raw = "{\"ts\":" + TS + ",\"type\":\"" + t.wireName() + "\",\"user\":\"u\",\"item\":\"i\",\"query\":\"q\"}";
            assertEquals(t, parser.parse(raw, ORIGIN).event.type, raw);
        }
    }

    @Test
    void parsesASearchWithoutItem() {
        Event e = parser.parse("{\"ts\":" + TS + ",\"type\":\"search\",\"user\":\"u1\",\"query\":\"red shoes\"}", ORIGIN).event;

        assertNotNull(e);
        assertEquals(EventType.SEARCH, e.type);
        assertEquals("red shoes", e.query);
        assertNull(e.item);
    }

    @Test
    void parsesACatalogRecord() {
        String raw = "{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i1\",\"title\":\"Red Shoes\",\"category\":\"shoes\","
                + "\"brand\":\"acme\",\"price\":49.9,\"in_stock\":false}";

        ParsedRecord r = parser.parse(raw, ORIGIN);

        assertNull(r.event);
        assertNull(r.deadLetter);
        CatalogItem c = r.catalog;
        assertNotNull(c);
        assertEquals(TS, c.ts);
        assertEquals("i1", c.item);
        assertEquals("Red Shoes", c.title);
        assertEquals("shoes", c.category);
        assertEquals("acme", c.brand);
        assertEquals(49.9, c.price);
        assertEquals(Boolean.FALSE, c.inStock);
    }

    @Test
    void catalogRecordNeedsNoUserAndKeepsAbsentAttributesNull() {
        CatalogItem c = parser.parse("{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i1\"}", ORIGIN).catalog;

        assertNotNull(c);
        assertNull(c.title);
        assertNull(c.category);
        assertNull(c.brand);
        assertNull(c.price);
        assertNull(c.inStock);
    }

    @Test
    void readsNumericIdsAsTheirDecimalString() {
        Event e = parser.parse("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":123,\"item\":12345678901234567890,"
                + "\"category\":4.50,\"session\":7}", ORIGIN).event;

        assertNotNull(e);
        assertEquals("123", e.user);
        assertEquals("12345678901234567890", e.item, "beyond long: kept exactly");
        assertEquals("4.5", e.category);
        assertEquals("7", e.session);
    }

    @Test
    void acceptsTheBoundaryValues() {
        String id = "x".repeat(EventParser.MAX_ID_LENGTH);
        String query = "q".repeat(EventParser.MAX_TEXT_LENGTH);
        assertNotNull(parser.parse("{\"ts\":946684800000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}", ORIGIN).event,
                "2000-01-01T00:00:00Z itself is valid");
        assertNotNull(parser.parse("{\"ts\":" + (NOW + 86_400_000L) + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}",
                ORIGIN).event, "exactly one day ahead is valid");
        assertNotNull(parser.parse("{\"ts\":" + TS + ",\"type\":\"search\",\"user\":\"" + id + "\",\"query\":\"" + query
                + "\"}", ORIGIN).event, "256-char id and 1024-char query are valid");
        assertNotNull(parser.parse("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"price\":0,\"qty\":0}",
                ORIGIN).event, "zero price and qty are valid");
        assertNotNull(parser.parse("  {\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}  \r", ORIGIN).event,
                "surrounding whitespace is fine");
    }

    @Test
    void theFutureBoundFollowsTheInjectedClock() {
        AtomicLong clock = new AtomicLong(NOW);
        EventParser p = new EventParser(clock::get);
        String raw = "{\"ts\":" + (NOW + 86_400_000L + 1) + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}";

        assertNotNull(p.parse(raw, ORIGIN).deadLetter);
        clock.set(NOW + 1);
        ParsedRecord r = p.parse(raw, ORIGIN);
        assertNotNull(r.event, "valid once the wall clock has moved on");
        assertEquals(NOW + 1, r.event.ingestMs);
    }

    // ---------------------------------------------------------------- invalid records

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // description                 | raw line                                                                  | reason
        "empty line                    | ``                                                                         | not a JSON object: empty record",
        "blank line                    | `   `                                                                      | not a JSON object: empty record",
        "JSON array                    | [1,2,3]                                                                    | not a JSON object",
        "JSON string                   | `\"hello\"`                                                                | not a JSON object",
        "JSON number                   | 42                                                                         | not a JSON object",
        "JSON null                     | null                                                                       | not a JSON object",
        "missing ts                    | {\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}                          | missing field: ts",
        "null ts                       | {\"ts\":null,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}              | missing field: ts",
        "missing type                  | {\"ts\":1700000000000,\"user\":\"u\",\"item\":\"i\"}                       | missing field: type",
        "empty type                    | {\"ts\":1700000000000,\"type\":\"\",\"user\":\"u\",\"item\":\"i\"}         | missing field: type",
        "missing user                  | {\"ts\":1700000000000,\"type\":\"view\",\"item\":\"i\"}                    | missing field: user",
        "empty user                    | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"\",\"item\":\"i\"}      | missing field: user",
        "view without item             | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\"}                    | missing field: item",
        "purchase without item         | {\"ts\":1700000000000,\"type\":\"purchase\",\"user\":\"u\"}                | missing field: item",
        "catalog without item          | {\"ts\":1700000000000,\"type\":\"item\",\"title\":\"t\"}                   | missing field: item",
        "search without query          | {\"ts\":1700000000000,\"type\":\"search\",\"user\":\"u\",\"item\":\"i\"}   | missing field: query",
        "unknown type                  | {\"ts\":1700000000000,\"type\":\"like\",\"user\":\"u\",\"item\":\"i\"}     | unknown type: like",
        "type in upper case            | {\"ts\":1700000000000,\"type\":\"VIEW\",\"user\":\"u\",\"item\":\"i\"}     | unknown type: VIEW",
        "fractional ts                 | {\"ts\":1.5,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}               | ts is not an integer",
        "ts with a fraction of zero    | {\"ts\":1700000000000.0,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}   | ts is not an integer",
        "ts as string                  | {\"ts\":\"123\",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}           | ts is not an integer",
        "ts as boolean                 | {\"ts\":true,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}              | ts is not an integer",
        "ts beyond long                | {\"ts\":100000000000000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"} | ts out of range",
        "ts before 2000                | {\"ts\":946684799999,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}      | ts before 2000-01-01: 946684799999",
        "ts in 1970                    | {\"ts\":0,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}                 | ts before 2000-01-01: 0",
        "negative ts                   | {\"ts\":-5,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}                | ts before 2000-01-01: -5",
        "ts a day and 1 ms ahead       | {\"ts\":1700086400001,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}     | ts more than a day after the wall clock: 1700086400001",
        "user as object                | {\"ts\":1700000000000,\"type\":\"view\",\"user\":{\"id\":1},\"item\":\"i\"} | user is not a string",
        "item as boolean               | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":true}      | item is not a string",
        "price as text                 | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"price\":\"9.5\"} | price is not a number",
        "price as word                 | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"price\":\"cheap\"} | price is not a number",
        "negative price                | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"price\":-0.01} | price is negative or not finite",
        "qty as text                   | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"qty\":\"2\"} | qty is not a number",
        "negative qty                  | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"qty\":-1} | qty is negative or not finite",
        "fractional qty                | {\"ts\":1700000000000,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"qty\":1.5} | qty is not an integer",
        "catalog price as text         | {\"ts\":1700000000000,\"type\":\"item\",\"item\":\"i\",\"price\":\"x\"}    | price is not a number",
        "catalog negative price        | {\"ts\":1700000000000,\"type\":\"item\",\"item\":\"i\",\"price\":-1}       | price is negative or not finite",
        "catalog in_stock as text      | {\"ts\":1700000000000,\"type\":\"item\",\"item\":\"i\",\"in_stock\":\"yes\"} | in_stock is not a boolean",
        "catalog ts before 2000        | {\"ts\":1,\"type\":\"item\",\"item\":\"i\"}                                | ts before 2000-01-01: 1",
    })
    void deadLettersAnInvalidRecordWithItsReason(String description, String raw, String reason) {
        assertDeadLetter(raw == null ? "" : raw, reason);
    }

    @Test
    void nullRecordIsAnEmptyRecord() {
        ParsedRecord r = parser.parse(null, ORIGIN);
        assertNotNull(r.deadLetter);
        assertEquals("not a JSON object: empty record", r.deadLetter.reason);
        assertNull(r.deadLetter.raw);
    }

    @Test
    void brokenJsonIsDeadLettered() {
        DeadLetter d = assertDeadLetterStartsWith("{\"ts\":1700000000000,\"type\":\"view\",", "broken JSON: ");
        assertTrue(d.reason.length() <= "broken JSON: ".length() + 80 + 3, "reason is abbreviated: " + d.reason);
        assertDeadLetterStartsWith("not json at all", "broken JSON: ");
        assertDeadLetterStartsWith("{'ts':1}", "broken JSON: ");
    }

    @Test
    void trailingGarbageIsDeadLettered() {
        String valid = "{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}";
        assertNotNull(parser.parse(valid, ORIGIN).event);

        assertDeadLetterStartsWith(valid + "xyz", "broken JSON: ");
        assertDeadLetterStartsWith(valid + "}", "broken JSON: ");
        assertDeadLetterStartsWith(valid + " " + valid, "broken JSON: ");
    }

    @Test
    void idsLongerThan256CharactersAreDeadLettered() {
        String longId = "x".repeat(EventParser.MAX_ID_LENGTH + 1);
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"" + longId + "\",\"item\":\"i\"}",
                "user longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"" + longId + "\"}",
                "item longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"category\":\"" + longId + "\"}",
                "category longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"session\":\"" + longId + "\"}",
                "session longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"" + longId + "\"}",
                "item longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i\",\"brand\":\"" + longId + "\"}",
                "brand longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"brand\":\"" + longId + "\"}",
                "brand longer than 256 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"shop\":\"" + longId + "\"}",
                "shop longer than 256 characters");
    }

    @Test
    void queryAndTitleLongerThan1024CharactersAreDeadLettered() {
        String longText = "t".repeat(EventParser.MAX_TEXT_LENGTH + 1);
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"search\",\"user\":\"u\",\"query\":\"" + longText + "\"}",
                "query longer than 1024 characters");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i\",\"title\":\"" + longText + "\"}",
                "title longer than 1024 characters");
        assertNotNull(parser.parse("{\"ts\":" + TS + ",\"type\":\"item\",\"item\":\"i\",\"title\":\""
                + "t".repeat(EventParser.MAX_TEXT_LENGTH) + "\"}", ORIGIN).catalog, "1024 characters are fine");
    }

    @Test
    void numericIdOutOfDoubleRangeIsDeadLetteredNotThrown() {
        // 1e400 reads as an infinite double, which has no decimal string
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":1e400,\"item\":\"i\"}",
                "user is not a finite number");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":-1e400}",
                "item is not a finite number");
        assertDeadLetter("{\"ts\":" + TS + ",\"type\":\"view\",\"user\":\"u\",\"item\":\"i\",\"price\":1e400}",
                "price is negative or not finite");
    }

    @Test
    void unknownTypeReasonIsAbbreviated() {
        String type = "z".repeat(200);
        DeadLetter d = assertDeadLetterStartsWith(
                "{\"ts\":" + TS + ",\"type\":\"" + type + "\",\"user\":\"u\",\"item\":\"i\"}", "unknown type: ");
        assertEquals("unknown type: " + "z".repeat(80) + "...", d.reason);
    }

    @Test
    void deadLetterKeepsRawOriginAndIngestTime() {
        String raw = "{\"ts\":1.5,\"type\":\"view\",\"user\":\"u\",\"item\":\"i\"}";
        DeadLetter d = parser.parse(raw, "events-topic").deadLetter;

        assertNotNull(d);
        assertSame(raw, d.raw, "the raw record is kept whole, unchanged");
        assertEquals("events-topic", d.origin);
        assertEquals(NOW, d.ingestMs);
    }

    /** The parser's contract: whatever the input, exactly one of event, catalog, dead letter; never an exception. */
    @Test
    void neverThrowsOnFuzzedInput() {
        String[] fields = {"ts", "type", "user", "item", "query", "category", "session", "price", "qty", "title",
            "brand", "shop", "in_stock"};
        String[] values = {"0", "-0", "1.0", "1e400", "-1e400", "1e-400", "12345678901234567890123", "1700000000000",
            "\"view\"", "\"item\"", "\"search\"", "\"\"", "true", "null", "[]", "{}", "[1,{\"a\":2}]", "\"\\u0000\"",
            "-1", "3.5", "\"" + "x".repeat(300) + "\""};
        java.util.Random rnd = new java.util.Random(7);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder b = new StringBuilder("{");
            int n = rnd.nextInt(fields.length + 1);
            for (int i = 0; i < n; i++) {
                if (i > 0) b.append(',');
                b.append('"').append(fields[rnd.nextInt(fields.length)]).append("\":")
                        .append(values[rnd.nextInt(values.length)]);
            }
            b.append('}');
            String raw = b.toString();
            if (rnd.nextInt(4) == 0) { // and some byte-level damage
                char[] c = raw.toCharArray();
                String damage = "{}[]\",:x0 ";
                c[rnd.nextInt(c.length)] = damage.charAt(rnd.nextInt(damage.length()));
                raw = new String(c);
            }
            ParsedRecord r = parser.parse(raw, ORIGIN);
            int set = (r.event != null ? 1 : 0) + (r.catalog != null ? 1 : 0) + (r.deadLetter != null ? 1 : 0);
            assertEquals(1, set, raw);
        }
    }

    private DeadLetter assertDeadLetter(String raw, String reason) {
        ParsedRecord r = parser.parse(raw, ORIGIN);
        assertNull(r.event, () -> "expected a dead letter for " + raw + ", got " + r.event);
        assertNull(r.catalog, () -> "expected a dead letter for " + raw + ", got " + r.catalog);
        assertNotNull(r.deadLetter);
        assertEquals(reason, r.deadLetter.reason, raw);
        assertEquals(raw, r.deadLetter.raw);
        assertEquals(ORIGIN, r.deadLetter.origin);
        assertEquals(NOW, r.deadLetter.ingestMs);
        return r.deadLetter;
    }

    private DeadLetter assertDeadLetterStartsWith(String raw, String prefix) {
        ParsedRecord r = parser.parse(raw, ORIGIN);
        assertNull(r.event, () -> "expected a dead letter for " + raw);
        assertNull(r.catalog, () -> "expected a dead letter for " + raw);
        assertNotNull(r.deadLetter);
        assertTrue(r.deadLetter.reason.startsWith(prefix), () -> "reason '" + r.deadLetter.reason + "' for " + raw);
        assertEquals(raw, r.deadLetter.raw);
        return r.deadLetter;
    }
}
