package io.shoprank.it;

import io.shoprank.job.covisit.UserSequence;
import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the savepoint fixture's two slices of events hold, computed from the file independently of the job:
 * the slice before the savepoint and the slice replayed after the restore, as {@link ExpectedState}s, and the
 * co-visitation neighbours each slice creates (the user-sequence pairing replayed in file order, with each
 * user's sequence carried from the first slice into the second, as a restored job carries it).
 */
public final class SliceFacts {
    public final ExpectedState before = new ExpectedState();
    public final ExpectedState after = new ExpectedState();
    /** Item -> items it was paired with by the events before the savepoint (both directions). */
    public final Map<String, Set<String>> neighboursBefore = new HashMap<>();
    /** Item -> items it was paired with by the events after the restore (both directions). */
    public final Map<String, Set<String>> neighboursAfter = new HashMap<>();

    private SliceFacts() {}

    public static SliceFacts of(Path file, int firstLine, int before, int after, int pairWindow) throws IOException {
        SliceFacts f = new SliceFacts();
        String[] lines = FixtureReplay.readLines(file, firstLine, before + after);
        EventParser parser = new EventParser();
        Map<String, UserSequence> sequences = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            boolean first = i < before;
            ParsedRecord r = parser.parse(lines[i], "facts");
            (first ? f.before : f.after).add(r);
            Event e = r.event;
            if (e == null || !e.type.isItemEvent()) continue;
            UserSequence s = sequences.computeIfAbsent(e.user, u -> new UserSequence());
            Map<String, Set<String>> pairs = first ? f.neighboursBefore : f.neighboursAfter;
            for (String other : s.pairsFor(e).others()) {
                pairs.computeIfAbsent(e.item, x -> new HashSet<>()).add(other);
                pairs.computeIfAbsent(other, x -> new HashSet<>()).add(e.item);
            }
            s.append(e, pairWindow);
        }
        return f;
    }

    public static int count(Map<String, Integer> counts, String key) {
        return counts.getOrDefault(key, 0);
    }
}
