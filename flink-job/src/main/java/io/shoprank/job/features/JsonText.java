package io.shoprank.job.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Text encoding of feature values: JSON arrays for list-valued fields, shortest round-tripping numbers. */
public final class JsonText {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonText() {}

    /**
     * The shortest decimal that reads back as {@code v} (Schubfach, as in Jackson's fast writer): JDK 17's
     * {@code Double.toString} falls into a slow big-integer path on many values and showed in profiles.
     */
    public static String number(double v) {
        return NumberOutput.toString(v, true);
    }

    /** A JSON array of numbers, each as {@link #number}; the values must be finite. */
    public static String numbers(double[] values) {
        StringBuilder b = new StringBuilder(2 + 8 * values.length).append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) b.append(',');
            b.append(number(values[i]));
        }
        return b.append(']').toString();
    }

    public static String array(String[] values) {
        try {
            return MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
