package io.shoprank.job.local;

import io.shoprank.job.source.JsonLinesFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A quick pre-scan of a replay file for the local runner: how many lines (for the progress bar) and which
 * users are most active (to show their lists at the end). Not validation: the job does that.
 */
public record ReplayFileSummary(long lines, List<String> busiestUsers) {
    private static final Pattern USER = Pattern.compile("\"user\"\\s*:\\s*\"?([^\",}]+)");

    public static ReplayFileSummary scan(Path file, int topUsers) throws IOException {
        Map<String, Integer> perUser = new HashMap<>();
        long lines = 0;
        try (BufferedReader r = JsonLinesFiles.open(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                Matcher m = USER.matcher(line);
                if (m.find()) {
                    perUser.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        List<Map.Entry<String, Integer>> users = new ArrayList<>(perUser.entrySet());
        users.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> busiest = new ArrayList<>();
        for (int i = 0; i < Math.min(topUsers, users.size()); i++) {
            busiest.add(users.get(i).getKey());
        }
        return new ReplayFileSummary(lines, busiest);
    }
}
