package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.HostileInputProfile;
import io.containerdregistry.testing.RawHttp;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Hostile requests to every endpoint, each answered with a 4xx and an OCI error body, never a 5xx; then the registry is
 * still healthy and a normal push works. Plus the limits that bound resources: sizes on every upload path, concurrent
 * uploads per client, stalled clients, oversized headers.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(HostileInputProfile.class)
class HostileInputTest {
    private static final String OCI = Registry.OCI_MANIFEST;
    private static final String GOOD = "sha256:" + "0".repeat(64);
    private static final byte[] BLOB = "hostile-input-blob-content".repeat(4).getBytes(StandardCharsets.UTF_8);
    private static final String BLOB_DIGEST = Digest.sha256Of(BLOB).toString();

    @TestHTTPResource("/")
    URL base;

    private final List<Socket> open = new ArrayList<>();

    @AfterEach
    void closeStalledClients() throws IOException {
        for (Socket socket : open) {
            socket.close();
        }
        open.clear();
    }

    /** One hostile request; {@code path} is computed when the case runs (some need a fresh upload session). */
    record Case(String name, String method, Supplier<String> path, Map<String, String> headers, byte[] body) {
        static Case of(String name, String method, String path) {
            return new Case(name, method, () -> path, Map.of(), null);
        }

        static Case body(String name, String method, String path, String contentType, byte[] body) {
            return new Case(name, method, () -> path, Map.of("Content-Type", contentType), body);
        }
    }

    private int port() {
        return base.getPort();
    }

