package io.shoprank.job.features;

import java.util.Arrays;

/** Bounded most-recent-first list of distinct ids (an id seen again moves to the front). */
public final class RecentItems {
    private RecentItems() {}

    /** Returns a new array with {@code id} at the front, without duplicates, at most {@code capacity} long. */
    public static String[] push(String[] items, String id, int capacity) {
        int found = -1;
        for (int i = 0; i < items.length; i++) {
            if (items[i].equals(id)) {
                found = i;
                break;
            }
        }
        int keep = found >= 0 ? items.length : Math.min(items.length + 1, capacity);
        String[] out = new String[keep];
        out[0] = id;
        int j = 1;
        for (int i = 0; i < items.length && j < keep; i++) {
            if (i != found) out[j++] = items[i];
        }
        return out;
    }

    public static boolean contains(String[] items, String id) {
        for (String s : items) {
            if (s.equals(id)) return true;
        }
        return false;
    }

    public static String[] empty() {
        return new String[0];
    }

    public static String[] copy(String[] items) {
        return Arrays.copyOf(items, items.length);
    }
}
