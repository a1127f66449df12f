package io.shoprank.job.ranking;

/** The checkpointed form of a subtask's {@link SourceCalibration} (Flink POJO). */
public class CalibrationState {
    public double[] offers;
    public double[] hits;
    public long targets;

    public CalibrationState() {}

    static CalibrationState of(SourceCalibration c) {
        CalibrationState s = new CalibrationState();
        s.offers = c.offers();
        s.hits = c.hits();
        s.targets = c.targets();
        return s;
    }

    /** After a restore (union state: every old subtask's counts), the counts learned from the most targets. */
    static SourceCalibration mostInformed(Iterable<CalibrationState> states) {
        CalibrationState best = null;
        for (CalibrationState s : states) {
            if (best == null || s.targets > best.targets) best = s;
        }
        return best == null ? new SourceCalibration() : SourceCalibration.of(best.offers, best.hits, best.targets);
    }
}
