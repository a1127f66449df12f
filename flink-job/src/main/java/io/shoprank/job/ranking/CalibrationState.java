package io.shoprank.job.ranking;

/**
 * The checkpointed form of a ranking subtask's learned ranking (Flink POJO): the source calibration's counts
 * the learned ranker's FTRL state, and the order of refreshed stale lists.
 */
public class CalibrationState {
    public double[] offers;
    public double[] hits;
    public long targets;
    public float[] rankerZ;
    public float[] rankerN;
    /** The stale-list order's decayed gains ({@link StaleListOrder}); 0 in state written before it existed. */
    public double staleSlotsGain;
    public double staleFillFirstGain;

    public CalibrationState() {}

    static CalibrationState of(SourceCalibration c, LearnedRanker r) {
        return of(c, r, new StaleListOrder());
    }

    static CalibrationState of(SourceCalibration c, LearnedRanker r, StaleListOrder order) {
        CalibrationState s = new CalibrationState();
        s.staleSlotsGain = order.slotsGain();
        s.staleFillFirstGain = order.fillFirstGain();
        s.offers = c.offers();
        s.hits = c.hits();
        s.targets = c.targets();
        if (r != null) { // only levels that learn the ranker carry its 2 x 16,384 floats
            s.rankerZ = r.z().clone();
            s.rankerN = r.n().clone();
        }
        return s;
    }

    SourceCalibration calibration(boolean learnSources) {
        return SourceCalibration.of(offers, hits, targets, learnSources);
    }

    /** After a restore (union state: every old subtask's), the one learned from the most targets, or null. */
    static CalibrationState mostInformed(Iterable<CalibrationState> states) {
        CalibrationState best = null;
        for (CalibrationState s : states) {
            if (best == null || s.targets > best.targets) best = s;
        }
        return best;
    }
}
