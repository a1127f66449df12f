package io.shoprank.job.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes an event back in the canonical wire format (used for late events, which are dead-lettered whole). */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EventJson() {}

    public static String toJson(Event e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("ts", e.ts);
        n.put("type", e.type.wireName());
        n.put("user", e.user);
        if (e.item != null) n.put("item", e.item);
        if (e.category != null) n.put("category", e.category);
        if (e.session != null) n.put("session", e.session);
        if (e.query != null) n.put("query", e.query);
        if (e.price != null) n.put("price", e.price);
        if (e.qty != null) n.put("qty", e.qty);
        if (e.brand != null) n.put("brand", e.brand);
        if (e.shop != null) n.put("shop", e.shop);
        return n.toString();
    }
}
