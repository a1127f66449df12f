package io.shoprank.job.features;

/**
 * A user's price level (Flink POJO, four numbers whatever the traffic): an exponentially decayed, weighted
 * mean and variance of {@code ln(price)} over the priced events the user has seen (West's incremental
 * weighted algorithm, with all past weights halved every half-life of event time).
 *
 * <p>Published as the <em>typical price</em> {@code exp(mean)} (the decayed geometric mean: the median for
 * log-normal prices, and not pulled up by one expensive purchase as an arithmetic mean would be), the
 * <em>spread</em> (standard deviation of {@code ln(price)}: 0.5 means typical prices within about x0.6 to
 * x1.65 of it), and a band from fixed cut points on the typical price: {@code low} below
 * {@link #LOW_BELOW}, {@code high} from {@link #HIGH_FROM}, {@code mid} between, {@code unknown} before the
 * first priced event.
 */
public class PriceStats {
    /** Typical prices below this are {@code low} (ln cut point 2.303). */
    public static final double LOW_BELOW = 10;
    /** Typical prices from this on are {@code high} (ln cut point 4.605). */
    public static final double HIGH_FROM = 100;
    public static final String UNKNOWN = "unknown";

    /** Decayed sum of the weights, as of {@link #asOfTs}; 0 = no priced event yet. */
    public double weight;
    /** Weighted mean of ln(price). */
    public double logMean;
    /** Weighted sum of squared deviations of ln(price) from {@link #logMean}, decayed like {@link #weight}. */
    public double logSq;
    /** Event time the sums are decayed to: the latest priced event's. */
    public long asOfTs;

    public PriceStats() {}

    /**
     * Adds a price seen at {@code ts} with weight {@code w}. Zero, negative or non-finite prices and
     * weights are ignored (ln is undefined at 0; a free item says nothing about a price level). An event
     * older than {@link #asOfTs} counts with its weight decayed to {@code asOfTs}.
     */
    public void add(double price, double w, long ts, double halfLifeMs) {
        if (!(price > 0) || !Double.isFinite(price) || !(w > 0) || !Double.isFinite(w)) return;
        double x = Math.log(price);
        if (weight > 0 && ts >= asOfTs) {
            double d = Math.pow(2, -(ts - asOfTs) / halfLifeMs);
            weight *= d; // may underflow to 0 after ~1000 half-lives: then the past is forgotten below
            logSq *= d;
            asOfTs = ts;
        }
        if (weight == 0) {
            weight = w;
            logMean = x;
            logSq = 0;
            asOfTs = ts;
            return;
        }
        if (ts < asOfTs) {
            w *= Math.pow(2, -(asOfTs - ts) / halfLifeMs);
            if (!(w > 0)) return; // too old to matter (underflow)
        }
        double total = weight + w;
        double delta = x - logMean;
        double mean = logMean + delta * w / total;
        logSq += w * delta * (x - mean);
        logMean = mean;
        weight = total;
    }

    public boolean known() {
        return weight > 0;
    }

    /** {@code exp(mean ln(price))}; NaN when unknown. */
    public double typical() {
        return known() ? Math.exp(logMean) : Double.NaN;
    }

    /** Standard deviation of ln(price); NaN when unknown, 0 after one price. */
    public double spread() {
        return known() ? Math.sqrt(Math.max(0, logSq / weight)) : Double.NaN;
    }

    /** {@code low}, {@code mid}, {@code high} or {@code unknown}. */
    public String band() {
        return known() ? band(typical()) : UNKNOWN;
    }

    public static String band(double typicalPrice) {
        if (typicalPrice < LOW_BELOW) return "low";
        if (typicalPrice < HIGH_FROM) return "mid";
        return "high";
    }
}
