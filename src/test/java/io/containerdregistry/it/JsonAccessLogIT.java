package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.PackagedRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code LOG_FORMAT=json} every line the packaged registry writes is JSON, each request gives exactly one
 * access line carrying its fields in {@code mdc}, and a secret in a query string is never written.
 */
class JsonAccessLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIELDS = List.of("request_id", "method", "path", "endpoint", "status",
            "duration_ms", "bytes", "bytes_received", "remote");

    @Test
    void eachRequestIsOneParsableJsonLineWithItsFieldsAndNoQueryString() throws Exception {
        Path work = Path.of("target", "it-json-log").toAbsolutePath();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String secret = "s3cr3t-" + UUID.randomUUID();
        try (LocalContainerd containerd = LocalContainerd.start(work.resolve("containerd"));
                PackagedRegistry registry = PackagedRegistry.start(work, "256m",
                        Map.of("CONTAINERD_ADDRESS", containerd.socket().toString(), "LOG_FORMAT", "json"))) {
            HttpClient client = Http.client();
            byte[] blob = ("json access log " + run).getBytes(StandardCharsets.UTF_8);

            assertEquals(200, Http.get(client, registry.uri("/v2/?token=" + secret), "X-Request-Id", run + "-base")
                    .statusCode());
            String digest = Http.pushBlob(client, registry, "jsonlog/app", blob, "X-Request-Id", run + "-push");
            assertEquals(200, Http.get(client, registry.uri("/v2/jsonlog/app/blobs/" + digest + "?sig=" + secret),
                    "X-Request-Id", run + "-pull").statusCode());
            assertEquals(404, Http.send(client, HttpRequest.newBuilder(
                            registry.uri("/v2/jsonlog/app/blobs/sha256:" + "0".repeat(64)))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("X-Request-Id", run + "-miss").build())
                    .statusCode());
            containerd.kill();
            assertEquals(503, Http.get(client, registry.uri("/v2/jsonlog/app/blobs/" + digest),
                    "X-Request-Id", run + "-down").statusCode());

            Map<String, JsonNode> base = accessLine(registry, run + "-base");
            assertEquals("INFO", base.get("level").asText());
            assertEquals("/v2/", mdc(base).get("path").asText());
            assertEquals("base", mdc(base).get("endpoint").asText());

            JsonNode push = mdc(accessLine(registry, run + "-push"));
            assertEquals("POST", push.get("method").asText());
            assertEquals("/v2/jsonlog/app/blobs/uploads/", push.get("path").asText(), "no query string");
            assertEquals("201", push.get("status").asText());
            assertEquals(String.valueOf(blob.length), push.get("bytes_received").asText());

            JsonNode pull = mdc(accessLine(registry, run + "-pull"));
            assertEquals("/v2/jsonlog/app/blobs/" + digest, pull.get("path").asText());
            assertEquals(String.valueOf(blob.length), pull.get("bytes").asText());
            assertEquals("127.0.0.1", pull.get("remote").asText());

            Map<String, JsonNode> miss = accessLine(registry, run + "-miss");
            assertEquals("WARN", miss.get("level").asText());
            assertEquals("404", mdc(miss).get("status").asText());

            Map<String, JsonNode> down = accessLine(registry, run + "-down");
            assertEquals("ERROR", down.get("level").asText());
            assertEquals("503", mdc(down).get("status").asText());
            // right after the kill the call finds the socket gone (unreachable) or the connection dropping (unavailable)
            assertTrue(mdc(down).get("error").asText().matches("containerd (is unreachable|unavailable): .*"),
                    mdc(down).toString());

            String log = registry.log();
            assertFalse(log.contains(secret), "a query string secret reached the log");
        }
    }

    private static JsonNode mdc(Map<String, JsonNode> line) {
        return line.get("mdc");
    }

    /** The one access line of the request with this id, waiting briefly for it to be written. */
    private static Map<String, JsonNode> accessLine(PackagedRegistry registry, String requestId) {
        List<JsonNode> lines = Http.await(Duration.ofSeconds(5), () -> accessLines(registry, requestId),
                found -> !found.isEmpty());
        assertEquals(1, lines.size(), "access lines for " + requestId + ": " + lines);
        JsonNode line = lines.get(0);
        for (String field : FIELDS) {
            assertTrue(line.get("mdc").hasNonNull(field), "field " + field + " in " + line);
        }
        assertTrue(line.get("message").asText().contains(requestId), line.toString());
        return Map.of("level", line.get("level"), "mdc", line.get("mdc"), "message", line.get("message"));
    }

    /** Parses every line of the log (each must be JSON) and keeps the access lines of one request. */
    private static List<JsonNode> accessLines(PackagedRegistry registry, String requestId) {
        List<JsonNode> found = new ArrayList<>();
        try {
            for (String text : registry.log().split("\n")) {
                if (text.isBlank()) {
                    continue;
                }
                JsonNode line = parse(text);
                JsonNode mdc = line.get("mdc");
                if ("io.containerdregistry.access".equals(line.path("loggerName").asText()) && mdc != null
                        && requestId.equals(mdc.path("request_id").asText())) {
                    found.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not a JSON line: " + text, e);
        }
    }
}
