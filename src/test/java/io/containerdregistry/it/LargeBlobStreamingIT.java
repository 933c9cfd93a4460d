package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.PatternStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Streaming proof: a 1 GiB blob is pushed and pulled through the packaged registry running with a 256 MiB heap.
 * A registry that buffered a blob whole could not do this.
 */
class LargeBlobStreamingIT {
    private static final long SIZE = 1024L * 1024 * 1024;
    private static final long SEED = 42;

    @Test
    void oneGibibyteBlobPushesAndPullsThroughA256MibHeap() throws Exception {
        Path work = Path.of("target", "it-large-blob").toAbsolutePath();
        String xmx = System.getProperty("registry.xmx", "256m");
        try (LocalContainerd containerd = LocalContainerd.startFresh(work.resolve("containerd"));
                PackagedRegistry registry = PackagedRegistry.start(work, xmx,
                        Map.of("CONTAINERD_ADDRESS", containerd.socket().toString()))) {
            String digest = "sha256:" + sha256(new PatternStream(SIZE, SEED));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<Void> started = client.send(HttpRequest.newBuilder(registry.uri("/v2/big/blob/blobs/uploads/"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(202, started.statusCode());
            String location = started.headers().firstValue("Location").orElseThrow();

            HttpResponse<String> put = client.send(HttpRequest.newBuilder(registry.uri(location + "?digest=" + digest))
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE, SEED)), SIZE))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, put.statusCode(), put.body());

            HttpResponse<InputStream> get = client.send(
                    HttpRequest.newBuilder(registry.uri("/v2/big/blob/blobs/" + digest)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, get.statusCode());
            assertEquals(String.valueOf(SIZE), get.headers().firstValue("Content-Length").orElseThrow());
            assertEquals(digest, "sha256:" + sha256(get.body()));
            assertTrue(registry.process().isAlive(), registry.log());
            assertTrue(!registry.log().contains("OutOfMemoryError"), registry.log());
        }
    }

    private static String sha256(InputStream in) throws IOException, java.security.NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
