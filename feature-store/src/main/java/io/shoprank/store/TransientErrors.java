package io.shoprank.store;

import java.io.IOException;
import java.util.List;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Decides which failures go away by reconnecting and resending, as opposed to bugs that must surface. */
final class TransientErrors {

    /**
     * Redis error replies that clear up on their own: dataset still loading after a restart, server
     * busy in a long script, replica without its master, a primary demoted by a failover (reconnecting
     * reaches the new one), script cache lost (reconnecting reloads the scripts).
     */
    private static final List<String> TRANSIENT_REPLIES =
            List.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "NOSCRIPT");

    private TransientErrors() {
    }

    static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof JedisDataException && isTransientReply(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientReply(String message) {
        // Error replies start with an upper-case code and a space, e.g. "LOADING Redis is loading ...".
        return message != null && TRANSIENT_REPLIES.stream().anyMatch(code -> message.startsWith(code + " "));
    }
}
