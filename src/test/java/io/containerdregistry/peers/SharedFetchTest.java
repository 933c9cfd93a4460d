package io.containerdregistry.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.Prometheus;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent misses of one blob share one peer {@code GET}, and a client's {@code Range} is served from that fetch or
 * passed on to the holder. The {@link FakePeers#holder} holds each test's blob and holds its transfers open at a gate
 * until the test has all its clients attached.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@WithTestResource(FakePeers.class)
class SharedFetchTest {
    private static final int MIB = 1024 * 1024;
    private static final HttpClient HTTP = Http.client();

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void openTheGate() {
        FakePeers.holder.release();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private URI blob(Digest digest) {
        return URI.create("http://127.0.0.1:" + base.getPort() + "/v2/library/shared/blobs/" + digest
                + "?ns=docker.io");
    }

    private double metric(String name) {
        String text = Http.get(HTTP, URI.create("http://127.0.0.1:" + base.getPort() + "/q/metrics")).body();
        return Prometheus.sum(text, name, Map.of());
    }

    private HttpResponse<InputStream> open(Digest digest, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(blob(digest)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private CompletableFuture<HttpResponse<byte[]>> fetch(Digest digest, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(blob(digest)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return Http.client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A fetch held open at the holder's gate, whose first client has read {@code prefix}. */
    private record Held(HttpResponse<InputStream> first, byte[] prefix, double joinedBefore) {
    }

    /** Starts a fetch of {@code digest} that stops after 1 MiB; its first client reads {@code prefix} bytes of it. */
    private Held holdOpen(Digest digest, int prefix) throws Exception {
        FakePeers.holder.gate(MIB);
        double joined = metric("registry_peer_joined_total");
        HttpResponse<InputStream> first = open(digest);
        assertEquals(200, first.statusCode());
        return new Held(first, first.body().readNBytes(prefix), joined);
    }

    /** Opens the gate once {@code count} more clients have joined the held fetch. */
    private void releaseOnceJoined(Held held, int count) {
        Http.await(Duration.ofSeconds(10), () -> metric("registry_peer_joined_total"),
                v -> v >= held.joinedBefore() + count);
        FakePeers.holder.release();
    }

    @Test
    void concurrentMissesOfOneBlobMakeOnePeerGetAndEveryClientGetsEveryByte() throws Exception {
        byte[] content = random(3 * MIB, 1);
        Digest digest = FakePeers.holder.hold(content);
        double hits = metric("registry_peer_hits_total");
        double bytes = metric("registry_peer_bytes_total");

        Held held = holdOpen(digest, MIB / 2); // the fetch is under way and its first bytes spooled
        HttpResponse<InputStream> first = held.first();
        assertEquals(String.valueOf(content.length), first.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(digest.toString(), first.headers().firstValue("Docker-Content-Digest").orElseThrow());
        byte[] prefix = held.prefix();
        assertArrayEquals(Arrays.copyOf(content, MIB / 2), prefix);

        int late = 7;
        List<CompletableFuture<HttpResponse<byte[]>>> others = new ArrayList<>();
        for (int i = 0; i < late; i++) {
            others.add(fetch(digest));
        }
        releaseOnceJoined(held, late);

        byte[] rest = first.body().readAllBytes();
        first.body().close();
        byte[] whole = new byte[prefix.length + rest.length];
        System.arraycopy(prefix, 0, whole, 0, prefix.length);
        System.arraycopy(rest, 0, whole, prefix.length, rest.length);
        assertArrayEquals(content, whole);
        for (CompletableFuture<HttpResponse<byte[]>> other : others) {
            HttpResponse<byte[]> response = other.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertArrayEquals(content, response.body(), "a late joiner gets the whole blob from its first byte");
        }
        assertEquals(1, FakePeers.holder.gets(digest), "one GET reached the peer for " + (late + 1) + " clients");
        assertEquals(content.length, metric("registry_peer_bytes_total") - bytes, "bytes from peers: one transfer");
        assertEquals(late + 1, metric("registry_peer_hits_total") - hits);
        Http.await(Duration.ofSeconds(5), () -> metric("registry_peer_spool_bytes"), v -> v == 0.0);
    }

    @Test
    void aClientThatDoesNotReadHoldsUpNeitherTheFetchNorTheOthers() throws Exception {
        byte[] content = random(32 * MIB, 2); // more than the socket buffers and the HTTP client take in
        Digest digest = FakePeers.holder.hold(content);
        Held held = holdOpen(digest, 0);
        HttpResponse<InputStream> stalled = held.first(); // reads nothing until the other is done
        CompletableFuture<HttpResponse<byte[]>> other = fetch(digest);
        releaseOnceJoined(held, 1);

        HttpResponse<byte[]> done = other.get(20, TimeUnit.SECONDS);
        assertArrayEquals(content, done.body());
        try (InputStream body = stalled.body()) {
            assertArrayEquals(content, body.readAllBytes());
        }
        assertEquals(1, FakePeers.holder.gets(digest));
    }

    @Test
    void aMismatchFoundAtTheEndResetsEveryClientOfTheFetch() throws Exception {
        byte[] content = random(3 * MIB, 5);
        Digest digest = FakePeers.holder.holdCorrupted(content);
        Held held = holdOpen(digest, MIB / 2);
        HttpResponse<InputStream> second = open(digest); // joins, gets its headers, reads nothing yet
        assertEquals(200, second.statusCode());
        releaseOnceJoined(held, 1);

        for (HttpResponse<InputStream> response : List.of(held.first(), second)) {
            assertThrows(IOException.class, () -> {
                try (InputStream body = response.body()) {
                    body.readAllBytes();
                }
            }, "the last byte is never sent: the connection is reset instead");
        }
        assertEquals(1, FakePeers.holder.gets(digest));
    }

    @Test
    void aRangeWhileTheBlobIsBeingFetchedIsCutFromThatFetch() throws Exception {
        byte[] content = random(3 * MIB, 3);
        Digest digest = FakePeers.holder.hold(content);
        Held held = holdOpen(digest, 1024);
        long from = 100;
        long to = 2L * MIB; // spans the gate: part of it arrives only after the release
        CompletableFuture<HttpResponse<byte[]>> part = fetch(digest, "Range", "bytes=" + from + "-" + to);
        releaseOnceJoined(held, 1);

        HttpResponse<byte[]> response = part.get(20, TimeUnit.SECONDS);
        assertEquals(206, response.statusCode());
        assertEquals("bytes " + from + "-" + to + "/" + content.length,
                response.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(content, (int) from, (int) to + 1), response.body());
        held.first().body().close();
        assertEquals(1, FakePeers.holder.gets(digest), "the range made no GET of its own");
    }

    @Test
    void aRangeOfABlobNobodyIsFetchingIsPassedToTheHolder() throws Exception {
        byte[] content = random(MIB, 4);
        Digest digest = FakePeers.holder.hold(content);

        HttpResponse<byte[]> middle = fetch(digest, "Range", "bytes=1000-1999").get(20, TimeUnit.SECONDS);
        assertEquals(206, middle.statusCode());
        assertEquals("bytes 1000-1999/" + content.length, middle.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("1000", middle.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), middle.body());

        HttpResponse<byte[]> tail = fetch(digest, "Range", "bytes=-10").get(20, TimeUnit.SECONDS);
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(content, content.length - 10, content.length), tail.body());

        HttpResponse<byte[]> beyond = fetch(digest, "Range", "bytes=" + content.length + "-").get(20, TimeUnit.SECONDS);
        assertEquals(416, beyond.statusCode());
        assertEquals("bytes */" + content.length, beyond.headers().firstValue("Content-Range").orElseThrow());

        assertEquals(3, FakePeers.holder.gets(digest));
        assertTrue(FakePeers.holder.ranges().containsAll(List.of("bytes=1000-1999", "bytes=-10")),
                FakePeers.holder.ranges().toString());
    }
}
