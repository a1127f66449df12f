package io.shoprank.job.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoprank.job.events.RecordRouter;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Prints the replay's progress once a second, read from the Flink REST API (the accumulators the dashboard
 * shows): events routed (valid, invalid or late) against the file's line count.
 */
final class ProgressMonitor implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final String jobUrl;
    private final long total;
    private final PrintStream out;
    private final long startMs = System.currentTimeMillis();
    private final Thread thread;
    private volatile boolean running = true;

    ProgressMonitor(int restPort, String jobId, long total, PrintStream out) {
        this.jobUrl = "http://127.0.0.1:" + restPort + "/jobs/" + jobId;
        this.total = total;
        this.out = out;
        this.thread = new Thread(this::loop, "progress");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(1000);
                long done = sourceRecords();
                if (done >= 0) {
                    out.print("\r" + bar(done, total, System.currentTimeMillis() - startMs));
                    out.flush();
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the REST endpoint is not up yet or the job just finished: try again next tick
            }
        }
    }

    private long sourceRecords() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jobUrl + "/accumulators"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) return -1;
        long records = 0;
        for (JsonNode a : MAPPER.readTree(r.body()).path("user-task-accumulators")) {
            String name = a.path("name").asText();
            if (name.equals(RecordRouter.ACC_EVENTS) || name.equals(RecordRouter.ACC_INVALID)
                    || name.equals(RecordRouter.ACC_LATE)) {
                records += a.path("value").asLong();
            }
        }
        return records;
    }

    static String bar(long done, long total, long elapsedMs) {
        double rate = done * 1000.0 / Math.max(1, elapsedMs);
        if (total <= 0) {
            return String.format("%,d events  %,.0f events/s", done, rate);
        }
        int width = 30;
        double f = Math.min(1, done / (double) total);
        int filled = (int) Math.round(f * width);
        return String.format("[%s%s] %3.0f%%  %,d/%,d events  %,.0f events/s", "#".repeat(filled),
                ".".repeat(width - filled), f * 100, done, total, rate);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
