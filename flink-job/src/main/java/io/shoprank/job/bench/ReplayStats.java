package io.shoprank.job.bench;

import io.shoprank.job.events.EventParser;
import io.shoprank.job.events.ParsedRecord;
import io.shoprank.job.source.JsonLinesFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A pre-scan of the replay file with the job's own parser: its line count, valid events, time span, and how
 * many distinct users and items the first {@code n} lines hold, for every {@code n}. With {@code --repeat}
 * every pass brings new users and items (ids suffixed per pass), so the users and items in the job's state
 * after any number of lines follow exactly: {@link #usersAfter}, {@link #itemsAfter}.
 */
public final class ReplayStats {
    public final long lines;
    public final long validEvents;
    public final long minTs;
    public final long maxTs;
    private final int[] usersUpTo;
    private final int[] itemsUpTo;

    private ReplayStats(long lines, long validEvents, long minTs, long maxTs, int[] usersUpTo, int[] itemsUpTo) {
        this.lines = lines;
        this.validEvents = validEvents;
        this.minTs = minTs;
        this.maxTs = maxTs;
        this.usersUpTo = usersUpTo;
        this.itemsUpTo = itemsUpTo;
    }

    public static ReplayStats scan(Path file) throws IOException {
        EventParser parser = new EventParser();
        Set<String> users = new HashSet<>();
        Set<String> items = new HashSet<>();
        IntList u = new IntList();
        IntList i = new IntList();
        u.add(0);
        i.add(0);
        long lines = 0;
        long valid = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        try (BufferedReader r = JsonLinesFiles.open(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                ParsedRecord p = parser.parse(line, "scan");
                if (p.event != null) {
                    valid++;
                    users.add(p.event.user);
                    if (p.event.item != null) items.add(p.event.item);
                    min = Math.min(min, p.event.ts);
                    max = Math.max(max, p.event.ts);
                }
                u.add(users.size());
                i.add(items.size());
            }
        }
        return new ReplayStats(lines, valid, min, max, u.toArray(), i.toArray());
    }

    public int users() {
        return usersUpTo[usersUpTo.length - 1];
    }

    public int items() {
        return itemsUpTo[itemsUpTo.length - 1];
    }

    /** Distinct users in the first {@code n} lines of a replay with passes (n may exceed one pass). */
    public long usersAfter(long n) {
        return after(n, usersUpTo);
    }

    public long itemsAfter(long n) {
        return after(n, itemsUpTo);
    }

    private long after(long n, int[] upTo) {
        long passes = n / lines;
        int rest = (int) (n % lines);
        return passes * upTo[upTo.length - 1] + upTo[rest];
    }

    /** Passes a replay at {@code rate} lines/s needs to last {@code seconds}, with one pass to spare. */
    public int passesFor(double rate, double seconds) {
        return (int) Math.min(10_000, Math.ceil(rate * seconds / lines) + 1);
    }

    private static final class IntList {
        private int[] a = new int[1 << 16];
        private int n;

        void add(int v) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
