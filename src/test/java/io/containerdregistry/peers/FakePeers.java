package io.containerdregistry.peers;

import io.containerdregistry.oci.Digest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Three scripted peers on loopback: {@code slow} holds everything but never answers a {@code GET} in time; {@code liar}
 * answers every {@code GET} with the right length and headers, but the bytes of {@link #BAD} are wrong; {@link #holder}
 * holds only what a test gives it, and counts the requests for it. A transfer may stall up to 10 s (a test holds one
 * open while clients join it).
 */
public class FakePeers implements QuarkusTestResourceLifecycleManager {
    static final byte[] CONTENT = "content every peer agrees on".repeat(4096).getBytes(StandardCharsets.UTF_8);
    static final byte[] BAD = "content the liar corrupts!!!".repeat(4096).getBytes(StandardCharsets.UTF_8);
    static volatile int slowPort;
    static volatile int liarPort;
    static volatile HoldingPeer holder;

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer slow = vertx.createHttpServer().requestHandler(r -> serve(r, true));
        HttpServer liar = vertx.createHttpServer().requestHandler(r -> serve(r, false));
        slowPort = slow.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
        liarPort = liar.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
        holder = HoldingPeer.start(vertx, "127.0.0.1", 0);
        return Map.of("registry.peers.static", "http://127.0.0.1:" + slowPort + ",http://127.0.0.1:" + liarPort
                        + ",http://127.0.0.1:" + holder.port(),
                "registry.peers.hedge-delay", "200ms",
                "registry.peers.idle-timeout", "10s");
    }

    private void serve(HttpServerRequest request, boolean slow) {
        String path = request.path();
        byte[] body = path.endsWith(Digest.sha256Of(CONTENT).toString()) ? CONTENT
                : path.endsWith(Digest.sha256Of(BAD).toString()) ? BAD : null;
        if (body == null || request.getHeader(PeerClient.HOP_HEADER) == null) {
            request.response().setStatusCode(404).end();
            return;
        }
        request.response().putHeader("Content-Length", String.valueOf(body.length))
                .putHeader("Docker-Content-Digest", Digest.sha256Of(body).toString())
                .putHeader("Content-Type", "application/octet-stream");
        if (request.method().name().equals("HEAD")) {
            request.response().end();
        } else if (slow) {
            vertx.setTimer(10_000, id -> request.response().end(Buffer.buffer(body)));
        } else if (body == BAD) {
            byte[] wrong = Arrays.copyOf(body, body.length);
            wrong[wrong.length / 2] ^= 1;
            request.response().end(Buffer.buffer(wrong));
        } else {
            request.response().end(Buffer.buffer(body));
        }
    }

    @Override
    public void stop() {
        vertx.close();
    }
}
