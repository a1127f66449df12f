package io.shoprank.job.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

class EventTest {

    private static final long TS = 1_700_000_000_000L;

    @Test
    void isAFlinkPojoWithBrandAndShop() {
        TypeInformation<Event> info = TypeInformation.of(Event.class);
        PojoTypeInfo<Event> pojo = assertInstanceOf(PojoTypeInfo.class, info, "Event must not fall back to Kryo");
        assertTrue(pojo.getFieldIndex("brand") >= 0);
        assertTrue(pojo.getFieldIndex("shop") >= 0);
    }

    @Test
    void brandAndShopTakePartInEquality() {
        Event a = new Event(TS, EventType.VIEW, "u", "i", "c");
        Event b = new Event(TS, EventType.VIEW, "u", "i", "c");
        assertEquals(a, b);
        b.brand = "acme";
        assertNotEquals(a, b);
        a.brand = "acme";
        a.shop = "s1";
        assertNotEquals(a, b);
    }

    @Test
    void wireFormatKeepsBrandAndShop() {
        Event e = new Event(TS, EventType.CART, "u", "i", "c");
        e.price = 9.5;
        e.brand = "acme";
        e.shop = "s1";

        Event back = new EventParser(() -> TS).parse(EventJson.toJson(e), "test").event;

        assertEquals(e, back);
    }
}
