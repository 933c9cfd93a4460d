package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Misses served by scripted peers: a slow holder is hedged, wrong bytes are never delivered as complete. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@WithTestResource(FakePeers.class)
class PeerFetcherTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;

    private URI blob(byte[] content) {
        return URI.create("http://127.0.0.1:" + base.getPort() + "/v2/library/fake/blobs/" + Digest.sha256Of(content)
                + "?ns=docker.io");
    }

    @Test
    void aSlowFirstHolderIsHedgedByTheNextOne() throws Exception {
        List<Peer> ranked = Rendezvous.rank(Digest.sha256Of(FakePeers.CONTENT).toString(),
                List.of(Peer.of("http://127.0.0.1:" + FakePeers.slowPort), Peer.of("http://127.0.0.1:" + FakePeers.liarPort)));
        long start = System.nanoTime();
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(blob(FakePeers.CONTENT)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, response.statusCode());
        assertArrayEquals(FakePeers.CONTENT, response.body());
        assertEquals(Digest.sha256Of(FakePeers.CONTENT).toString(),
                response.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertTrue(millis < 3000, "served in " + millis + " ms although " + ranked.get(0) + " ranks first");
    }

    /**
     * The liar's whole blob arrives at once, so the mismatch may be found before or after this client's headers go
     * out (then {@code SharedFetchTest} pins the second case down): either way it never gets a complete response.
     */
    @Test
    void wrongBytesFromAPeerAreNeverACompleteResponse() throws Exception {
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(blob(FakePeers.BAD)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() == 404) {
            try (var body = response.body()) {
                String error = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(error.contains("BLOB_UNKNOWN"), error);
            }
            return;
        }
        assertEquals(200, response.statusCode());
        assertThrows(IOException.class, () -> {
            try (var body = response.body()) {
                body.readAllBytes();
            }
        });
    }

    @Test
    void aForwardedMissIsNotForwardedAgain() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(blob(FakePeers.CONTENT))
                .header(PeerClient.HOP_HEADER, "1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("BLOB_UNKNOWN"), response.body());
    }

    @Test
    void anAbsoluteFormRequestTargetIsAnsweredAndAskedOfPeersByItsPath() throws Exception {
        int port = base.getPort();
        String host = "http://127.0.0.1:" + port;
        RawHttp.Answer miss = RawHttp.send(port, "GET", host + "/v2/library/nothing/manifests/v1?ns=docker.io",
                java.util.Map.of(), null);
        assertEquals(404, miss.status(), miss.toString());
        assertTrue(miss.text().contains("MANIFEST_UNKNOWN"), miss.text());
        RawHttp.Answer held = RawHttp.send(port, "GET", host + "/v2/library/fake/blobs/"
                + Digest.sha256Of(FakePeers.CONTENT) + "?ns=docker.io", java.util.Map.of(), null);
        assertEquals(200, held.status(), held.toString());
        assertArrayEquals(FakePeers.CONTENT, held.body());
    }
}
