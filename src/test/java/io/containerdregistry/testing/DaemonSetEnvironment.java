package io.containerdregistry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of the registry container in the DaemonSet that {@code ./mvnw package} generated
 * ({@code target/kubernetes/kubernetes.yml}), so that tests run the packaged registry exactly as a node would: the
 * same JVM flags, the same limits.
 */
public final class DaemonSetEnvironment {
    private DaemonSetEnvironment() {
    }

    /** Name to value of every plain {@code env} entry of the DaemonSet's registry container. */
    public static Map<String, String> registryContainer() {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode entry : container().path("env")) {
            if (entry.has("value")) {
                env.put(entry.path("name").asText(), entry.path("value").asText());
            }
        }
        return env;
    }

    /** The registry container's memory limit in bytes ({@code Mi} or {@code Gi} quantities). */
    public static long memoryLimitBytes() {
        String limit = container().path("resources").path("limits").path("memory").asText();
        if (limit.endsWith("Mi")) {
            return Long.parseLong(limit.substring(0, limit.length() - 2)) << 20;
        }
        if (limit.endsWith("Gi")) {
            return Long.parseLong(limit.substring(0, limit.length() - 2)) << 30;
        }
        throw new IllegalStateException("unexpected memory limit " + limit);
    }

    private static JsonNode container() {
        YAMLMapper yaml = new YAMLMapper();
        try (var parser = yaml.createParser(Path.of("target", "kubernetes", "kubernetes.yml").toFile())) {
            for (JsonNode document : yaml.readValues(parser, JsonNode.class).readAll()) {
                if ("DaemonSet".equals(document.path("kind").asText())) {
                    return document.path("spec").path("template").path("spec").path("containers").path(0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no DaemonSet in target/kubernetes/kubernetes.yml");
    }
}
