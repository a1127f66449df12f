package io.shoprank.job.model.embedding;

/**
 * A bounded map from item ids to dense slot numbers {@code 0 .. capacity - 1}, for tables that keep their
 * items' values in primitive arrays indexed by slot ({@link EmbeddingTable}). An item keeps its slot while it
 * stays; the least recently put item leaves when a new one arrives at capacity, and the new one takes its
 * slot.
 *
 * <p>Laid out for lookups that miss the CPU caches: an open-addressing table (linear probing, load factor at
 * most 1/2) of {@code [fingerprint, slot]} pairs in one {@code long[]}, keyed by a 64-bit fingerprint of the
 * id instead of the id, so a lookup reads one or two cache lines and never the id's string. Two ids with the
 * same fingerprint would share a slot: with 64 bits and 200,000 items, about one lookup in 10^14.
 * (The ranking stage's {@code ItemSummaries} keeps its 8 longs per item inside its own probe table, one
 * cache line per lookup; an embedding row of 33 floats there would make every probe run five times longer,
 * so here the index and the values are apart.) Pure.
 */
public final class ItemSlots {
    public static final int NONE = -1;
    /** The fingerprint of an empty entry (an id whose fingerprint is 0 gets 1). */
    private static final long EMPTY = 0;

    private final int capacity;
    private final int mask;
    /** Open-addressing entries: fingerprint at {@code 2e}, slot at {@code 2e + 1}. */
    private final long[] entries;
    private final String[] ids;
    /** The recency list by slot: least recently put first. */
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int size;

    public ItemSlots(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
        int n = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1;
        this.mask = n - 1;
        this.entries = new long[2 * n];
        this.ids = new String[capacity];
        this.prev = new int[capacity];
        this.next = new int[capacity];
    }

    public int size() {
        return size;
    }

    /** The item's slot, or {@link #NONE}. */
    public int find(String item) {
        long fp = fingerprint(item);
        for (int e = home(fp); ; e = (e + 1) & mask) {
            long f = entries[2 * e];
            if (f == fp) return (int) entries[2 * e + 1];
            if (f == EMPTY) return NONE;
        }
    }

    /**
     * The item's slot, the item made the most recently put; a new item takes the next unused slot, or at
     * capacity the least recently put item's (which leaves).
     */
    public int put(String item) {
        long fp = fingerprint(item);
        int e = home(fp);
        for (long f; (f = entries[2 * e]) != EMPTY; e = (e + 1) & mask) {
            if (f == fp) {
                int slot = (int) entries[2 * e + 1];
                if (slot != tail) {
                    unlink(slot);
                    link(slot);
                }
                return slot;
            }
        }
        int slot;
        if (size < capacity) {
            slot = size++;
        } else {
            slot = head;
            unlink(slot);
            removeEntry(fingerprint(ids[slot]));
            // the removal may have moved entries back into the probe run: find the new item's empty entry again
            e = home(fp);
            while (entries[2 * e] != EMPTY) e = (e + 1) & mask;
        }
        entries[2 * e] = fp;
        entries[2 * e + 1] = slot;
        ids[slot] = item;
        link(slot);
        return slot;
    }

    /** The id of the item in {@code slot}. */
    public String item(int slot) {
        return ids[slot];
    }

    /** The least recently put item's slot, or {@link #NONE} when empty. */
    public int oldest() {
        return head;
    }

    /** The slot put next after {@code slot} (more recently), or {@link #NONE}. */
    public int newer(int slot) {
        return next[slot];
    }

    private int home(long fp) {
        return (int) (fp ^ (fp >>> 32)) & mask;
    }

    private void link(int slot) {
        prev[slot] = tail;
        next[slot] = NONE;
        if (tail == NONE) head = slot;
        else next[tail] = slot;
        tail = slot;
    }

    private void unlink(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p == NONE) head = n;
        else next[p] = n;
        if (n == NONE) tail = p;
        else prev[n] = p;
    }

    /**
     * Removes the entry of {@code fp} (which is present), then closes the gap (linear probing's backward
     * shift): every entry after it in the probe run that could sit in the gap moves there, so no lookup meets
     * an empty entry before its item's.
     */
    private void removeEntry(long fp) {
        int hole = home(fp);
        while (entries[2 * hole] != fp) hole = (hole + 1) & mask;
        for (int j = (hole + 1) & mask; entries[2 * j] != EMPTY; j = (j + 1) & mask) {
            int home = home(entries[2 * j]);
            // stays where it is when its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (stays) continue;
            entries[2 * hole] = entries[2 * j];
            entries[2 * hole + 1] = entries[2 * j + 1];
            hole = j;
        }
        entries[2 * hole] = EMPTY;
        entries[2 * hole + 1] = 0;
    }

    /** A 64-bit fingerprint of the id: FNV-1a over its chars, then MurmurHash3's finaliser to spread the bits. */
    public static long fingerprint(String item) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < item.length(); i++) {
            h ^= item.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == EMPTY ? 1 : h;
    }
}
