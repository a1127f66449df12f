package io.shoprank.store;

import io.shoprank.store.StoreWrite.Kind;

/**
 * The Redis key schema shared by the writer, the client and frontends in other languages (see README).
 *
 * <p>Ids are wrapped in braces (a Redis Cluster hash tag) so that a list and its meta hash land in the
 * same slot and one Lua script may touch both. Ids must therefore be non-empty ("{}" is no hash tag).
 */
public final class KeySchema {

    public static final String DEFAULT_NAMESPACE = "shoprank";

    private final String ns;

    public KeySchema() {
        this(DEFAULT_NAMESPACE);
    }

    public KeySchema(String namespace) {
        this.ns = checkNamespace(namespace);
    }

    /**
     * Returns the namespace if usable as a key prefix.
     *
     * @throws IllegalArgumentException if empty or containing braces (which would move the hash tag)
     */
    public static String checkNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("namespace is empty");
        }
        if (namespace.indexOf('{') >= 0 || namespace.indexOf('}') >= 0) {
            throw new IllegalArgumentException("namespace must not contain braces: " + namespace);
        }
        return namespace;
    }

    public String namespace() {
        return ns;
    }

    public String recList(String user) {
        return tagged("rec:", user);
    }

    public String recMeta(String user) {
        return tagged("recmeta:", user);
    }

    public String similarList(String item) {
        return tagged("similar:", item);
    }

    public String similarMeta(String item) {
        return tagged("similarmeta:", item);
    }

    public String trendingList() {
        return ns + ":trending";
    }

    public String trendingMeta() {
        return ns + ":trendingmeta";
    }

    public String categoryTrendingList(String category) {
        return tagged("trending:cat:", category);
    }

    public String categoryTrendingMeta(String category) {
        return tagged("trendingmeta:cat:", category);
    }

    public String userFeatures(String user) {
        return tagged("user:", user);
    }

    public String itemFeatures(String item) {
        return tagged("item:", item);
    }

    /** The list key of a list kind; {@code id} must be "" for {@link Kind#TRENDING}. */
    public String listKey(Kind kind, String id) {
        return switch (kind) {
            case RECOMMENDATIONS -> recList(id);
            case SIMILAR_ITEMS -> similarList(id);
            case TRENDING -> untagged(id, trendingList());
            case CATEGORY_TRENDING -> categoryTrendingList(id);
            default -> throw new IllegalArgumentException(kind + " is not a list kind");
        };
    }

    /** The meta hash key (version, as-of time, scores, reasons) belonging to {@link #listKey}. */
    public String metaKey(Kind kind, String id) {
        return switch (kind) {
            case RECOMMENDATIONS -> recMeta(id);
            case SIMILAR_ITEMS -> similarMeta(id);
            case TRENDING -> untagged(id, trendingMeta());
            case CATEGORY_TRENDING -> categoryTrendingMeta(id);
            default -> throw new IllegalArgumentException(kind + " is not a list kind");
        };
    }

    /** The feature hash key of a features kind. */
    public String hashKey(Kind kind, String id) {
        return switch (kind) {
            case USER_FEATURES -> userFeatures(id);
            case ITEM_FEATURES -> itemFeatures(id);
            default -> throw new IllegalArgumentException(kind + " is not a features kind");
        };
    }

    private String tagged(String type, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("empty id for key " + ns + ":" + type);
        }
        return ns + ":" + type + "{" + id + "}";
    }

    private static String untagged(String id, String key) {
        if (id == null || !id.isEmpty()) {
            throw new IllegalArgumentException("TRENDING takes the id \"\", got " + id);
        }
        return key;
    }

    @Override
    public String toString() {
        return "KeySchema{" + ns + "}";
    }
}
