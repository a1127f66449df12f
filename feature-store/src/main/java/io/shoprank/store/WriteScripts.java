package io.shoprank.store;

import java.util.ArrayList;
import java.util.List;

/** Turns {@link StoreWrite}s into calls of the version-guarded Lua write scripts. */
final class WriteScripts {

    static final LuaScript HASH = LuaScript.load("write_hash.lua");
    static final LuaScript LIST = LuaScript.load("write_list.lua");
    static final List<LuaScript> ALL = List.of(HASH, LIST);

    private WriteScripts() {
    }

    /** Validates the whole batch first, so an invalid write fails it before anything reaches Redis. */
    static List<ScriptCall> encode(List<StoreWrite> batch, KeySchema keys) {
        batch.forEach(StoreWrite::validate);
        List<ScriptCall> calls = new ArrayList<>(batch.size());
        for (StoreWrite w : batch) {
            calls.add(w.kind.isList() ? listCall(w, keys) : hashCall(w, keys));
        }
        return calls;
    }

    private static ScriptCall hashCall(StoreWrite w, KeySchema keys) {
        List<String> args = header(w, 2 * w.fieldNames.length);
        for (int i = 0; i < w.fieldNames.length; i++) {
            args.add(w.fieldNames[i]);
            args.add(w.fieldValues[i]);
        }
        return new ScriptCall(HASH, List.of(keys.hashKey(w.kind, w.id)), args);
    }

    private static ScriptCall listCall(StoreWrite w, KeySchema keys) {
        List<String> args = header(w, 5 + w.items.length);
        args.add(MetaJson.scores(w.scores));
        args.add(MetaJson.reasons(w.reasons, w.items.length));
        args.add(w.exclude == null ? "" : MetaJson.ids(w.exclude));
        args.add(w.staleOrder == null ? "" : w.staleOrder);
        args.add(w.seeds == null ? "" : MetaJson.ids(w.seeds));
        args.addAll(List.of(w.items));
        return new ScriptCall(LIST, List.of(keys.listKey(w.kind, w.id), keys.metaKey(w.kind, w.id)), args);
    }

    /** ARGV[1..3], shared by both scripts: version, as-of time, TTL. */
    private static List<String> header(StoreWrite w, int more) {
        List<String> args = new ArrayList<>(3 + more);
        args.add(Long.toString(w.version));
        args.add(Long.toString(w.asOfTs));
        args.add(Long.toString(w.ttlMs));
        return args;
    }
}