    private String session() {
        try {
            RawHttp.Answer answer = RawHttp.send(port(), "POST", "/v2/hostile/app/blobs/uploads/", Map.of(), new byte[0]);
            assertEquals(202, answer.status(), answer.toString());
            return answer.headers().get("location");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] manifestWith(byte[] prefix, byte[] suffix) {
        byte[] all = new byte[prefix.length + suffix.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(suffix, 0, all, prefix.length, suffix.length);
        return all;
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // repository names, on every endpoint family
        List<String> badNames = List.of("UPPER/app", "a..b", "-lead", "trail-", "a_/b", "x".repeat(256),
                "%C3%A4pfel", "a%00b", "a%20b", "a;b", "a$b", "a%2F..%2Fb", "%2e%2e/etc", "a/.b", "..");
        for (String name : badNames) {
            cases.add(Case.of("manifest of " + name, "GET", "/v2/" + name + "/manifests/v1"));
            cases.add(Case.of("tags of " + name, "GET", "/v2/" + name + "/tags/list"));
            cases.add(Case.of("blob of " + name, "GET", "/v2/" + name + "/blobs/" + GOOD));
            cases.add(Case.of("upload to " + name, "POST", "/v2/" + name + "/blobs/uploads/"));
            cases.add(Case.body("manifest put to " + name, "PUT", "/v2/" + name + "/manifests/v1", OCI, utf8("{}")));
        }
        // digests
        List<String> badDigests = List.of("sha256:short", "sha256:" + "A".repeat(64), "md5:" + "a".repeat(32),
                "sha512:" + "a".repeat(64), "sha256:" + "a".repeat(65), ":abc", "sha256:..%2F..%2Fetc",
                "sha256:" + "a".repeat(300), "sha256", "sha256:%00");
        for (String digest : badDigests) {
            cases.add(Case.of("blob " + digest, "GET", "/v2/hostile/app/blobs/" + digest));
            cases.add(Case.of("referrers " + digest, "GET", "/v2/hostile/app/referrers/" + digest));
            cases.add(Case.of("manifest " + digest, "GET", "/v2/hostile/app/manifests/" + digest));
            cases.add(Case.body("monolithic " + digest, "POST", "/v2/hostile/app/blobs/uploads/?digest=" + digest,
                    "application/octet-stream", BLOB));
        }
        // tags
        for (String tag : List.of("-bad", "t".repeat(129), ".dot", "t%00", "t%20g", "%C3%BC")) {
            cases.add(Case.of("get tag " + tag, "GET", "/v2/hostile/app/manifests/" + tag));
            cases.add(Case.body("put tag " + tag, "PUT", "/v2/hostile/app/manifests/" + tag, OCI, utf8("{}")));
        }
        // query parameters
        cases.add(Case.of("n negative", "GET", "/v2/hostile/app/tags/list?n=-1"));
        cases.add(Case.of("n text", "GET", "/v2/hostile/app/tags/list?n=abc"));
        cases.add(Case.of("n overflow", "GET", "/v2/hostile/app/tags/list?n=99999999999999999999"));
        cases.add(Case.of("catalog n negative", "GET", "/v2/_catalog?n=-5"));
        cases.add(Case.of("catalog n exponent", "GET", "/v2/_catalog?n=1e3"));
        cases.add(Case.body("empty digest", "POST", "/v2/hostile/app/blobs/uploads/?digest=", "application/octet-stream", BLOB));
        cases.add(Case.of("mount bad digest", "POST", "/v2/hostile/app/blobs/uploads/?mount=bad&from=hostile/other"));
        cases.add(Case.of("mount bad from", "POST", "/v2/hostile/app/blobs/uploads/?mount=" + GOOD + "&from=BAD%20NAME"));
        cases.add(Case.body("extra tag invalid", "PUT", "/v2/hostile/app/manifests/v1?tag=-bad", OCI,
                utf8("{\"schemaVersion\":2}")));
        cases.add(new Case("put without digest", "PUT", this::session, Map.of(), new byte[0]));
        cases.add(new Case("put with bad digest", "PUT", () -> session() + "?digest=sha256:abc", Map.of(), new byte[0]));
        cases.add(new Case("put with wrong digest", "PUT", () -> session() + "?digest=" + GOOD, Map.of(), BLOB));
        // ranges
        for (String range : List.of("bytes=" + BLOB.length + "-", "bytes=9999-10000", "bytes=-0")) {
            cases.add(new Case("range " + range, "GET", () -> "/v2/hostile/app/blobs/" + BLOB_DIGEST,
                    Map.of("Range", range), null));
        }
        // chunk ranges
        for (String range : List.of("bytes=0-9", "10-5", "a-b", "0-99999999999999999999", "5-14", "", "-1-5")) {
            cases.add(new Case("content-range '" + range + "'", "PATCH", this::session,
                    Map.of("Content-Range", range, "Content-Type", "application/octet-stream"), new byte[10]));
        }
        // upload ids
        for (String id : List.of("not-a-uuid", "00000000-0000-0000-0000-000000000000", "..", "%2e%2e", "X".repeat(500))) {
            cases.add(Case.body("patch upload " + id, "PATCH", "/v2/hostile/app/blobs/uploads/" + id,
                    "application/octet-stream", new byte[4]));
            cases.add(Case.of("status of upload " + id, "GET", "/v2/hostile/app/blobs/uploads/" + id));
            cases.add(Case.of("cancel upload " + id, "DELETE", "/v2/hostile/app/blobs/uploads/" + id));
        }
        // manifests: JSON
        String config = "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + GOOD + "\",\"size\":2}";
        Map<String, byte[]> json = new java.util.LinkedHashMap<>();
        json.put("empty", new byte[0]);
        json.put("null", utf8("null"));
        json.put("array", utf8("[]"));
        json.put("string", utf8("\"manifest\""));
        json.put("truncated", utf8("{\"schemaVersion\":2,"));
        json.put("no schemaVersion", utf8("{}"));
        json.put("schemaVersion 1", utf8("{\"schemaVersion\":1}"));
        json.put("schemaVersion text", utf8("{\"schemaVersion\":\"2\"}"));
        json.put("duplicate keys", utf8("{\"schemaVersion\":2,\"schemaVersion\":2,\"config\":" + config + "}"));
        json.put("deep nesting", utf8("{\"schemaVersion\":2,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}"));
        json.put("deep objects", utf8("{\"schemaVersion\":2,\"x\":" + "{\"a\":".repeat(3000) + "1" + "}".repeat(3000) + "}"));
        json.put("huge array of numbers", utf8("{\"schemaVersion\":2,\"config\":" + config + ",\"layers\":["
                + "1,".repeat(30000) + "1]}"));
        json.put("huge array of objects", utf8("{\"schemaVersion\":2,\"config\":" + config + ",\"layers\":["
                + "{},".repeat(20000) + "{}]}"));
        json.put("invalid utf-8 byte", manifestWith(utf8("{\"schemaVersion\":2,\"annotations\":{\"a\":\""),
                new byte[] {(byte) 0xff, '"', '}', '}'}));
        json.put("overlong utf-8", manifestWith(utf8("{\"schemaVersion\":2,\"annotations\":{\"a\":\""),
                new byte[] {(byte) 0xc0, (byte) 0xaf, '"', '}', '}'}));
        json.put("utf-8 surrogate", manifestWith(utf8("{\"schemaVersion\":2,\"annotations\":{\"a\":\""),
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}', '}'}));
        json.put("truncated utf-8", manifestWith(utf8("{\"schemaVersion\":2,\"annotations\":{\"a\":\""),
                new byte[] {(byte) 0xe2, (byte) 0x82, '"', '}', '}'}));
        json.put("trailing garbage", utf8("{\"schemaVersion\":2,\"config\":" + config + "} trailing"));
        json.put("huge number", utf8("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + GOOD
                + "\",\"size\":1" + "0".repeat(2000) + "}}"));
        json.put("negative size", utf8("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + GOOD
                + "\",\"size\":-1}}"));
        json.put("size as text", utf8("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"" + GOOD
                + "\",\"size\":\"2\"}}"));
        json.put("bad descriptor digest", utf8("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"md5:x\",\"size\":2}}"));
        json.put("config not an object", utf8("{\"schemaVersion\":2,\"config\":[]}"));
        json.put("layers not an array", utf8("{\"schemaVersion\":2,\"config\":" + config + ",\"layers\":{}}"));
        json.put("annotations not strings", utf8("{\"schemaVersion\":2,\"config\":" + config + ",\"annotations\":{\"a\":1}}"));
        json.put("unknown blobs", utf8("{\"schemaVersion\":2,\"config\":" + config + "}"));
        json.put("over the size limit", utf8("{\"schemaVersion\":2,\"x\":\"" + "a".repeat(HostileInputProfile.MAX_MANIFEST) + "\"}"));
        json.forEach((name, bytes) -> cases.add(Case.body("manifest: " + name, "PUT", "/v2/hostile/app/manifests/v1",
                OCI, bytes)));
        cases.add(Case.body("media type mismatch", "PUT", "/v2/hostile/app/manifests/v1",
                "application/vnd.oci.image.index.v1+json", utf8("{\"schemaVersion\":2,\"mediaType\":\"" + OCI
                        + "\",\"config\":" + config + "}")));
        cases.add(Case.body("digest reference mismatch", "PUT", "/v2/hostile/app/manifests/" + GOOD, OCI,
                utf8("{\"schemaVersion\":2,\"config\":" + config + "}")));
        // sizes on every upload path
        byte[] big = new byte[HostileInputProfile.MAX_BLOB + 1];
        cases.add(Case.body("monolithic post over the limit", "POST", "/v2/hostile/app/blobs/uploads/?digest="
                + Digest.sha256Of(big), "application/octet-stream", big));
        cases.add(new Case("patch over the limit", "PATCH", this::session, Map.of("Content-Type", "application/octet-stream"), big));
        cases.add(new Case("put over the limit", "PUT", () -> session() + "?digest=" + Digest.sha256Of(big),
                Map.of("Content-Type", "application/octet-stream"), big));
        cases.add(new Case("chunked post over the limit", "POST", () -> "/v2/hostile/app/blobs/uploads/?digest="
                + Digest.sha256Of(big), Map.of("Transfer-Encoding", "chunked"), chunked(big)));
        // methods and endpoints that do not exist or are off
        cases.add(Case.of("delete manifest while deletes are off", "DELETE", "/v2/hostile/app/manifests/v1"));
        cases.add(Case.of("delete blob while deletes are off", "DELETE", "/v2/hostile/app/blobs/" + BLOB_DIGEST));
        cases.add(Case.of("post to a manifest", "POST", "/v2/hostile/app/manifests/v1"));
        cases.add(Case.of("put to the catalog", "PUT", "/v2/_catalog"));
        cases.add(Case.of("no such endpoint", "GET", "/v2/hostile/app/secrets"));
        cases.add(Case.of("trace", "TRACE", "/v2/hostile/app/manifests/v1"));
        // request lines and header blocks over the registry's limits, below the HTTP layer's backstop
        String bigHeader = "a".repeat(HostileInputProfile.MAX_HEADERS + 100);
        cases.add(new Case("one header over the limit", "GET", () -> "/v2/", Map.of("X-Big", bigHeader), null));
        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            many.put("X-Header-" + i, "v".repeat(30));
        }
        cases.add(new Case("many headers over the limit", "GET", () -> "/v2/hostile/app/tags/list", many, null));
        cases.add(new Case("headers over the limit on a monolithic upload", "POST",
                () -> "/v2/hostile/app/blobs/uploads/?digest=" + BLOB_DIGEST,
                Map.of("X-Big", bigHeader, "Content-Type", "application/octet-stream"), BLOB));
        cases.add(new Case("headers over the limit outside /v2/", "GET", () -> "/readyz", Map.of("X-Big", bigHeader), null));
        cases.add(Case.of("request line over the limit", "GET", "/v2/" + "a/".repeat(5000) + "tags/list"));
        cases.add(Case.of("query over the limit", "GET", "/v2/hostile/app/tags/list?last=" + "x".repeat(9000)));
        // lies about what is sent
        String longType = "application/vnd." + "x".repeat(5000) + "+json";
        cases.add(Case.body("artifactType longer than a label", "PUT", "/v2/hostile/app/manifests/v1", OCI,
                utf8("{\"schemaVersion\":2,\"artifactType\":\"" + longType + "\",\"config\":" + config + "}")));
        cases.add(Case.body("Content-Type longer than a label", "PUT", "/v2/hostile/app/manifests/v1", longType,
                utf8("{\"schemaVersion\":2,\"config\":" + config + "}")));
        cases.add(new Case("content-range longer than the body", "PATCH", this::session,
                Map.of("Content-Range", "0-9", "Content-Type", "application/octet-stream"), new byte[3]));
        cases.add(Case.body("stored digest claimed with other bytes", "POST",
                "/v2/hostile/app/blobs/uploads/?digest=" + BLOB_DIGEST, "application/octet-stream", utf8("other")));
        cases.add(Case.of("stored digest claimed with no bytes", "POST",
                "/v2/hostile/thief/blobs/uploads/?digest=" + BLOB_DIGEST));
        cases.add(new Case("another repository's session", "PATCH",
                () -> session().replace("/hostile/app/", "/hostile/other/"),
                Map.of("Content-Type", "application/octet-stream"), new byte[4]));
        cases.add(Case.of("invalid tag read", "GET", "/v2/hostile/app/manifests/-not-a-tag"));
        cases.add(new Case("a body framed with a transfer coding other than chunked", "PATCH", this::session,
                Map.of("Transfer-Encoding", "gzip", "Content-Type", "application/octet-stream"), new byte[0]));
        return cases;
    }

    private static byte[] chunked(byte[] body) {
        String head = Integer.toHexString(body.length) + "\r\n";
        return manifestWith(manifestWith(utf8(head), body), utf8("\r\n0\r\n\r\n"));
    }

    @TestFactory
    Stream<DynamicTest> everyHostileRequestIsA4xxWithAnOciErrorAndTheRegistryStaysHealthy() throws IOException {
        Registry.pushBlob("hostile/app", BLOB);
        List<Case> cases = cases();
        assertTrue(cases.size() >= 100, "cases: " + cases.size());
        Stream<DynamicTest> table = cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            RawHttp.Answer answer = RawHttp.send(port(), c.method(), c.path().get(), c.headers(), c.body());
            assertTrue(answer.status() >= 400 && answer.status() < 500, c.name() + " -> " + answer);
            JsonObject error = new JsonObject(answer.text()).getJsonArray("errors").getJsonObject(0);
            assertNotNull(error.getString("code"), c.name() + " -> " + answer);
        }));
        Stream<DynamicTest> after = Stream.of(DynamicTest.dynamicTest("still healthy afterwards", () -> {
            given().get("/readyz").then().statusCode(200);
            Registry.pushImage("hostile/after", "v1", "pushed after the hostile table");
            given().get("/v2/hostile/after/manifests/v1").then().statusCode(200);
        }));
        return Stream.concat(table, after);
    }

    /**
     * Every hostile request, over and over: once the first round has warmed everything up, the heap in use after a
     * collection and the number of live threads stay where they were, so nothing a hostile client does is kept.
     */
    @Test
    void aSoakOfHostileRequestsLeavesHeapAndThreadsFlat() throws Exception {
        Registry.pushBlob("hostile/app", BLOB);
        List<Case> cases = cases();
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long heapAfterWarmUp = 0;
        int threadsAfterWarmUp = 0;
        int rounds = 8;
        for (int round = 0; round < rounds; round++) {
            for (Case c : cases) {
                RawHttp.Answer answer = RawHttp.send(port(), c.method(), c.path().get(), c.headers(), c.body());
                assertTrue(answer.status() >= 400 && answer.status() < 500, c.name() + " -> " + answer);
            }
            if (round == 0 || round == rounds - 1) {
                Thread.sleep(500);
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                long heap = memory.getHeapMemoryUsage().getUsed();
                int live = threads.getThreadCount();
                if (round == 0) {
                    heapAfterWarmUp = heap;
                    threadsAfterWarmUp = live;
                } else {
                    assertTrue(heap - heapAfterWarmUp < 32L << 20, "heap grew by "
                            + ((heap - heapAfterWarmUp) >> 20) + " MiB over " + (rounds - 1) * cases.size() + " requests");
                    assertTrue(live - threadsAfterWarmUp <= 4, "threads: " + threadsAfterWarmUp + " -> " + live);
                }
            }
        }
    }

    @Test
    void anHttp11RequestWithoutHostIsA400WithAnOciError() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /v2/ HTTP/1.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
            assertEquals(400, answer.status(), answer.toString());
            assertNotNull(new JsonObject(answer.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
        }
    }

    @Test
    void aBodyAnnouncedLargerThanTheBlobLimitIsRefusedBeforeItIsSent() throws IOException {
        try (Socket socket = RawHttp.stall(port(), "POST /v2/hostile/app/blobs/uploads/?digest=" + BLOB_DIGEST
                + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + (HostileInputProfile.MAX_BLOB + 1) + "\r\n\r\n")) {
            socket.setSoTimeout(10_000);
            RawHttp.Answer answer = RawHttp.read(socket.getInputStream());
            assertEquals(413, answer.status(), answer.toString());
            assertEquals("SIZE_INVALID", new JsonObject(answer.text()).getJsonArray("errors").getJsonObject(0)
                    .getString("code"));
        }
    }

    @Test
    void blobSizeLimitHoldsAcrossChunks() throws IOException {
        String location = session();
        int half = HostileInputProfile.MAX_BLOB / 2 + 100;
        RawHttp.Answer first = RawHttp.send(port(), "PATCH", location, Map.of(), new byte[half]);
        assertEquals(202, first.status(), first.toString());
        RawHttp.Answer second = RawHttp.send(port(), "PATCH", first.headers().get("location"),
                Map.of("Content-Range", half + "-" + (2 * half - 1)), new byte[half]);
        assertEquals(413, second.status(), second.toString());
        assertEquals("SIZE_INVALID", new JsonObject(second.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
    }

    @Test
    void tooManyConcurrentUploadsFromOneClientAre429() throws Exception {
        for (int i = 0; i < HostileInputProfile.MAX_UPLOADS; i++) {
            String location = session();
            open.add(RawHttp.stall(port(), "PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789"));
        }
        Thread.sleep(300);
        RawHttp.Answer refused = RawHttp.send(port(), "POST", "/v2/hostile/app/blobs/uploads/", Map.of(), new byte[0]);
        assertEquals(429, refused.status(), refused.toString());
        assertEquals("TOOMANYREQUESTS", new JsonObject(refused.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
        closeStalledClients();
        long deadline = System.currentTimeMillis() + 5000;
        int status = 0;
        while (System.currentTimeMillis() < deadline && status != 202) {
            Thread.sleep(100);
            status = RawHttp.send(port(), "POST", "/v2/hostile/app/blobs/uploads/", Map.of(), new byte[0]).status();
        }
        assertEquals(202, status, "the slots are released when the stalled clients go");
    }

    @Test
    void stalledClientsAreDisconnectedAfterTheIdleTimeout() throws Exception {
        Socket headers = RawHttp.stall(port(), "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        open.add(headers);
        Socket body = RawHttp.stall(port(), "PATCH " + session() + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123");
        open.add(body);
        long limit = HostileInputProfile.IDLE_MS + 4000;
        assertTrue(RawHttp.closedWithin(headers, limit), "a client stalled in its headers is dropped");
        assertTrue(RawHttp.closedWithin(body, limit), "a client stalled in its body is dropped");
        given().get("/readyz").then().statusCode(200);
    }

    @Test
    void oversizedHeadersAre431AndLongRequestLinesAre414WithOciErrors() throws IOException {
        RawHttp.Answer header = RawHttp.send(port(), "GET", "/v2/", Map.of("X-Big", "a".repeat(20_000)), null);
        assertEquals(431, header.status(), header.toString());
        assertEquals("UNSUPPORTED", new JsonObject(header.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
        RawHttp.Answer line = RawHttp.send(port(), "GET", "/v2/" + "a/".repeat(5000) + "tags/list", Map.of(), null);
        assertEquals(414, line.status(), line.toString());
        assertEquals("UNSUPPORTED", new JsonObject(line.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
        RawHttp.Answer atLimit = RawHttp.send(port(), "GET", "/v2/", Map.of("X-Fits", "a".repeat(7000)), null);
        assertEquals(200, atLimit.status(), "headers within the limit pass: " + atLimit);
        // above the HTTP layer's own backstop (64 KiB) the decoder refuses first, still with a 431
        RawHttp.Answer huge = RawHttp.send(port(), "GET", "/v2/", Map.of("X-Huge", "a".repeat(70_000)), null);
        assertEquals(431, huge.status(), huge.toString());
        RawHttp.Answer length = RawHttp.send(port(), "PUT", "/v2/hostile/app/manifests/v1",
                Map.of("Content-Length", "abc"), new byte[0]);
        assertTrue(length.status() >= 400 && length.status() < 500, length.toString());
        given().get("/readyz").then().statusCode(200);
    }

    @Test
    void headRequestsForHostileInputAreAlso4xx() throws IOException {
        for (String path : List.of("/v2/UPPER/manifests/v1", "/v2/a/blobs/sha256:x", "/v2/a/manifests/-bad")) {
            int status = RawHttp.send(port(), "HEAD", path, Map.of(), null).status();
            assertFalse(status < 400 || status >= 500, path + " -> " + status);
        }
    }
}
