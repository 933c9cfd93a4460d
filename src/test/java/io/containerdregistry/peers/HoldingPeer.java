package io.containerdregistry.peers;

import io.containerdregistry.oci.ByteRange;
import io.containerdregistry.oci.Digest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A peer registry on loopback that holds the blobs it is given and answers forwarded requests for them as a registry
 * does ({@code HEAD}, {@code GET}, single {@code Range}s), counting every {@code GET} and remembering its
 * {@code Range}; it may also serve a blob with a wrong byte. A gate makes each {@code GET} send its first bytes at once and the rest only when released, so a
 * test can keep a transfer open as long as it needs.
 */
final class HoldingPeer {
    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private volatile long gateAt = -1;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    private HoldingPeer(Vertx vertx, String host, int port) {
        this.server = vertx.createHttpServer().requestHandler(this::serve).listen(port, host)
                .toCompletionStage().toCompletableFuture().join();
    }

    /** Listens on {@code host}, on {@code port} or (0) any free port. */
    static HoldingPeer start(Vertx vertx, String host, int port) {
        return new HoldingPeer(vertx, host, port);
    }

    int port() {
        return server.actualPort();
    }

    Digest hold(byte[] blob) {
        Digest digest = Digest.sha256Of(blob);
        blobs.put(digest.toString(), blob);
        return digest;
    }

    /** Holds {@code blob} under its digest, but serves it with one byte changed. */
    Digest holdCorrupted(byte[] blob) {
        Digest digest = Digest.sha256Of(blob);
        byte[] wrong = Arrays.copyOf(blob, blob.length);
        wrong[wrong.length - 2] ^= 1;
        blobs.put(digest.toString(), wrong);
        return digest;
    }

    /** How many {@code GET}s of the blob arrived. */
    int gets(Digest digest) {
        AtomicInteger count = gets.get(digest.toString());
        return count == null ? 0 : count.get();
    }

    /** The {@code Range} headers of the {@code GET}s so far ({@code -} for none). */
    List<String> ranges() {
        return List.copyOf(ranges);
    }

    /** From now on each {@code GET} stops after its first {@code at} bytes until {@link #release()}. */
    void gate(long at) {
        gate = new CompletableFuture<>();
        gateAt = at;
    }

    void release() {
        gateAt = -1;
        gate.complete(null);
    }

    void close() {
        release();
        server.close().toCompletionStage().toCompletableFuture().join();
    }

    private void serve(HttpServerRequest request) {
        String path = request.path();
        String digest = path.substring(path.lastIndexOf('/') + 1);
        byte[] blob = blobs.get(digest);
        HttpServerResponse response = request.response();
        if (blob == null || request.getHeader(PeerClient.HOP_HEADER) == null) {
            response.setStatusCode(404).end();
            return;
        }
        response.putHeader("Docker-Content-Digest", digest).putHeader("Content-Type", "application/octet-stream");
        if (request.method().name().equals("HEAD")) {
            response.putHeader("Content-Length", String.valueOf(blob.length)).end();
            return;
        }
        gets.computeIfAbsent(digest, d -> new AtomicInteger()).incrementAndGet();
        String header = request.getHeader("Range");
        ranges.add(header == null ? "-" : header);
        ByteRange range;
        try {
            range = ByteRange.resolve(header, blob.length);
        } catch (ByteRange.RangeNotSatisfiable e) {
            response.setStatusCode(416).putHeader("Content-Range", "bytes */" + blob.length).end();
            return;
        }
        int start = range == null ? 0 : (int) range.start();
        int end = range == null ? blob.length : (int) (range.start() + range.length());
        if (range != null) {
            response.setStatusCode(206).putHeader("Content-Range",
                    "bytes " + start + "-" + (end - 1) + "/" + blob.length);
        }
        response.putHeader("Content-Length", String.valueOf(end - start));
        long held = gateAt;
        if (held < 0 || held <= start || held >= end) {
            response.end(Buffer.buffer(Arrays.copyOfRange(blob, start, end)));
            return;
        }
        response.write(Buffer.buffer(Arrays.copyOfRange(blob, start, (int) held)));
        Context context = Vertx.currentContext();
        gate.thenRun(() -> context.runOnContext(v -> response.end(Buffer.buffer(Arrays.copyOfRange(blob,
                (int) held, end)))));
    }
}
