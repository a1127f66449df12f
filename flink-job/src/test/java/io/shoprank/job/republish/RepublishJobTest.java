package io.shoprank.job.republish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoprank.job.JobConfig;
import io.shoprank.store.StoreWrite;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.junit.jupiter.api.Test;

/** The command line and the report of RepublishJob. */
class RepublishJobTest {

    @Test
    void takesTheJobsOwnArgumentsBesidesItsOwn() {
        RepublishJob.Options o = RepublishJob.Options.parse(new String[] {
                "--source", "kafka", "--redis", "redis://r:6379", "--snapshot", "s3://b/savepoints/savepoint-1",
                "--namespace", "ns", "--redis-ttl-hours", "24", "--k", "10", "--parallelism", "4"});
        assertEquals("s3://b/savepoints/savepoint-1", o.snapshot());
        assertNull(o.savepointOf());
        JobConfig c = o.config();
        assertEquals("redis://r:6379", c.redisUrl);
        assertEquals("ns", c.namespace);
        assertEquals(Duration.ofHours(24), c.redisTtl);
        assertEquals(10, c.k);
        assertEquals(4, c.parallelism);
    }

    @Test
    void aFileJobsArgumentsWorkTooAndSourcesMayBeLeftOut() {
        RepublishJob.Options file = RepublishJob.Options.parse(new String[] {
                "--events", "x.jsonl.gz", "--savepoint-of", "http://localhost:8081", "--job-id", "abc"});
        assertEquals("http://localhost:8081", file.savepointOf());
        assertEquals("abc", file.jobId());
        assertEquals(JobConfig.SourceKind.FILE, file.config().source);

        RepublishJob.Options none = RepublishJob.Options.parse(new String[] {"--snapshot", "/tmp/chk-3"});
        assertEquals(JobConfig.SourceKind.KAFKA, none.config().source, "no source needed: nothing is read from it");
    }

    @Test
    void rejectsAmbiguousOrIncompleteCommandLines() {
        assertThrows(IllegalArgumentException.class, () -> RepublishJob.Options.parse(new String[] {"--k", "5"}),
                "neither --snapshot nor --savepoint-of");
        assertThrows(IllegalArgumentException.class, () -> RepublishJob.Options.parse(
                new String[] {"--snapshot", "a", "--savepoint-of", "http://h:8081"}));
        assertThrows(IllegalArgumentException.class, () -> RepublishJob.Options.parse(
                new String[] {"--snapshot", "a", "--job-id", "b"}), "--job-id needs --savepoint-of");
        assertThrows(IllegalArgumentException.class, () -> RepublishJob.Options.parse(
                new String[] {"--snapshot", "--k", "5"}), "a flag as the path");
        assertThrows(IllegalArgumentException.class, () -> RepublishJob.Options.parse(
                new String[] {"--snapshot", "a", "--no-such-setting", "1"}), "job settings are validated");
    }

    @Test
    void picksTheOneRunningJob() {
        JobID running = new JobID();
        List<JobStatusMessage> jobs = List.of(
                new JobStatusMessage(new JobID(), "old", JobStatus.FINISHED, 1),
                new JobStatusMessage(running, "shoprank", JobStatus.RUNNING, 2));
        assertEquals(running, RepublishJob.runningJob(jobs));
        assertThrows(IllegalStateException.class, () -> RepublishJob.runningJob(List.of()));
        assertThrows(IllegalStateException.class, () -> RepublishJob.runningJob(List.of(
                new JobStatusMessage(new JobID(), "a", JobStatus.RUNNING, 1),
                new JobStatusMessage(new JobID(), "b", JobStatus.RUNNING, 1))));
    }

    @Test
    void summaryCountsWritesPerKindAndThePacePerMillion() {
        Map<String, Object> acc = new HashMap<>();
        acc.put(StateReaders.writesAccumulator(StoreWrite.Kind.USER_FEATURES), 300_000L);
        acc.put(StateReaders.writesAccumulator(StoreWrite.Kind.RECOMMENDATIONS), 200_000L);
        acc.put(StateReaders.writesAccumulator(StoreWrite.Kind.TRENDING), 1L);
        acc.put(StateReaders.writesAccumulator(StoreWrite.Kind.CATEGORY_TRENDING), 99_999L);
        acc.put(StateReaders.skippedAccumulator(StoreWrite.Kind.SIMILAR_ITEMS), 5L);

        RepublishJob.Summary s = RepublishJob.Summary.of(acc, 12_000);

        assertEquals(600_000, s.total());
        assertEquals(20.0, s.secondsPerMillion(), 1e-9);
        assertEquals(0L, s.writes().get(StoreWrite.Kind.ITEM_FEATURES), "a kind without writes counts 0");
        String text = s.describe();
        assertTrue(text.contains("Republished 600,000 values in 12.0 s (20 s per million"), text);
        assertTrue(text.contains("trending lists") && text.contains("100,000"), text);
        assertTrue(text.contains("0 recommendation and 5 similar-items lists"), text);
        assertEquals(0, RepublishJob.Summary.of(Map.of(), 5).secondsPerMillion());
    }
}
