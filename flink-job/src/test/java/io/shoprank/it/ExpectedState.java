package io.shoprank.it;

import io.shoprank.job.events.Event;
import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * What Redis must hold after a file has been replayed in full, computed independently of the job from the
 * file: every key's version equals the number of updates it received (so a lost or doubled update shows).
 */
public final class ExpectedState {
    /** Valid events per user (user-feature versions). */
    public final Map<String, Integer> userEvents = new HashMap<>();
    /** Valid item events per user (recommendation-list versions). */
    public final Map<String, Integer> userItemEvents = new HashMap<>();
    /** Items each user interacted with (never recommended back). */
    public final Map<String, Set<String>> userItems = new HashMap<>();
    /** Valid item events per item (item-feature versions, before catalog upserts). */
    public final Map<String, Integer> itemEvents = new HashMap<>();
    public int valid;
    public int invalid;

    public static ExpectedState of(Path file) throws IOException {
        ExpectedState s = new ExpectedState();
        EventParser parser = new EventParser();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                s.add(parser.parse(line, "expected"));
            }
        }
        return s;
    }

    public void add(ParsedRecord r) {
        if (r.event == null) {
            if (r.deadLetter != null) invalid++;
            return;
        }
        Event e = r.event;
        valid++;
        userEvents.merge(e.user, 1, Integer::sum);
        if (e.type.isItemEvent()) {
            userItemEvents.merge(e.user, 1, Integer::sum);
            userItems.computeIfAbsent(e.user, u -> new HashSet<>()).add(e.item);
            itemEvents.merge(e.item, 1, Integer::sum);
        }
    }
}
