package io.containerdregistry.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Prometheus;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a push and a pull of known sizes move shows up, byte for byte, in {@code /q/metrics}. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class TransferMetricsTest {
    private static final String REPO = "metricstest/app";

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double delta(String before, String after, String name, Map<String, String> labels) {
        return Prometheus.sum(after, name, labels) - Prometheus.sum(before, name, labels);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void pushAndPullCountRequestsAndExactBodyBytesPerFamily() {
        byte[] blob = randomBytes(300_000, System.nanoTime());
        byte[] chunk1 = randomBytes(70_000, System.nanoTime() + 1);
        byte[] chunk2 = randomBytes(50_000, System.nanoTime() + 2);
        byte[] chunked = new byte[chunk1.length + chunk2.length];
        System.arraycopy(chunk1, 0, chunked, 0, chunk1.length);
        System.arraycopy(chunk2, 0, chunked, chunk1.length, chunk2.length);
        String chunkedDigest = Digest.sha256Of(chunked).toString();
        String before = scrape();

        String digest = Registry.pushBlob(REPO, blob);
        String location = given().post("/v2/" + REPO + "/blobs/uploads/").then().statusCode(202)
                .extract().header("Location");
        String next = given().contentType("application/octet-stream").body(chunk1).patch(location)
                .then().statusCode(202).extract().header("Location");
        given().contentType("application/octet-stream").body(chunk2).put(next + "?digest=" + chunkedDigest)
                .then().statusCode(201);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        String configDigest = Registry.pushBlob(REPO, config);
        String manifest = Registry.manifest(configDigest, config.length(), digest + "=" + blob.length);
        int manifestSize = manifest.getBytes(StandardCharsets.UTF_8).length;
        given().contentType(Registry.OCI_MANIFEST).body(manifest).put("/v2/" + REPO + "/manifests/v1")
                .then().statusCode(201);

        byte[] pulled = given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).extract().asByteArray();
        assertArrayEquals(blob, pulled);
        String served = given().get("/v2/" + REPO + "/manifests/v1").then().statusCode(200).extract().asString();
        assertEquals(manifest, served);
        given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200);
        given().get("/v2/" + REPO + "/blobs/sha256:" + "0".repeat(64)).then().statusCode(404);

        String after = scrape();
        String received = "registry_http_received_bytes_total";
        String sent = "registry_http_sent_bytes_total";
        String requests = "registry_http_requests_seconds_count";
        assertEquals(blob.length + chunked.length + config.length(),
                delta(before, after, received, Map.of("family", "upload")), "upload bytes received");
        assertEquals(manifestSize, delta(before, after, received, Map.of("family", "manifest")), "manifest bytes received");
        assertEquals(manifestSize, delta(before, after, sent, Map.of("family", "manifest")), "manifest bytes sent");
        double blobErrorBody = delta(before, after, sent, Map.of("family", "blob")) - blob.length;
        assertTrue(blobErrorBody > 0 && blobErrorBody < 1000, "blob bytes sent: the blob plus one small 404 body");

        assertEquals(2, delta(before, after, requests, Map.of("family", "upload", "method", "POST", "status", "201")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "upload", "method", "POST", "status", "202")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "upload", "method", "PATCH", "status", "202")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "upload", "method", "PUT", "status", "201")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "manifest", "method", "PUT", "status", "201")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "blob", "method", "GET", "status", "200")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "blob", "method", "HEAD", "status", "200")));
        assertEquals(1, delta(before, after, requests, Map.of("family", "blob", "method", "GET", "status", "404")));

        assertEquals(4, delta(before, after, "registry_upload_duration_seconds_count", Map.of()),
                "two monolithic POSTs, one PATCH, one PUT; the session POST carries no blob");
        assertEquals(0, Prometheus.sum(after, "registry_uploads_in_flight", Map.of()));
        assertEquals(1, delta(before, after, "registry_served_total", Map.of("kind", "blob", "source", "local")));
        assertEquals(1, delta(before, after, "registry_served_total", Map.of("kind", "manifest", "source", "local")));

        assertTrue(delta(before, after, "registry_containerd_rpc_seconds_count",
                Map.of("method", "Content/Write", "code", "OK")) >= 3, "each blob push streams through Content/Write");
        assertEquals(4, delta(before, after, "registry_containerd_rpc_errors_total",
                Map.of("method", "Content/Info", "code", "NOT_FOUND")),
                "the unknown blob, and the lookup before each of the three new blobs is committed");
    }
}
