package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.PackagedRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged registry pointed at a containerd socket that does not exist: it starts (alive, not ready), answers
 * every request that needs containerd with a clean, retryable 503 OCI error, and says so in one WARN line, however
 * many requests come: the log outside the access log does not grow with them and holds no stack trace.
 */
class MissingContainerdIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BLOB = "sha256:" + "ab".repeat(32);

    @Test
    void aMissingContainerdIsOneWarningAndCleanRetryable503sNeverAStackTracePerRequest() throws Exception {
        Path work = Path.of("target", "it-missing-containerd").toAbsolutePath();
        Path socket = work.resolve("nowhere").resolve("containerd.sock");
        try (PackagedRegistry registry = PackagedRegistry.startAlive(work, "256m",
                Map.of("CONTAINERD_ADDRESS", socket.toString()))) {
            HttpClient client = Http.client();
            HttpResponse<String> ready = Http.get(client, registry.uri("/q/health/ready"));
            assertEquals(503, ready.statusCode(), "not ready without containerd");
            assertTrue(ready.body().contains("containerd is unreachable: the socket does not exist"), ready.body());
            assertEquals(200, Http.get(client, registry.uri("/q/health/live")).statusCode(), "alive all the same");
            assertEquals(200, Http.get(client, registry.uri("/v2/")).statusCode(), "the API root needs no containerd");

            askEverythingThatNeedsContainerd(client, registry);
            long besideTheAccessLog = besideTheAccessLog(registry.log()).size();
            for (int round = 0; round < 25; round++) {
                askEverythingThatNeedsContainerd(client, registry);
            }

            String log = registry.log();
            List<String> lines = besideTheAccessLog(log);
            assertEquals(besideTheAccessLog, lines.size(), "25 more rounds of requests added log lines:\n" + log);
            List<String> warnings = lines.stream().filter(line -> line.contains("containerd at ") && line.contains("is unreachable")).toList();
            assertEquals(List.of("containerd at " + socket + " is unreachable: the socket does not exist;"
                    + " answering 503 until it is back"), warnings.stream()
                    .map(line -> line.substring(line.indexOf("containerd at "))).toList(), log);
            assertTrue(warnings.get(0).contains(" WARN "), warnings.get(0));
            assertTrue(log.lines().noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by")),
                    "a stack trace in the log:\n" + log);
        }
    }

    /** A blob and a manifest read, listings, and a push (monolithic blob, chunked blob, manifest). */
    private static void askEverythingThatNeedsContainerd(HttpClient client, PackagedRegistry registry)
            throws IOException {
        unavailable(Http.get(client, registry.uri("/v2/app/blobs/" + BLOB)));
        unavailable(Http.send(client, HttpRequest.newBuilder(registry.uri("/v2/app/manifests/v1"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build()));
        unavailable(Http.get(client, registry.uri("/v2/app/manifests/v1")));
        unavailable(Http.get(client, registry.uri("/v2/app/tags/list")));
        unavailable(Http.get(client, registry.uri("/v2/_catalog")));

        byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
        unavailable(Http.send(client, HttpRequest.newBuilder(
                        registry.uri("/v2/app/blobs/uploads/?digest=" + Digest.sha256Of(layer)))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(layer)).build()));
        HttpResponse<String> session = Http.send(client, HttpRequest.newBuilder(registry.uri("/v2/app/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, session.statusCode(), "an upload session is only a name until data comes");
        String location = session.headers().firstValue("Location").orElseThrow();
        unavailable(Http.send(client, HttpRequest.newBuilder(registry.uri(location))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(layer)).build()));
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":5}]}
                """.formatted(BLOB, Digest.sha256Of(layer));
        unavailable(Http.send(client, HttpRequest.newBuilder(registry.uri("/v2/app/manifests/v1"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build()));
    }

    private static void unavailable(HttpResponse<String> response) throws IOException {
        String what = response.request().method() + " " + response.uri().getPath() + ": " + response.body();
        assertEquals(503, response.statusCode(), what);
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(null), what);
        if (!response.request().method().equals("HEAD")) {
            JsonNode error = JSON.readTree(response.body()).get("errors").get(0);
            assertEquals("UNAVAILABLE", error.get("code").asText(), what);
            assertTrue(error.get("detail").asText().startsWith("containerd is unreachable"), what);
        }
    }

    /** Every log line but the access log's (one line per request, by design). */
    private static List<String> besideTheAccessLog(String log) {
        return log.lines().filter(line -> !line.contains("[io.containerdregistry.access]")).toList();
    }
}
