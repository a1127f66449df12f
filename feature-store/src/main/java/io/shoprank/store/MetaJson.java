package io.shoprank.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON arrays in a list's meta hash: {@code scores} (numbers) and {@code reasons} (strings), both
 * aligned with the list. Doubles are written in their shortest round-tripping form (e.g. {@code 0.1},
 * {@code 1.0E-5}; Jackson's Schubfach writer, several times faster than JDK 17's {@code Double.toString}
 * on scores): valid JSON, locale-independent, and parsed back to the identical double by any correctly
 * rounding parser ({@code Double.parseDouble}, JavaScript's {@code JSON.parse}, Python's json).
 */
final class MetaJson {

    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private MetaJson() {
    }

    static String scores(double[] scores) {
        return write(scores);
    }

    /** Always as long as the list: missing reasons become "" so readers can index blindly. */
    static String reasons(String[] reasons, int listLength) {
        String[] aligned = new String[listLength];
        Arrays.fill(aligned, "");
        if (reasons != null) {
            for (int i = 0; i < listLength; i++) {
                aligned[i] = reasons[i] == null ? "" : reasons[i];
            }
        }
        return write(aligned);
    }

    /** Item ids as a JSON array (the exclusions of a user's list). */
    static String ids(String[] ids) {
        return write(ids);
    }

    static List<String> parseIds(String json) throws JsonProcessingException {
        return Arrays.asList(JSON.readValue(json, String[].class));
    }

    static double[] parseScores(String json) throws JsonProcessingException {
        return JSON.readValue(json, double[].class);
    }

    /** JSON nulls (never written by the writer) read as "", like missing reasons. */
    static List<String> parseReasons(String json) throws JsonProcessingException {
        List<String> reasons = Arrays.asList(JSON.readValue(json, String[].class));
        reasons.replaceAll(r -> r == null ? "" : r);
        return reasons;
    }

    private static String write(Object array) {
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Plain arrays always serialise", e);
        }
    }
}
