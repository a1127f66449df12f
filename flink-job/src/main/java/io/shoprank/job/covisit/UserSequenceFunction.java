package io.shoprank.job.covisit;

import io.shoprank.job.StateTtl;
import io.shoprank.job.events.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keyed by user, over item events: turns the user's sequence into co-visitation pair updates, keyed by item.
 * For a new event on item i after items j1..jn it sends one message to i (pairs i-j*, plus the touch that
 * asks for i's neighbours) and one to each j (pair j-i). State: a {@link UserSequence} per user, bounded by
 * the pair window, TTL {@code stateTtl}.
 */
public final class UserSequenceFunction extends KeyedProcessFunction<String, Event, CoVisitMessage> {
    private static final long serialVersionUID = 1L;

    private final int pairWindow;
    private final Duration stateTtl;
    private transient ValueState<UserSequence> sequence;

    public UserSequenceFunction(int pairWindow, Duration stateTtl) {
        this.pairWindow = pairWindow;
        this.stateTtl = stateTtl;
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<UserSequence> d = new ValueStateDescriptor<>("user-sequence", UserSequence.class);
        d.enableTimeToLive(StateTtl.of(stateTtl));
        sequence = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<CoVisitMessage> out) throws Exception {
        UserSequence s = sequence.value();
        if (s == null) {
            s = new UserSequence();
            s.epoch = ctx.timerService().currentProcessingTime();
        }
        UserSequence.Pairs pairs = s.pairsFor(e);
        for (int k = 0; k < pairs.others().length; k++) {
            out.collect(CoVisitMessage.pairs(pairs.others()[k], new String[] {e.item},
                    new double[] {pairs.weights()[k]}));
        }
        CoVisitMessage touch = CoVisitMessage.touch(e, s.epoch, s.nextSeq, pairs.others(), pairs.weights());
        if (e.category != null) {
            touch.categoryShare = s.categories.share(e.category);
            touch.topCategory = s.categories.isTop(e.category);
        }
        touch.userLastTs = s.lastTs;
        out.collect(touch);
        s.append(e, pairWindow);
        sequence.update(s);
    }
}
