package io.shoprank.store;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ShutdownParams;

/**
 * A real {@code redis-server} child process for tests, on a free loopback port with its own temporary
 * directory. Nothing is persisted unless {@link #shutdownSave()} is used, which with {@link #start()}
 * restarts the server on the same port with its data, e.g. to simulate an outage.
 *
 * <pre>{@code
 * try (RedisTestServer redis = new RedisTestServer().start()) {
 *     RedisEndpoint endpoint = RedisEndpoint.parse(redis.url());
 * }
 * }</pre>
 *
 * Uses {@code $REDIS_SERVER}, else {@code /usr/bin/redis-server}, else {@code redis-server} on the PATH.
 * Not thread-safe.
 */
public final class RedisTestServer implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 5;

    private final Path executable;
    private final List<String> extraArgs;
    private final Path dir;
    private final Thread killOnExit = new Thread(this::kill, "redis-test-server-kill");
    private int port;
    private Process process;

    /**
     * @param extraArgs appended to the command line, after the defaults they may override, e.g.
     *                  {@code "--requirepass", "secret"}
     */
    public RedisTestServer(String... extraArgs) {
        this.executable = findExecutable();
        this.extraArgs = List.of(extraArgs);
        try {
            this.dir = Files.createTempDirectory("redis-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for redis-server", e);
        }
        // Tests that die without close() must not leave servers holding ports.
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts the server and waits until it answers PING with its data loaded. The first start picks a
     * free port; later starts (after {@link #stop()} or {@link #shutdownSave()}) reuse it.
     *
     * @return this
     */
    public RedisTestServer start() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server is already running on port " + port);
        }
        if (port != 0) {
            launch(port);
            return this;
        }
        // Another process may take the free port before redis binds it: then try another.
        for (int attempt = 1; ; attempt++) {
            int candidate = freePort();
            try {
                launch(candidate);
                port = candidate;
                return this;
            } catch (IllegalStateException e) {
                boolean portTaken = String.valueOf(e.getMessage()).contains("Address already in use");
                if (!portTaken || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Kills the server at once (SIGKILL), like a crash; unsaved data is lost. */
    public void stop() {
        kill();
    }

    /** Stops the server with SHUTDOWN SAVE so that the next {@link #start()} reloads the data. */
    public void shutdownSave() {
        requireRunning();
        try (Jedis jedis = newJedis()) {
            jedis.shutdown(ShutdownParams.shutdownParams().save()); // returns once the server hangs up
        } catch (JedisException e) {
            throw new IllegalStateException("SHUTDOWN SAVE failed" + logTail(), e);
        }
        try {
            if (!process.waitFor(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server did not exit after SHUTDOWN SAVE" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server to exit", e);
        } finally {
            kill(); // no-op unless the wait failed
        }
    }

    public int port() {
        if (port == 0) {
            throw new IllegalStateException("redis-server was never started");
        }
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, for {@link RedisEndpoint#parse}. */
    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** A fresh direct connection for test setup and assertions; the caller closes it. */
    public Jedis newJedis() {
        return connect(port(), 2_000);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
        deleteDir();
    }

    private void launch(int onPort) {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--port", Integer.toString(onPort),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--dbfilename", "dump.rdb",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no"));
        command.addAll(extraArgs);
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + executable, e);
        }
        awaitReady(onPort);
    }

    private void awaitReady(int onPort) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with code " + process.exitValue()
                        + " while starting on port " + onPort + logTail());
            }
            try (Jedis jedis = connect(onPort, 1_000)) {
                // PING answers during loading, so also wait for the dump to be loaded.
                if ("PONG".equals(jedis.ping()) && jedis.info("persistence").contains("loading:0")) {
                    return;
                }
            } catch (JedisException notYet) {
                // not listening yet
            }
            sleep(20);
        }
        kill();
        throw new IllegalStateException("redis-server did not answer PING on port " + onPort + " within "
                + STARTUP_TIMEOUT + logTail());
    }

    private void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server (pid " + p.pid() + ") survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("redis-server is not running");
        }
    }

    private Path logFile() {
        return dir.resolve("redis.log");
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return "; redis.log ends with:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20),
                    lines.size()));
        } catch (IOException e) {
            return "; no redis.log";
        }
    }

    private void deleteDir() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private static Path findExecutable() {
        List<Path> candidates = new ArrayList<>();
        String override = System.getenv("REDIS_SERVER");
        if (override != null && !override.isBlank()) {
            candidates.add(Paths.get(override));
        }
        candidates.add(Paths.get("/usr/bin/redis-server"));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Paths.get(entry, "redis-server"));
                }
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
                new IllegalStateException("redis-server is not installed: tests need a real Redis "
                        + "(Debian/Ubuntu: apt-get install redis-server), or set REDIS_SERVER to its path"));
    }

    private static Jedis connect(int port, int timeoutMs) {
        // explicit RESP2 also silences Jedis' warning about not auto-negotiating RESP3
        return new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().resp2().timeoutMillis(timeoutMs).build());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    @Override
    public String toString() {
        return "RedisTestServer{port=" + port + ", running=" + isRunning() + ", dir=" + dir + "}";
    }
}
