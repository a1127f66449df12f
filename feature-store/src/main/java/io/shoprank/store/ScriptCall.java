package io.shoprank.store;

import java.util.List;

/** One EVALSHA: the script with its KEYS and ARGV. */
record ScriptCall(LuaScript script, List<String> keys, List<String> args) {
}
