package io.shoprank.job.features;

import io.shoprank.job.StateTtl;
import io.shoprank.job.events.Event;
import io.shoprank.store.StoreWrite;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keyed by user: folds every event into the user's {@link UserProfile} and publishes the user's features.
 * State: one {@link UserProfile} per user (bounded, see the class), TTL {@code stateTtl} of wall-clock time.
 */
public final class UserFeaturesFunction extends KeyedProcessFunction<String, Event, StoreWrite> {
    private static final long serialVersionUID = 1L;

    private final Duration stateTtl;
    private final long redisTtlMs;
    private transient ValueState<UserProfile> profile;

    public UserFeaturesFunction(Duration stateTtl, Duration redisTtl) {
        this.stateTtl = stateTtl;
        this.redisTtlMs = redisTtl.toMillis();
    }

    /** The profile state, as the job and the republish tool ({@code RepublishJob}) register it. */
    public static ValueStateDescriptor<UserProfile> profileDescriptor(Duration stateTtl) {
        ValueStateDescriptor<UserProfile> d = new ValueStateDescriptor<>("user-profile", UserProfile.class);
        d.enableTimeToLive(StateTtl.of(stateTtl));
        return d;
    }

    /**
     * The user's feature hash as published for profile {@code p}: a function of the state alone, so the
     * republish tool writes exactly what the job wrote at this version.
     */
    public static StoreWrite write(String user, UserProfile p, long redisTtlMs) {
        String[][] f = p.fields();
        return StoreWrite.features(StoreWrite.Kind.USER_FEATURES, user, p.version, p.lastActive, redisTtlMs, f[0], f[1]);
    }

    @Override
    public void open(OpenContext ctx) {
        profile = getRuntimeContext().getState(profileDescriptor(stateTtl));
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<StoreWrite> out) throws Exception {
        UserProfile p = profile.value();
        if (p == null) {
            p = UserProfile.empty();
        }
        p.apply(e);
        profile.update(p);
        StoreWrite w = write(e.user, p, redisTtlMs);
        w.ingestMs = e.ingestMs;
        out.collect(w);
    }
}
