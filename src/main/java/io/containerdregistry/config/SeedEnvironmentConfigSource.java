package io.containerdregistry.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Translates the seed's environment variables whose values do not map one-to-one onto a property:
 * {@code LISTEN_ADDRESS} ({@code host:port} or {@code :port}) onto Quarkus' HTTP host and port,
 * {@code LOG_FORMAT} ({@code text}|{@code json}) onto JSON console logging, and the Go durations
 * {@code IDLE_TIMEOUT}, {@code READ_TIMEOUT} and {@code SHUTDOWN_TIMEOUT} onto Quarkus' own duration properties
 * (which do not read {@code 1h30m}). Its ordinal sits above {@code application.properties} and below real
 * environment variables, so {@code QUARKUS_HTTP_PORT} still wins.
 */
public final class SeedEnvironmentConfigSource implements ConfigSource {
    /** Seed variables holding a Go duration, and the Quarkus property each one sets. */
    private static final Map<String, String> DURATIONS = Map.of(
            "IDLE_TIMEOUT", "quarkus.http.idle-timeout",
            "READ_TIMEOUT", "quarkus.http.read-timeout",
            "SHUTDOWN_TIMEOUT", "quarkus.shutdown.timeout");
    private final Map<String, String> values;

    public SeedEnvironmentConfigSource() {
        this(System.getenv());
    }

    SeedEnvironmentConfigSource(Map<String, String> env) {
        this.values = translate(env);
    }

    static Map<String, String> translate(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        String listen = env.get("LISTEN_ADDRESS");
        if (listen != null && !listen.isBlank()) {
            String text = listen.trim();
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("LISTEN_ADDRESS must be host:port or :port, got " + listen);
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String port = text.substring(colon + 1);
            out.put("quarkus.http.host", host.isEmpty() ? "0.0.0.0" : host);
            out.put("quarkus.http.port", port);
        }
        String format = env.get("LOG_FORMAT");
        if (format != null && !format.isBlank()) {
            out.put("quarkus.log.console.json.enabled", String.valueOf("json".equalsIgnoreCase(format.trim())));
        }
        DURATIONS.forEach((variable, property) -> {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                out.put(property, isoDuration(variable, value));
            }
        });
        return Map.copyOf(out);
    }

    private static String isoDuration(String variable, String value) {
        try {
            return new GoDurationConverter().convert(value).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    variable + " must be a Go duration such as 30s, 5m or 1h30m, got " + value, e);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "seed-environment";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
