package io.shoprank.job.events;

/**
 * What a source emits for one raw line: exactly one of {@link #event}, {@link #catalog}, {@link #deadLetter}
 * is set. Parsing happens in the source so that watermarks can be generated per Kafka partition / file split
 * from valid event timestamps only.
 */
public class ParsedRecord {
    public Event event;
    public CatalogItem catalog;
    public DeadLetter deadLetter;

    public ParsedRecord() {}

    public static ParsedRecord of(Event e) {
        ParsedRecord r = new ParsedRecord();
        r.event = e;
        return r;
    }

    public static ParsedRecord of(CatalogItem c) {
        ParsedRecord r = new ParsedRecord();
        r.catalog = c;
        return r;
    }

    public static ParsedRecord of(DeadLetter d) {
        ParsedRecord r = new ParsedRecord();
        r.deadLetter = d;
        return r;
    }

    @Override
    public String toString() {
        return event != null ? event.toString() : catalog != null ? catalog.toString() : String.valueOf(deadLetter);
    }
}
