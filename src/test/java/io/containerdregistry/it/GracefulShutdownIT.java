package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.PackagedRegistry;
import io.containerdregistry.testing.PatternStream;
import io.containerdregistry.testing.Prometheus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while a 512 MiB pull and a push are running: new requests are refused at once, both transfers finish
 * intact, and only then does the registry exit.
 */
class GracefulShutdownIT {
    private static final long PULL_SIZE = 512L * 1024 * 1024;
    private static final long PUSH_SIZE = 64L * 1024 * 1024;
    private static final long PUSH_BEFORE_SIGTERM = 8L * 1024 * 1024;

    @Test
    void sigtermRefusesNewRequestsAndLetsRunningPullsAndPushesFinish() throws Exception {
        Path work = Path.of("target", "it-shutdown").toAbsolutePath();
        try (LocalContainerd containerd = LocalContainerd.start(work.resolve("containerd"));
                PackagedRegistry registry = PackagedRegistry.start(work, "256m", Map.of(
                        "CONTAINERD_ADDRESS", containerd.socket().toString(), "SHUTDOWN_TIMEOUT", "1m"))) {
            HttpClient client = Http.client();
            String pullDigest = pushChunked(client, registry, new PatternStream(PULL_SIZE, 7));
            String pushDigest = "sha256:" + Http.sha256Hex(new PatternStream(PUSH_SIZE, 8));
            String session = startSession(client, registry);

            HttpResponse<InputStream> pull = client.send(
                    HttpRequest.newBuilder(registry.uri("/v2/shutdown/app/blobs/" + pullDigest)).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, pull.statusCode());
            MessageDigest pulled = Http.sha256();
            InputStream pullBody = new DigestInputStream(pull.body(), pulled);
            pullBody.readNBytes(16 * 1024 * 1024);

            GatedStream pushBody = new GatedStream(new PatternStream(PUSH_SIZE, 8), PUSH_BEFORE_SIGTERM);
            CompletableFuture<Http.RawResponse> push = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.upload(registry, "PUT", session + "?digest=" + pushDigest, pushBody, PUSH_SIZE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertTrue(pushBody.reachedGate.await(30, TimeUnit.SECONDS), "the push started");
            Http.await(Duration.ofSeconds(10), () -> Prometheus.sum(
                    Http.get(client, registry.uri("/q/metrics")).body(), "registry_uploads_in_flight", Map.of()),
                    inFlight -> inFlight >= 1);

            registry.process().destroy();
            long sigterm = System.nanoTime();
            HttpClient prober = Http.client();
            String refusal = Http.await(Duration.ofSeconds(15), () -> probe(prober, registry), r -> !r.equals("200"));
            double secondsToRefusal = (System.nanoTime() - sigterm) / 1e9;
            assertTrue(refusal.equals("503") || refusal.equals("refused"), "a new request was " + refusal);
            assertTrue(registry.process().isAlive(), "the registry waits for the running transfers");

            pushBody.open.countDown();
            pullBody.transferTo(OutputStream.nullOutputStream());
            assertEquals(pullDigest, "sha256:" + HexFormat.of().formatHex(pulled.digest()), "the pull completed intact");
            Http.RawResponse pushed = push.get(60, TimeUnit.SECONDS);
            assertEquals(201, pushed.status(), "the push completed");
            assertEquals(pushDigest, pushed.header("Docker-Content-Digest"));

            assertTrue(registry.process().waitFor(30, TimeUnit.SECONDS), "the registry exits once the drain is done");
            double secondsToExit = (System.nanoTime() - sigterm) / 1e9;
            String log = registry.log();
            assertTrue(log.contains("All HTTP requests complete"), log);
            assertFalse(log.contains("Timed out waiting for graceful shutdown"), log);
            System.out.printf("graceful shutdown: new requests refused %.2f s after SIGTERM, exit %.2f s after SIGTERM"
                    + " (exit code %d)%n", secondsToRefusal, secondsToExit, registry.process().exitValue());
        }
    }

    /** The answer to a new {@code GET /v2/}: its status, or {@code refused} when no connection is accepted. */
    private static String probe(HttpClient prober, PackagedRegistry registry) {
        try {
            return String.valueOf(prober.send(HttpRequest.newBuilder(registry.uri("/v2/"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException e) {
            return "refused";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String startSession(HttpClient client, PackagedRegistry registry) {
        HttpResponse<String> started = Http.send(client, HttpRequest.newBuilder(
                registry.uri("/v2/shutdown/app/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, started.statusCode(), started.body());
        return started.headers().firstValue("Location").orElseThrow();
    }

    /** Streams {@code content} in one PATCH, hashing it on the way, then commits with PUT; returns the digest. */
    private static String pushChunked(HttpClient client, PackagedRegistry registry, InputStream content)
            throws IOException {
        MessageDigest sha = Http.sha256();
        Http.RawResponse patched = Http.upload(registry, "PATCH", startSession(client, registry),
                new DigestInputStream(content, sha), PULL_SIZE);
        assertEquals(202, patched.status(), "PATCH of the large blob");
        String digest = "sha256:" + HexFormat.of().formatHex(sha.digest());
        HttpResponse<String> put = Http.send(client, HttpRequest.newBuilder(
                        registry.uri(patched.header("Location") + "?digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(201, put.statusCode(), put.body());
        return digest;
    }

    /** Hands out the first {@code gate} bytes, then blocks until {@link #open} is counted down. */
    private static final class GatedStream extends InputStream {
        final CountDownLatch reachedGate = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        private final InputStream delegate;
        private final long gate;
        private long position;

        GatedStream(InputStream delegate, long gate) {
            this.delegate = delegate;
            this.gate = gate;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= gate && open.getCount() > 0) {
                reachedGate.countDown();
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            int allowed = open.getCount() > 0 ? (int) Math.min(length, gate - position) : length;
            int n = delegate.read(buffer, offset, allowed);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
