package io.shoprank.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.shoprank.job.JobConfig;
import io.shoprank.job.ShoprankJob;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Offline validation of k8s/: every FlinkDeployment and FlinkSessionJob, in the files as written and in the base
 * and every overlay as {@code kubectl kustomize} renders them, against the {@code openAPIV3Schema} of the Flink
 * Kubernetes operator's CRDs in {@code ../shared/k8s-crds/}. Unknown fields are errors: the API server would
 * silently prune them, so a misspelled field would just not take effect ({@code additionalProperties: false} is
 * injected into every object schema that lists its properties and does not keep unknown fields).
 *
 * <p>Beyond the schema: the job's arguments parse and agree with the cluster settings the job overrides, the
 * Flink configuration keys exist in Flink 2.x and are not deprecated, deploy/flink-conf/config.yaml and the
 * base agree, no secret is inline, and the job graph has every stateful operator uid a savepoint upgrade needs.
 *
 * <p>Needs {@code kubectl} on the PATH (or {@code $KUBECTL}); deploy/test.sh installs Debian's
 * kubernetes-client when it is missing.
 */
class K8sManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String API_VERSION = "flink.apache.org/v1beta1";
    private static final String JAR_URI = "local:///opt/flink/usrlib/shoprank-job.jar";

    /** Operator uids that carry state a savepoint upgrade must find again (docs/ARCHITECTURE.md). */
    private static final List<String> KAFKA_MODE_UIDS = List.of("source-events", "source-items", "route",
            "user-features", "item-features", "trending", "user-sequence", "co-visitation", "model-updater",
            "recommend", "redis-sink", "dead-letter-kafka");

    /** Prefixes of keys that are not options of Flink's core classes on this classpath. */
    private static final List<String> NON_CORE_PREFIXES = List.of(
            "kubernetes.",          // flink-kubernetes and the operator
            "job.autoscaler.",      // the operator's autoscaler
            "metrics.reporter.",    // per-reporter keys, read by the reporter plugin
            "s3.", "fs.s3a.");      // the S3 file system plugin

    private static final List<String> OPTION_CLASSES = List.of(
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.StateChangelogOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.HighAvailabilityOptions",
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.PipelineOptions",
            "org.apache.flink.configuration.ExecutionOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.ResourceManagerOptions",
            "org.apache.flink.configuration.ClusterOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.WebOptions",
            "org.apache.flink.configuration.SecurityOptions",
            "org.apache.flink.configuration.RpcOptions",
            "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
            "org.apache.flink.configuration.DeploymentOptions",
            "org.apache.flink.configuration.HeartbeatManagerOptions",
            "org.apache.flink.configuration.BlobServerOptions",
            "org.apache.flink.configuration.CleanupOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions");

    private static Path root;
    private static Map<String, JsonSchema> schemas;
    /** Rendered output per kustomization directory (k8s/base, k8s/overlays/*), relative to the repository. */
    private static Map<String, List<JsonNode>> rendered;

    @BeforeAll
    static void load() throws Exception {
        root = repositoryRoot();
        Path crds = sharedCrds();
        schemas = new LinkedHashMap<>();
        schemas.put("FlinkDeployment", schema(crds.resolve("flinkdeployments.flink.apache.org-v1.yml"),
                "FlinkDeployment"));
        schemas.put("FlinkSessionJob", schema(crds.resolve("flinksessionjobs.flink.apache.org-v1.yml"),
                "FlinkSessionJob"));
        rendered = new LinkedHashMap<>();
        for (Path dir : kustomizations()) {
            rendered.put(root.relativize(dir).toString(), kustomize(dir));
        }
    }

    // ---------------------------------------------------------------- schema validation

    @Test
    void everyFlinkResourceInTheFilesMatchesTheCrd() throws IOException {
        int checked = 0;
        List<String> errors = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("k8s"))) {
            for (Path f : files.filter(K8sManifestsTest::isYaml).sorted().toList()) {
                if (f.getFileName().toString().startsWith("kustomization")) {
                    continue;
                }
                for (JsonNode doc : readAll(f)) {
                    if (schemas.containsKey(doc.path("kind").asText())) {
                        errors.addAll(validate(doc, root.relativize(f).toString()));
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 3, "expected the base FlinkDeployment and the overlays' patches, found " + checked);
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void everyRenderedKustomizationMatchesTheCrd() {
        assertTrue(rendered.containsKey("k8s/base"), "k8s/base must render");
        assertTrue(rendered.containsKey("k8s/overlays/dev") && rendered.containsKey("k8s/overlays/prod"),
                "the dev and prod overlays must render: " + rendered.keySet());
        List<String> errors = new ArrayList<>();
        rendered.forEach((dir, docs) -> {
            long deployments = docs.stream().filter(d -> "FlinkDeployment".equals(d.path("kind").asText())).count();
            if (deployments != 1) {
                errors.add(dir + ": expected one FlinkDeployment, rendered " + deployments);
            }
            for (JsonNode doc : docs) {
                if (schemas.containsKey(doc.path("kind").asText())) {
                    errors.addAll(validate(doc, dir + " (rendered)"));
                }
            }
        });
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void aMisspelledFieldFails() {
        ObjectNode fd = renderedDeployment("k8s/overlays/dev").deepCopy();
        ObjectNode job = (ObjectNode) fd.path("spec").path("job");
        job.set("upgradMode", job.remove("upgradeMode"));
        assertErrorMentions(fd, "upgradMode");

        ObjectNode top = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) top.path("spec")).set("flinkConfigration", ((ObjectNode) top.path("spec")).remove("flinkConfiguration"));
        assertErrorMentions(top, "flinkConfigration");

        // deep inside the pod template (a core/v1 PodSpec in the CRD)
        ObjectNode deep = renderedDeployment("k8s/overlays/dev").deepCopy();
        ObjectNode container = (ObjectNode) deep.path("spec").path("podTemplate").path("spec").path("containers").get(0);
        container.set("volumeMount", container.remove("volumeMounts"));
        assertErrorMentions(deep, "volumeMount");

        ObjectNode meta = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) meta.path("metadata")).put("lables", "x");
        assertErrorMentions(meta, "lables");
    }

    @Test
    void aWrongTypeOrValueFails() {
        ObjectNode fd = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) fd.path("spec").path("job")).put("parallelism", "two");
        assertErrorMentions(fd, "parallelism");

        ObjectNode args = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) args.path("spec").path("job")).put("args", "--source kafka");
        assertErrorMentions(args, "args");

        ObjectNode cpu = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) cpu.path("spec").path("taskManager").path("resource")).put("cpu", "two cores");
        assertErrorMentions(cpu, "cpu");

        ObjectNode mode = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) mode.path("spec").path("job")).put("upgradeMode", "savepoints");
        assertErrorMentions(mode, "upgradeMode");

        ObjectNode version = renderedDeployment("k8s/overlays/dev").deepCopy();
        ((ObjectNode) version.path("spec")).put("flinkVersion", "v2_9");
        assertErrorMentions(version, "flinkVersion");
    }

    @Test
    void aSessionJobIsValidatedAgainstItsOwnCrd() throws IOException {
        // there is no FlinkSessionJob under k8s/ today; this keeps the session job schema wired and strict
        JsonNode job = YAML.readTree(String.join("\n",
                "apiVersion: flink.apache.org/v1beta1",
                "kind: FlinkSessionJob",
                "metadata: {name: shoprank}",
                "spec:",
                "  deploymentName: shoprank-session",
                "  job:",
                "    jarURI: " + JAR_URI,
                "    entryClass: io.shoprank.job.ShoprankJob",
                "    args: [--source, kafka]",
                "    parallelism: 2",
                "    upgradeMode: savepoint"));
        assertEquals(List.of(), validate(job, "session job"));
        ObjectNode typo = job.deepCopy();
        ((ObjectNode) typo.path("spec")).set("deploymentNme", ((ObjectNode) typo.path("spec")).remove("deploymentName"));
        assertErrorMentions(typo, "deploymentNme");
        ObjectNode type = job.deepCopy();
        ((ObjectNode) type.path("spec").path("job")).put("parallelism", "2x");
        assertErrorMentions(type, "parallelism");
    }

    // ---------------------------------------------------------------- what the schema cannot see

    @Test
    void theJobArgumentsAgreeWithTheClusterSettings() {
        String flinkVersion = parentPomProperty("flink.version");
        String dockerfile = read(root.resolve("deploy/Dockerfile"));
        rendered.forEach((dir, docs) -> {
            JsonNode fd = deployment(dir, docs);
            JsonNode spec = fd.path("spec");
            JsonNode conf = spec.path("flinkConfiguration");
            JsonNode job = spec.path("job");
            String at = dir + ": ";

            assertEquals("v" + flinkVersion.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"), spec.path("flinkVersion").asText(),
                    at + "flinkVersion must match the parent pom's flink.version " + flinkVersion);
            assertEquals("savepoint", job.path("upgradeMode").asText(), at + "upgradeMode");
            assertEquals(JAR_URI, job.path("jarURI").asText(), at + "jarURI");
            assertTrue(dockerfile.contains(JAR_URI.substring("local://".length())),
                    at + "deploy/Dockerfile must put the job jar where jarURI points: " + JAR_URI);
            assertEquals(ShoprankJob.class.getName(), job.path("entryClass").asText(), at + "entryClass");

            List<String> args = new ArrayList<>();
            job.path("args").forEach(a -> args.add(a.asText()));
            JobConfig config = JobConfig.fromArgs(args.toArray(String[]::new)); // throws on an unknown flag or bad value
            assertEquals(JobConfig.SourceKind.KAFKA, config.source, at + "--source");
            assertEquals(job.path("parallelism").asInt(), config.parallelism,
                    at + "--parallelism (which the job applies itself) must equal job.parallelism");
            assertEquals(conf.path("execution.checkpointing.dir").asText(), config.checkpointDir,
                    at + "--checkpoint-dir (which the job applies itself) must equal execution.checkpointing.dir");
            assertEquals(TimeUtils.parseDuration(conf.path("execution.checkpointing.interval").asText()),
                    config.checkpointInterval, at + "--checkpoint-interval-ms must equal execution.checkpointing.interval");

            assertEquals("kubernetes", conf.path("high-availability.type").asText(), at + "Kubernetes HA");
            for (String key : List.of("high-availability.storageDir", "execution.checkpointing.dir",
                    "execution.checkpointing.savepoint-dir")) {
                assertTrue(conf.path(key).asText().startsWith("s3://"), at + key + " must be an s3:// URI");
            }
            assertEquals("true", conf.path("job.autoscaler.enabled").asText(), at + "job.autoscaler.enabled");
            assertTrue(conf.path("pipeline.max-parallelism").asInt() >= job.path("parallelism").asInt(),
                    at + "pipeline.max-parallelism");
            assertFalse(spec.path("jobManager").path("resource").path("memory").isMissingNode(), at + "JM memory");
            assertFalse(spec.path("taskManager").path("resource").path("memory").isMissingNode(), at + "TM memory");

            // the service account exists and is the one the RoleBinding grants
            String sa = spec.path("serviceAccount").asText();
            String ns = fd.path("metadata").path("namespace").asText("");
            assertTrue(docs.stream().anyMatch(d -> "ServiceAccount".equals(d.path("kind").asText())
                    && sa.equals(d.path("metadata").path("name").asText())), at + "service account " + sa);
            assertTrue(docs.stream().filter(d -> "RoleBinding".equals(d.path("kind").asText()))
                    .flatMap(d -> stream(d.path("subjects")))
                    .anyMatch(s -> sa.equals(s.path("name").asText())
                            && (ns.isEmpty() || ns.equals(s.path("namespace").asText()))),
                    at + "a RoleBinding must grant " + sa + " in namespace " + ns);
        });
    }

    @Test
    void noSecretIsInline() {
        rendered.forEach((dir, docs) -> {
            for (JsonNode doc : docs) {
                String what = dir + ": " + doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
                assertFalse("Secret".equals(doc.path("kind").asText()),
                        what + ": Secrets are created out of band (k8s/README.md), never rendered from the repository");
                for (JsonNode container : containers(doc)) {
                    for (JsonNode env : container.path("env")) {
                        if (env.path("name").asText().matches("(?i).*(password|secret|token|access_key|key_id).*")) {
                            assertTrue(env.path("value").isMissingNode(), what + ": env " + env.path("name") + " is inline");
                            assertFalse(env.path("valueFrom").path("secretKeyRef").isMissingNode(),
                                    what + ": env " + env.path("name") + " must come from a Secret");
                        }
                    }
                }
                if ("FlinkDeployment".equals(doc.path("kind").asText())) {
                    doc.path("spec").path("flinkConfiguration").fields().forEachRemaining(e -> assertFalse(
                            e.getKey().matches("(?i).*(password|secret|access-key|credentials).*"),
                            what + ": credentials in flinkConfiguration: " + e.getKey()));
                    for (JsonNode arg : doc.path("spec").path("job").path("args")) {
                        assertFalse(arg.asText().matches("(?i)rediss?://[^/]*@.*"),
                                what + ": the Redis URL in args carries a password");
                        assertFalse(arg.asText().toLowerCase().contains("password"), what + ": a password in args");
                    }
                }
            }
        });
    }

    @Test
    void theBaseRepeatsTheImageConfiguration() throws IOException {
        JsonNode image = YAML.readTree(root.resolve("deploy/flink-conf/config.yaml").toFile());
        JsonNode base = deployment("k8s/base", rendered.get("k8s/base")).path("spec").path("flinkConfiguration");
        List<String> mismatches = new ArrayList<>();
        image.fields().forEachRemaining(e -> {
            JsonNode b = base.get(e.getKey());
            if (b == null || !b.asText().equals(e.getValue().asText())) {
                mismatches.add(e.getKey() + ": deploy/flink-conf/config.yaml has " + e.getValue().asText()
                        + ", k8s/base has " + (b == null ? "nothing" : b.asText()));
            }
        });
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    @Test
    void everyFlinkConfigurationKeyExistsInFlinkAndIsNotDeprecated() throws IOException {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        Map<String, String> deprecated = new TreeMap<>();
        collectOptions(options, deprecated);
        assertTrue(options.containsKey("execution.checkpointing.dir") && options.containsKey("state.backend.type"),
                "Flink's option classes were not found");

        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        configs.put("deploy/flink-conf/config.yaml", flat(YAML.readTree(root.resolve("deploy/flink-conf/config.yaml").toFile())));
        rendered.forEach((dir, docs) ->
                configs.put(dir, flat(deployment(dir, docs).path("spec").path("flinkConfiguration"))));

        List<String> errors = new ArrayList<>();
        configs.forEach((where, conf) -> {
            Configuration flink = Configuration.fromMap(conf);
            conf.forEach((key, value) -> {
                if (deprecated.containsKey(key)) {
                    errors.add(where + ": " + key + " is deprecated, use " + deprecated.get(key));
                } else if (NON_CORE_PREFIXES.stream().noneMatch(key::startsWith)) {
                    ConfigOption<?> option = options.get(key);
                    if (option == null) {
                        errors.add(where + ": " + key + " is not a Flink " + parentPomProperty("flink.version") + " option");
                    } else {
                        try {
                            flink.get(option);
                        } catch (RuntimeException e) {
                            errors.add(where + ": " + key + ": " + value + ": " + e.getMessage());
                        }
                    }
                }
            });
        });
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void theJobGraphHasEveryStatefulOperatorUid() {
        // Kafka mode, as deployed: building the graph connects to nothing
        StreamGraph kafka = streamGraph("--source", "kafka");
        Set<String> uids = uids(kafka);
        List<String> missing = KAFKA_MODE_UIDS.stream().filter(u -> !uids.contains(u)).toList();
        assertTrue(missing.isEmpty(), "operator uids missing from the job graph: " + missing + " (has " + uids + ")");
        for (StreamNode node : kafka.getStreamNodes()) {
            if (node.getStatePartitioners().length > 0) {
                assertNotNull(node.getTransformationUID(),
                        "keyed operator '" + node.getOperatorName() + "' has no uid: its state would not survive a savepoint upgrade");
            }
        }
        // replay mode has the file dead-letter sink instead
        StreamGraph file = streamGraph("--source", "file",
                "--events", root.resolve("deploy/sample/ms-store.events.jsonl.gz").toString(),
                "--items", root.resolve("deploy/sample/ms-store.items.jsonl.gz").toString());
        Set<String> fileUids = uids(file);
        assertTrue(fileUids.contains("dead-letter-file") && fileUids.contains("source-events")
                && fileUids.contains("source-items"), "replay-mode uids: " + fileUids);
    }

    // ---------------------------------------------------------------- helpers

    private static StreamGraph streamGraph(String... args) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ShoprankJob.build(env, JobConfig.fromArgs(args));
        return env.getStreamGraph();
    }

    private static Set<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(u -> u != null).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void collectOptions(Map<String, ConfigOption<?>> options, Map<String, String> deprecated) {
        for (String name : OPTION_CLASSES) {
            Class<?> c;
            try {
                c = Class.forName(name);
            } catch (ClassNotFoundException e) {
                continue; // an option class that moved: its keys are then reported unknown, not silently accepted
            }
            for (Field f : c.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) f.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.isAnnotationPresent(Deprecated.class)) {
                    deprecated.putIfAbsent(option.key(), "the option that replaces " + c.getSimpleName() + "." + f.getName());
                    continue;
                }
                options.put(option.key(), option);
                for (FallbackKey fallback : option.fallbackKeys()) {
                    if (fallback.isDeprecated()) {
                        deprecated.put(fallback.getKey(), option.key());
                    }
                }
            }
        }
        deprecated.keySet().removeAll(options.keySet());
    }

    private static Map<String, String> flat(JsonNode config) {
        Map<String, String> m = new LinkedHashMap<>();
        config.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static List<JsonNode> containers(JsonNode doc) {
        List<JsonNode> out = new ArrayList<>();
        List<JsonNode> podSpecs = new ArrayList<>();
        JsonNode spec = doc.path("spec");
        podSpecs.add(spec.path("template").path("spec"));                 // Deployment, StatefulSet
        podSpecs.add(spec.path("podTemplate").path("spec"));              // FlinkDeployment
        podSpecs.add(spec.path("jobManager").path("podTemplate").path("spec"));
        podSpecs.add(spec.path("taskManager").path("podTemplate").path("spec"));
        for (JsonNode podSpec : podSpecs) {
            podSpec.path("containers").forEach(out::add);
            podSpec.path("initContainers").forEach(out::add);
        }
        return out;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l.stream();
    }

    private static JsonNode renderedDeployment(String dir) {
        return deployment(dir, rendered.get(dir));
    }

    private static JsonNode deployment(String dir, List<JsonNode> docs) {
        assertNotNull(docs, dir + " was not rendered");
        return docs.stream().filter(d -> "FlinkDeployment".equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(dir + " renders no FlinkDeployment"));
    }

    private static void assertErrorMentions(JsonNode doc, String field) {
        List<String> errors = validate(doc, "mutated");
        assertFalse(errors.isEmpty(), "a manifest with a bad '" + field + "' passed the schema");
        assertTrue(errors.stream().anyMatch(e -> e.contains(field)),
                "the errors do not name '" + field + "': " + errors);
    }

    private static List<String> validate(JsonNode doc, String where) {
        String kind = doc.path("kind").asText();
        JsonSchema schema = schemas.get(kind);
        assertNotNull(schema, "no CRD schema for kind " + kind);
        String name = where + ": " + kind + "/" + doc.path("metadata").path("name").asText();
        return schema.validate(doc).stream().map(ValidationMessage::getMessage).map(m -> name + ": " + m).sorted().toList();
    }

    /** The CRD's openAPIV3Schema, made strict and extended with the fields every Kubernetes object has. */
    static JsonSchema schema(Path crdFile, String kind) throws IOException {
        JsonNode crd = YAML.readTree(crdFile.toFile());
        assertEquals(kind, crd.path("spec").path("names").path("kind").asText(), crdFile + " is not the " + kind + " CRD");
        JsonNode version = null;
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (API_VERSION.endsWith("/" + v.path("name").asText())) {
                version = v;
            }
        }
        assertNotNull(version, crdFile + " has no version " + API_VERSION);
        ObjectNode schema = ((ObjectNode) version.path("schema").path("openAPIV3Schema")).deepCopy();
        ObjectNode properties = (ObjectNode) schema.path("properties");
        properties.set("apiVersion", JSON.objectNode().put("type", "string")
                .set("enum", JSON.arrayNode().add(API_VERSION)));
        properties.set("kind", JSON.objectNode().put("type", "string").set("enum", JSON.arrayNode().add(kind)));
        properties.set("metadata", objectMeta());
        schema.set("required", JSON.arrayNode().add("apiVersion").add("kind").add("metadata").add("spec"));
        close(schema);
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    /** The parts of ObjectMeta a manifest may set. */
    private static ObjectNode objectMeta() {
        ObjectNode stringMap = JSON.objectNode().put("type", "object");
        stringMap.set("additionalProperties", JSON.objectNode().put("type", "string"));
        ObjectNode props = JSON.objectNode();
        props.set("name", JSON.objectNode().put("type", "string"));
        props.set("generateName", JSON.objectNode().put("type", "string"));
        props.set("namespace", JSON.objectNode().put("type", "string"));
        props.set("labels", stringMap.deepCopy());
        props.set("annotations", stringMap.deepCopy());
        props.set("finalizers", JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string")));
        ObjectNode meta = JSON.objectNode().put("type", "object");
        meta.set("properties", props);
        meta.set("required", JSON.arrayNode().add("name"));
        return meta;
    }

    /**
     * Structural-schema pruning made visible: every object schema that lists its properties and neither declares
     * additionalProperties nor keeps unknown fields gets {@code additionalProperties: false}. The
     * {@code x-kubernetes-*} markers are dropped afterwards (they are no JSON-schema keywords).
     */
    static void close(JsonNode node) {
        if (!(node instanceof ObjectNode o)) {
            return;
        }
        boolean keepsUnknown = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if (o.has("properties") && !o.has("additionalProperties") && !keepsUnknown) {
            o.put("additionalProperties", false);
        }
        o.path("properties").forEach(K8sManifestsTest::close);
        close(o.get("items"));
        close(o.get("additionalProperties"));
        close(o.get("not"));
        for (String combinator : List.of("anyOf", "allOf", "oneOf")) {
            o.path(combinator).forEach(K8sManifestsTest::close);
        }
        List<String> markers = new ArrayList<>();
        o.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("x-kubernetes-")) {
                markers.add(n);
            }
        });
        o.remove(markers);
    }

    private static List<JsonNode> kustomize(Path dir) throws IOException, InterruptedException {
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        Process p;
        try {
            p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run '" + kubectl + " kustomize' (" + e.getMessage() + "): deploy/test.sh "
                    + "installs it (Debian package kubernetes-client), or set $KUBECTL", e);
        }
        byte[] out;
        byte[] err;
        try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
            // kustomize output is small; read stdout fully, then stderr (deprecation warnings only on success)
            out = stdout.readAllBytes();
            err = stderr.readAllBytes();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize " + dir + " timed out");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed:\n" + new String(err, StandardCharsets.UTF_8));
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(out)) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    docs.add(d);
                }
            }
        }
        assertFalse(docs.isEmpty(), "kubectl kustomize " + dir + " rendered nothing");
        return docs;
    }

    private static List<Path> kustomizations() throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(root.resolve("k8s/base"));
        Path overlays = root.resolve("k8s/overlays");
        if (Files.isDirectory(overlays)) {
            try (Stream<Path> s = Files.list(overlays)) {
                s.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().forEach(dirs::add);
            }
        }
        return dirs;
    }

    private static List<JsonNode> readAll(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && d.isObject()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + p, e);
        }
    }

    private static String parentPomProperty(String name) {
        return parentPomProperty(root, name);
    }

    static String parentPomProperty(Path root, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
                .matcher(read(root.resolve("pom.xml")));
        assertTrue(m.find(), "pom.xml has no property " + name);
        return m.group(1).trim();
    }

    /** The repository: the nearest directory, from the working directory up, with k8s/ and deploy/. */
    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s")) && Files.isDirectory(p.resolve("deploy"))
                    && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (with k8s/ and deploy/) above " + here);
    }

    /** The operator's CRDs: shared/k8s-crds beside the repository (or beside one of its parents). */
    static Path sharedCrds() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("k8s-crds");
            if (Files.isRegularFile(candidate.resolve("flinkdeployments.flink.apache.org-v1.yml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("the Flink operator CRDs were not found in a shared/k8s-crds folder beside "
                + here + " or its parents");
    }
}
