package io.shoprank.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;

/**
 * Where the feature store lives: one Redis server (standalone or a primary behind a stable address)
 * plus the key namespace.
 *
 * @param password  null when Redis needs no AUTH
 * @param timeoutMs connect and socket timeout
 */
public record RedisEndpoint(String host, int port, String password, int database, int timeoutMs,
                            String namespace) {

    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_TIMEOUT_MS = 2_000;

    // redis://[:password@]host[:port][/db]; the password runs to the last '@' so it may contain '@'.
    private static final Pattern URL = Pattern.compile(
            "redis://(?::(?<password>.*)@)?(?<host>\\[[0-9a-fA-F:.]+]|[^\\[\\]:/@]+)(?::(?<port>\\d{1,5}))?"
                    + "(?:/(?<db>\\d{0,9}))?",
            Pattern.CASE_INSENSITIVE);

    public RedisEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must be >= 0: " + database);
        }
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeoutMs must be > 0: " + timeoutMs);
        }
        KeySchema.checkNamespace(namespace);
        password = password == null || password.isEmpty() ? null : password;
    }

    /** Parses {@code redis://[:password@]host[:port][/db]} with the default namespace. */
    public static RedisEndpoint parse(String url) {
        return parse(url, KeySchema.DEFAULT_NAMESPACE);
    }

    /**
     * Parses {@code redis://[:password@]host[:port][/db]}: port defaults to 6379, db to 0, the password
     * may be percent-encoded. TLS ({@code rediss://}) and ACL user names are not supported.
     */
    public static RedisEndpoint parse(String url, String namespace) {
        Matcher m = URL.matcher(url == null ? "" : url.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "Expected redis://[:password@]host[:port][/db], got " + redact(url));
        }
        String host = m.group("host");
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1); // IPv6 literal
        }
        int port = m.group("port") == null ? DEFAULT_PORT : Integer.parseInt(m.group("port"));
        String db = m.group("db");
        int database = db == null || db.isEmpty() ? 0 : Integer.parseInt(db);
        return new RedisEndpoint(host, port, decodePassword(m.group("password")), database,
                DEFAULT_TIMEOUT_MS, namespace);
    }

    /**
     * This endpoint, with the password from environment variable {@code variable} when the URL carried none,
     * so that deployments can take it from a Secret instead of putting it in the job's arguments.
     */
    public RedisEndpoint withPasswordFromEnv(String variable) {
        String fromEnv = System.getenv(variable);
        if (password != null || fromEnv == null || fromEnv.isEmpty()) {
            return this;
        }
        return new RedisEndpoint(host, port, fromEnv, database, timeoutMs, namespace);
    }

    private static String decodePassword(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            // URLDecoder would turn '+' into a space, which is form encoding, not URL encoding.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the input, i.e. the password.
            throw new IllegalArgumentException("Malformed percent-encoding in the Redis password");
        }
    }

    private static String redact(String url) {
        return url == null ? null : url.replaceFirst("//.*@", "//***@");
    }

    public KeySchema keySchema() {
        return new KeySchema(namespace);
    }

    HostAndPort hostAndPort() {
        return new HostAndPort(host, port);
    }

    /**
     * Connection settings; the client name shows up in CLIENT LIST, telling writers from readers.
     * RESP2 explicitly: the writer's plain {@code Jedis} connection cannot negotiate RESP3 anyway, and
     * this keeps reply shapes identical on both sides.
     */
    JedisClientConfig clientConfig(String clientName) {
        return DefaultJedisClientConfig.builder()
                .resp2()
                .connectionTimeoutMillis(timeoutMs)
                .socketTimeoutMillis(timeoutMs)
                .password(password)
                .database(database)
                .clientName(clientName)
                .build();
    }

    /** Never prints the password (this ends up in logs and Flink's job config dumps). */
    @Override
    public String toString() {
        return "redis://" + (password == null ? "" : ":***@") + (host.contains(":") ? "[" + host + "]" : host)
                + ":" + port + "/" + database + " (namespace " + namespace + ", timeout " + timeoutMs + " ms)";
    }
}
