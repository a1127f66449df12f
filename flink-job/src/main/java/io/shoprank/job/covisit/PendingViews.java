package io.shoprank.job.covisit;

import java.util.Arrays;

/**
 * One item's views waiting for their conversion label (Flink POJO, one value per item): per view the user, its
 * time and the conversion model's hashed feature indices as they were at the view (every feature has value 1,
 * so the indices are the whole example). In view order; at most one view per user.
 *
 * <p>One value rather than a map entry per user: closing a label window is then a point read, where a map
 * needed a RocksDB iterator (a seek per closed window, the label join's main cost). Most items have one or two
 * views waiting; the co-visitation stage bounds the count ({@link CoVisitationFunction#MAX_PENDING_VIEWS}).
 * Pure.
 */
public class PendingViews {
    public String[] users = new String[0];
    public long[] ts = new long[0];
    /** The views' feature indices, {@link #fields} per view, in view order. */
    public int[] idx = new int[0];
    public int fields;

    public PendingViews() {}

    /** A closed or labelled view: its time and its features as they were at the view. */
    public record View(String user, long ts, int[] idx) {}

    public int size() {
        return users.length;
    }

    /** The time of the earliest waiting view ({@link Long#MAX_VALUE} when none waits). */
    public long earliestTs() {
        long min = Long.MAX_VALUE;
        for (long t : ts) min = Math.min(min, t);
        return min;
    }

    /** The position of the user's waiting view, or -1. */
    public int indexOf(String user) {
        for (int i = 0; i < users.length; i++) {
            if (users[i].equals(user)) return i;
        }
        return -1;
    }

    public void add(String user, long viewTs, int[] features) {
        if (users.length == 0) {
            fields = features.length;
        } else if (features.length != fields) {
            throw new IllegalArgumentException("a view has " + features.length + " features, the others " + fields);
        }
        int n = users.length;
        users = Arrays.copyOf(users, n + 1);
        users[n] = user;
        ts = Arrays.copyOf(ts, n + 1);
        ts[n] = viewTs;
        idx = Arrays.copyOf(idx, (n + 1) * fields);
        System.arraycopy(features, 0, idx, n * fields, fields);
    }

    /** Takes the view at {@code i} out and returns it. */
    public View remove(int i) {
        View v = view(i);
        keep(j -> j != i);
        return v;
    }

    /** Takes out, in view order, the views whose window of {@code windowMs} has closed by {@code time}. */
    public View[] closeUpTo(long time, long windowMs) {
        int closed = 0;
        for (long t : ts) if (t + windowMs <= time) closed++;
        View[] out = new View[closed];
        int k = 0;
        for (int i = 0; i < users.length; i++) {
            if (ts[i] + windowMs <= time) out[k++] = view(i);
        }
        if (closed > 0) keep(j -> ts[j] + windowMs > time);
        return out;
    }

    private View view(int i) {
        return new View(users[i], ts[i], Arrays.copyOfRange(idx, i * fields, (i + 1) * fields));
    }

    private void keep(java.util.function.IntPredicate kept) {
        int n = 0;
        for (int j = 0; j < users.length; j++) if (kept.test(j)) n++;
        String[] u = new String[n];
        long[] t = new long[n];
        int[] f = new int[n * fields];
        int k = 0;
        for (int j = 0; j < users.length; j++) {
            if (!kept.test(j)) continue;
            u[k] = users[j];
            t[k] = ts[j];
            System.arraycopy(idx, j * fields, f, k * fields, fields);
            k++;
        }
        users = u;
        ts = t;
        idx = f;
    }
}
