package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.PatternStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What clients see when things break: containerd restarted under a push or a pull, the registry killed mid-upload,
 * and many clients pushing the same content at once. Digests are checked after each.
 */
class FaultsIT {
    private static final Path WORK = Path.of("target", "it-faults").toAbsolutePath();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static LocalContainerd containerd;
    private static PackagedRegistry registry;

    @BeforeAll
    static void start() throws IOException {
        containerd = LocalContainerd.startFresh(WORK.resolve("containerd"));
        registry = startRegistry("registry");
    }

    private static PackagedRegistry startRegistry(String dir) throws IOException {
        return PackagedRegistry.start(WORK.resolve(dir), "256m", Map.of(
                "CONTAINERD_ADDRESS", containerd.socket().toString(),
                "BLOB_LEASE_EXPIRATION", "3s",
                "MAX_UPLOADS_PER_CLIENT", "64"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        containerd.stop();
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** A body that sends {@code size} pattern bytes, pausing {@code pauseMs} after each MiB. */
    private static InputStream slow(long size, long seed, long pauseMs) {
        return new InputStream() {
            private final PatternStream pattern = new PatternStream(size, seed);
            private long sent;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) throws IOException {
                if (sent > 0 && sent % (1 << 20) == 0) {
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                int n = pattern.read(buffer, offset, (int) Math.min(count, (1 << 20) - sent % (1 << 20)));
                if (n > 0) {
                    sent += n;
                }
                return n;
            }
        };
    }

    private static HttpResponse<String> pushBlob(String repo, long size, long seed, String digest) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(registry.uri("/v2/" + repo + "/blobs/uploads/?digest=" + digest))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, seed)), size))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String storedDigest(String repo, String digest) throws Exception {
        HttpResponse<InputStream> get = CLIENT.send(
                HttpRequest.newBuilder(registry.uri("/v2/" + repo + "/blobs/" + digest)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        return sha256(get.body());
    }

    @Test
    void containerdRestartedMidPushFailsThePushCleanlyAndARetrySucceeds() throws Exception {
        long size = 8L << 20;
        String digest = sha256(new PatternStream(size, 7));
        CompletableFuture<HttpResponse<String>> push = CLIENT.sendAsync(
                HttpRequest.newBuilder(registry.uri("/v2/faults/push/blobs/uploads/?digest=" + digest))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> slow(size, 7, 400)), size))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1200);
        containerd.restart();
        try {
            HttpResponse<String> failed = push.get(45, TimeUnit.SECONDS);
            assertTrue(failed.statusCode() >= 500, failed.statusCode() + " " + failed.body());
            assertTrue(failed.body().contains("\"code\""), failed.body());
        } catch (java.util.concurrent.ExecutionException broken) {
            // the registry may also answer and close before the client finished sending: a clean failure too
            assertTrue(broken.getCause() instanceof IOException, broken.toString());
        }
        HttpResponse<String> retried = null;
        for (int attempt = 0; attempt < 20 && (retried == null || retried.statusCode() != 201); attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 500);
            retried = pushBlob("faults/push", size, 7, digest);
        }
        assertEquals(201, retried.statusCode(), retried.body() + "\n" + registry.log());
        assertEquals(digest, storedDigest("faults/push", digest));
    }

    @Test
    void containerdRestartedMidPullBreaksTheTransferAndNeverSendsWrongBytes() throws Exception {
        long size = 64L << 20;
        String digest = sha256(new PatternStream(size, 11));
        assertEquals(201, pushBlob("faults/pull", size, 11, digest).statusCode());
        HttpResponse<InputStream> get = CLIENT.send(
                HttpRequest.newBuilder(registry.uri("/v2/faults/pull/blobs/" + digest)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        PatternStream expected = new PatternStream(size, 11);
        long received = 0;
        boolean restarted = false;
        byte[] buffer = new byte[1 << 16];
        byte[] want = new byte[1 << 16];
        try (InputStream body = get.body()) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                int m = expected.readNBytes(want, 0, n);
                assertEquals(n, m);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != want[i]) {
                        fail("wrong byte at " + (received + i));
                    }
                }
                received += n;
                if (!restarted && received >= (1 << 20)) {
                    restarted = true;
                    containerd.restart();
                }
            }
            assertTrue(received < size, "the transfer must break, not complete: received " + received);
        } catch (IOException broken) {
            // connection reset: the client knows the transfer is incomplete
        }
        assertTrue(received < size);
        String after = null;
        for (int attempt = 0; attempt < 20 && !digest.equals(after); attempt++) {
            Thread.sleep(attempt == 0 ? 0 : 500);
            try {
                after = storedDigest("faults/pull", digest);
            } catch (AssertionError | IOException notYet) {
                after = null;
            }
        }
        assertEquals(digest, after, "after the restart the blob is served whole and right");
    }

    @Test
    void registryKilledMidUploadLeavesNoPartialBlobAndItsIngestIsReaped() throws Exception {
        PackagedRegistry doomed = startRegistry("doomed");
        long size = 16L << 20;
        String digest = sha256(new PatternStream(size, 13));
        HttpResponse<Void> started = CLIENT.send(HttpRequest.newBuilder(doomed.uri("/v2/faults/killed/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(202, started.statusCode());
        String location = started.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        CLIENT.sendAsync(HttpRequest.newBuilder(doomed.uri(location + "?digest=" + digest))
                        .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                HttpRequest.BodyPublishers.ofInputStream(() -> slow(size, 13, 300)), size))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(1500);
        String active = Ctr.ctr(containerd.socket(), "default", "content", "active");
        assertTrue(active.contains(id), "the upload is in progress: " + active);
        doomed.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        assertEquals(404, CLIENT.send(HttpRequest.newBuilder(registry.uri("/v2/faults/killed/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode(), "no partial blob is visible");
        assertFalse(Ctr.ctr(containerd.socket(), "default", "content", "ls").contains(digest));

        Thread.sleep(5000);
        Ctr.collectGarbage(containerd.socket(), "default");
        assertFalse(Ctr.ctr(containerd.socket(), "default", "content", "active").contains(id),
                "the ingest went with the upload lease it was written under, which expired");
        assertEquals(404, CLIENT.send(HttpRequest.newBuilder(registry.uri(location)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "the session is gone");
    }

    @Test
    void thirtyTwoConcurrentPushesOfTheSameBlobAndManifestAllSucceedWithOneCopy() throws Exception {
        byte[] layer = new byte[1 << 20];
        new PatternStream(layer.length, 17).readNBytes(layer, 0, layer.length);
        String layerDigest = Digest.sha256Of(layer).toString();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"faults\":\"concurrent\"}";
        String configDigest = Digest.sha256Of(config.getBytes(StandardCharsets.UTF_8)).toString();
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length() + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}";
        String manifestDigest = Digest.sha256Of(manifest.getBytes(StandardCharsets.UTF_8)).toString();

        assertAllStatus(201, 32, i -> HttpRequest.newBuilder(
                registry.uri("/v2/faults/concurrent/blobs/uploads/?digest=" + layerDigest))
                .POST(HttpRequest.BodyPublishers.ofByteArray(layer)).build());
        assertAllStatus(201, 1, i -> HttpRequest.newBuilder(
                registry.uri("/v2/faults/concurrent/blobs/uploads/?digest=" + configDigest))
                .POST(HttpRequest.BodyPublishers.ofString(config)).build());
        assertAllStatus(201, 32, i -> HttpRequest.newBuilder(registry.uri("/v2/faults/concurrent/manifests/v1"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build());

        String content = Ctr.ctr(containerd.socket(), "default", "content", "ls");
        assertEquals(1, content.lines().filter(line -> line.startsWith(layerDigest)).count(), content);
        assertEquals(1, content.lines().filter(line -> line.startsWith(manifestDigest)).count(), content);
        assertEquals(layerDigest, storedDigest("faults/concurrent", layerDigest));
        HttpResponse<byte[]> pulled = CLIENT.send(HttpRequest.newBuilder(registry.uri("/v2/faults/concurrent/manifests/v1"))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(manifest.getBytes(StandardCharsets.UTF_8), pulled.body());
        assertEquals(manifestDigest, pulled.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    private static void assertAllStatus(int status, int count, java.util.function.IntFunction<HttpRequest> request)
            throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(CLIENT.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : all) {
            HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
            assertEquals(status, response.statusCode(), response.body());
        }
    }
}
