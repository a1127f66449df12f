package io.shoprank.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * There is no Docker engine here, so deploy/Dockerfile is checked by reading it, after {@code mvn package}
 * (this runs in {@code verify}, under failsafe): every local file it COPYs or ADDs exists and gets through
 * deploy/Dockerfile.dockerignore, the base image is the Flink version the build compiles against, the job jar
 * is a proper cluster jar (main class, the connector and clients it needs, nothing the Flink distribution
 * provides), and the ND4J/JavaCPP natives go to lib/ for linux-x86_64 only.
 */
class DockerfileIT {
    private static Path root;
    private static String dockerfileText;
    private static List<Instruction> instructions;
    private static Map<String, String> args;

    /** One instruction of the Dockerfile, continuation lines joined. */
    record Instruction(int line, String keyword, String rest) {}

    @BeforeAll
    static void parse() throws IOException {
        root = K8sManifestsTest.repositoryRoot();
        dockerfileText = Files.readString(root.resolve("deploy/Dockerfile"));
        instructions = instructions(dockerfileText);
        args = new LinkedHashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword.equals("ARG")) {
                String[] kv = i.rest.split("=", 2);
                args.put(kv[0].trim(), kv.length > 1 ? unquote(kv[1].trim()) : "");
            }
        }
    }

    @Test
    void everyLocalFileTheDockerfileCopiesExists() throws IOException {
        List<String> sources = localSources();
        List<String> errors = new ArrayList<>();
        for (String src : sources) {
            if (src.contains("*") || src.contains("?")) {
                PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + src);
                try (Stream<Path> all = Files.walk(root)) {
                    if (all.map(root::relativize).noneMatch(m::matches)) {
                        errors.add(src + " matches no file");
                    }
                }
            } else if (!Files.exists(root.resolve(src))) {
                errors.add(src + " does not exist (run `mvn package` first?)");
            }
        }
        assertTrue(errors.isEmpty(), "deploy/Dockerfile copies missing files:\n" + String.join("\n", errors));
        assertTrue(sources.contains("flink-job/target/shoprank-job.jar"), "the job jar is not copied: " + sources);
    }

    @Test
    void theDockerignoreLetsEveryCopiedFileThrough() throws IOException {
        Path ignore = root.resolve("deploy/Dockerfile.dockerignore");
        assertTrue(Files.isRegularFile(ignore), "deploy/Dockerfile.dockerignore keeps the build context small");
        List<String> patterns = Files.readAllLines(ignore).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String src : localSources()) {
            assertFalse(ignored(src, patterns), src + " is copied by deploy/Dockerfile but excluded from the build "
                    + "context by deploy/Dockerfile.dockerignore");
        }
        assertTrue(ignored("flink-job/target/classes/io/shoprank/job/ShoprankJob.class", patterns),
                "the dockerignore should exclude what the image does not need");
    }

    @Test
    void theBaseImageIsTheFlinkVersionTheJobIsBuiltAgainst() {
        String flinkVersion = K8sManifestsTest.parentPomProperty(root, "flink.version");
        List<Instruction> froms = instructions.stream().filter(i -> i.keyword.equals("FROM")).toList();
        assertFalse(froms.isEmpty(), "no FROM");
        String last = expand(froms.get(froms.size() - 1).rest.split("\\s+")[0]);
        assertEquals("flink:" + flinkVersion + "-java17", last,
                "the image must be the official Flink image of flink.version " + flinkVersion + " on Java 17");
    }

    @Test
    void theJobJarGoesToUsrlibAndTheNativesToLib() {
        assertTrue(copies("flink-job/target/shoprank-job.jar", "/opt/flink/usrlib/shoprank-job.jar"),
                "the job jar must be /opt/flink/usrlib/shoprank-job.jar (the FlinkDeployment's jarURI)");
        assertTrue(instructions.stream().anyMatch(i -> i.keyword.equals("COPY") && i.rest.contains("--from=natives")
                        && i.rest.trim().endsWith(" /opt/flink/lib/")),
                "the ND4J/JavaCPP jars must go to /opt/flink/lib/ (parent class loader), not into the job jar");
        assertTrue(instructions.stream().anyMatch(i -> i.keyword.equals("RUN")
                        && i.rest.contains("-Djavacpp.platform=linux-x86_64")),
                "the natives build must pin -Djavacpp.platform=linux-x86_64");
        assertTrue(copies("deploy/flink-conf/config.yaml", "/opt/flink/conf/shoprank.yaml")
                        && dockerfileText.contains(">> /opt/flink/conf/config.yaml"),
                "deploy/flink-conf/config.yaml must be appended to the image's config.yaml");
        assertTrue(dockerfileText.contains("plugins/metrics-prometheus"), "the Prometheus reporter plugin");
    }

    @Test
    void theNativesAreForLinuxX8664OnlyAndNeverThePlatformArtifacts() throws IOException {
        String pom = Files.readString(root.resolve("deploy/docker/pom.xml"));
        assertEquals("linux-x86_64", property(pom, "javacpp.platform"));
        assertEquals(K8sManifestsTest.parentPomProperty(root, "nd4j.version"), property(pom, "nd4j.version"),
                "deploy/docker/pom.xml must put the ND4J version the job is built with in lib/");
        Matcher dep = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        int natives = 0;
        while (dep.find()) {
            String d = dep.group(1);
            String artifact = tag(d, "artifactId");
            assertFalse(artifact.endsWith("-platform"), artifact + ": the -platform artifacts pull every OS's natives");
            String classifier = tag(d, "classifier");
            if (classifier != null) {
                assertEquals("${javacpp.platform}", classifier, artifact + " must use the pinned platform classifier");
                natives++;
            }
        }
        assertEquals(3, natives, "nd4j-native, javacpp and openblas each need their linux-x86_64 jar");
    }

    @Test
    void theJobJarIsAClusterJar() throws IOException {
        Path jar = root.resolve("flink-job/target/shoprank-job.jar");
        assertTrue(Files.isRegularFile(jar), jar + " (mvn package makes it)");
        try (JarFile j = new JarFile(jar.toFile())) {
            assertNotNull(j.getManifest(), "no manifest");
            assertEquals("io.shoprank.job.ShoprankJob", j.getManifest().getMainAttributes().getValue("Main-Class"));
            for (String needed : List.of(
                    "io/shoprank/job/ShoprankJob.class",
                    "io/shoprank/store/RedisEndpoint.class",
                    "org/apache/flink/connector/kafka/source/KafkaSource.class",
                    "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                    "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                    "redis/clients/jedis/Jedis.class",
                    "com/fasterxml/jackson/databind/ObjectMapper.class",
                    "io/shoprank/job/republish/RepublishJob.class",
                    "org/apache/flink/state/api/SavepointReader.class")) {
                assertNotNull(j.getEntry(needed), "the job jar lacks " + needed);
            }
            Set<String> bundled = bundledFlinkEntries();
            List<String> provided = new ArrayList<>();
            List<String> foreignNatives = new ArrayList<>();
            for (JarEntry e : Collections.list(j.entries())) {
                String n = e.getName();
                // Flink classes: only the Kafka connector's and the State Processor API's (the distribution has the rest)
                if (n.startsWith("org/apache/flink/") && !e.isDirectory() && !bundled.contains(n)) {
                    provided.add(n);
                }
                for (String prefix : List.of("org/rocksdb/", "org/apache/logging/log4j/", "org/slf4j/", "org/nd4j/",
                        "org/bytedeco/", "org/knowm/xchart/", "com/esotericsoftware/kryo/", "org/xerial/snappy/")) {
                    if (n.startsWith(prefix)) {
                        provided.add(n);
                    }
                }
                if (n.matches(".*\\.(so|dll|dylib|jnilib)$") && !n.matches("linux/(amd64|aarch64)/libzstd-jni[^/]*\\.so")) {
                    foreignNatives.add(n);
                }
            }
            assertTrue(provided.isEmpty(), "the job jar bundles what the Flink image provides (or must load from "
                    + "lib/), e.g. " + provided.subList(0, Math.min(10, provided.size())));
            assertTrue(foreignNatives.isEmpty(), "native libraries in the job jar: " + foreignNatives);
        }
        assertTrue(Files.size(jar) < 40L * 1024 * 1024, "the job jar grew past 40 MB: " + Files.size(jar));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The entries of the Flink jars the job jar must carry because the distribution's lib/ lacks them:
     * flink-connector-kafka and flink-state-processor-api (RepublishJob), as the build resolved them
     * (target/classpath.txt names them).
     */
    private static Set<String> bundledFlinkEntries() throws IOException {
        Path classpath = root.resolve("flink-job/target/classpath.txt");
        assertTrue(Files.isRegularFile(classpath), classpath + " (mvn package makes it)");
        Set<String> entries = new java.util.HashSet<>();
        for (String artifact : List.of("flink-connector-kafka-", "flink-state-processor-api-")) {
            String jar = Stream.of(Files.readString(classpath).trim().split(java.io.File.pathSeparator))
                    .filter(p -> Path.of(p).getFileName().toString().startsWith(artifact))
                    .findFirst().orElseThrow(() -> new AssertionError(artifact + "* is not on the runtime classpath"));
            try (JarFile j = new JarFile(jar)) {
                Collections.list(j.entries()).forEach(e -> entries.add(e.getName()));
            }
        }
        return entries;
    }

    /** The local (build context) sources of every COPY and ADD, with ARG defaults expanded. */
    private static List<String> localSources() {
        List<String> sources = new ArrayList<>();
        for (Instruction i : instructions) {
            if (!i.keyword.equals("COPY") && !i.keyword.equals("ADD")) {
                continue;
            }
            List<String> words = words(i.rest);
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
                continue; // from another stage or image
            }
            List<String> paths = words.stream().filter(w -> !w.startsWith("--")).toList();
            assertTrue(paths.size() >= 2, "line " + i.line + ": " + i.keyword + " needs a source and a destination");
            for (String src : paths.subList(0, paths.size() - 1)) {
                assertFalse(src.matches("^[a-z]+://.*"), "line " + i.line + ": no remote ADD (" + src + ")");
                sources.add(expand(src).replaceFirst("^\\./", ""));
            }
        }
        return sources;
    }

    private static boolean copies(String src, String dest) {
        return instructions.stream().filter(i -> i.keyword.equals("COPY")).map(i -> words(i.rest))
                .anyMatch(w -> w.size() >= 2 && w.get(w.size() - 2).equals(src) && w.get(w.size() - 1).equals(dest));
    }

    /** Words of an instruction in shell form or JSON-array form. */
    private static List<String> words(String rest) {
        String r = rest.trim();
        List<String> out = new ArrayList<>();
        if (r.startsWith("[")) {
            Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(r);
            while (m.find()) {
                out.add(m.group(1));
            }
        } else {
            for (String w : r.split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    static List<Instruction> instructions(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (current == null && trimmed.isEmpty())) {
                continue; // comments (also between continuation lines) and blank lines
            }
            if (current == null) {
                current = new StringBuilder();
                start = n + 1;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String instruction = current.toString().trim();
                int space = instruction.indexOf(' ');
                out.add(new Instruction(start, (space < 0 ? instruction : instruction.substring(0, space)).toUpperCase(),
                        space < 0 ? "" : instruction.substring(space + 1)));
                current = null;
            }
        }
        return out;
    }

    private static String expand(String s) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            assertTrue(args.containsKey(m.group(1)), "undeclared ARG " + m.group(1) + " in " + s);
            m.appendReplacement(b, Matcher.quoteReplacement(args.get(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /**
     * Docker's .dockerignore rule, enough for this file: the last pattern that matches the path or one of its
     * parent directories decides; {@code !} re-includes; {@code *} and {@code ?} stay within a path segment,
     * {@code **} crosses segments.
     */
    static boolean ignored(String path, List<String> patterns) {
        boolean excluded = false;
        for (String raw : patterns) {
            boolean negate = raw.startsWith("!");
            String p = (negate ? raw.substring(1) : raw).trim().replaceFirst("^/", "").replaceFirst("/$", "");
            Pattern regex = Pattern.compile(globToRegex(p));
            String candidate = path;
            boolean matches = false;
            while (true) {
                if (regex.matcher(candidate).matches()) {
                    matches = true;
                    break;
                }
                int slash = candidate.lastIndexOf('/');
                if (slash < 0) {
                    break;
                }
                candidate = candidate.substring(0, slash);
            }
            if (matches) {
                excluded = !negate;
            }
        }
        return excluded;
    }

    private static String globToRegex(String glob) {
        StringBuilder r = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                r.append(".*");
                i++;
            } else if (c == '*') {
                r.append("[^/]*");
            } else if (c == '?') {
                r.append("[^/]");
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return r.toString();
    }

    private static String property(String pom, String name) {
        return tag(pom, name);
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(xml);
        return m.find() ? m.group(1).trim() : null;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
