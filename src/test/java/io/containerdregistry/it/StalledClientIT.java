package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.PackagedRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A client that stalls cannot pin a connection: with {@code IDLE_TIMEOUT=4s}, {@code READ_TIMEOUT=1s} and
 * {@code WRITE_TIMEOUT=1s}, a silent connection, a request body that stops arriving and a download nobody reads are
 * each cut off after their own timeout.
 */
class StalledClientIT {
    private static final int BLOB_SIZE = 32 * 1024 * 1024;

    @Test
    void stalledConnectionsAreClosedAfterTheirTimeouts() throws Exception {
        Path work = Path.of("target", "it-stalled").toAbsolutePath();
        try (LocalContainerd containerd = LocalContainerd.start(work.resolve("containerd"));
                PackagedRegistry registry = PackagedRegistry.start(work, "256m", Map.of(
                        "CONTAINERD_ADDRESS", containerd.socket().toString(),
                        "IDLE_TIMEOUT", "4s", "READ_TIMEOUT", "1s", "WRITE_TIMEOUT", "1s"))) {
            byte[] blob = new byte[BLOB_SIZE];
            new Random(3).nextBytes(blob);
            String digest = Http.pushBlob(Http.client(), registry, "stalled/app", blob);

            try (Socket silent = connect(registry, 0)) {
                double closedAfter = secondsUntilClosed(silent.getInputStream());
                assertTrue(closedAfter > 3 && closedAfter < 10, "idle connection closed after " + closedAfter + " s");
                System.out.printf("stalled clients: idle connection closed after %.2f s (IDLE_TIMEOUT=4s)%n", closedAfter);
            }

            try (Socket uploader = connect(registry, 0)) {
                send(uploader, "PATCH " + session(registry) + " HTTP/1.1\r\nHost: registry\r\nX-Request-Id: stalled-body\r\n"
                        + "Content-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(1000));
                double closedAfter = secondsUntilClosed(uploader.getInputStream());
                assertTrue(closedAfter < 3.5, "stalled body cut after " + closedAfter + " s, before the idle timeout");
                System.out.printf("stalled clients: request body stalled, cut after %.2f s (READ_TIMEOUT=1s)%n", closedAfter);
            }

            try (Socket reader = connect(registry, 64 * 1024)) {
                send(reader, "GET /v2/stalled/app/blobs/" + digest + " HTTP/1.1\r\nHost: registry\r\n"
                        + "X-Request-Id: stalled-download\r\n\r\n");
                Thread.sleep(3000);
                long received = reader.getInputStream().transferTo(OutputStream.nullOutputStream());
                assertTrue(received < BLOB_SIZE, "a download nobody read was cut off, received " + received);
            }

            assertAborted(registry, "stalled-body", "read timeout");
            assertAborted(registry, "stalled-download", "write timeout");
        }
    }

    private static void assertAborted(PackagedRegistry registry, String requestId, String reason) {
        String line = Http.await(Duration.ofSeconds(5), () -> logLine(registry, requestId), found -> !found.isEmpty());
        assertTrue(line.contains("aborted=" + reason), line);
    }

    private static String logLine(PackagedRegistry registry, String requestId) {
        try {
            return registry.log().lines().filter(l -> l.contains("request_id=" + requestId)).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String session(PackagedRegistry registry) {
        HttpResponse<String> started = Http.send(Http.client(), HttpRequest.newBuilder(
                        registry.uri("/v2/stalled/app/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(202, started.statusCode());
        return started.headers().firstValue("Location").orElseThrow();
    }

    private static Socket connect(PackagedRegistry registry, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", registry.port()), 5000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes the connection; returns how long that took. */
    private static double secondsUntilClosed(InputStream in) throws IOException {
        long start = System.nanoTime();
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (SocketException reset) {
            // a reset is a close too
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
