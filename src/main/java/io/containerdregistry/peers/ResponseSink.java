package io.containerdregistry.peers;

import io.containerdregistry.oci.ByteRange;
import io.containerdregistry.oci.Digest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * A client's response fed straight from its own {@link PeerStream}: a {@code HEAD}, a {@code Range} request, or a miss
 * that could not share a fetch. Headers as the holder announced them, the holder paused while the client's write
 * queue is full, and the last chunk held back until the stream ends well: on a mismatch or a break the connection is
 * reset, so the client never sees wrong or short content marked complete.
 */
final class ResponseSink implements PeerStream.Sink {
    private final RoutingContext rc;
    private final HttpServerResponse out;
    private final PeerMetrics metrics;
    private final Runnable notFound;
    private PeerStream stream;
    private Buffer pending;

    ResponseSink(RoutingContext rc, PeerMetrics metrics, Runnable notFound) {
        this.rc = rc;
        this.out = rc.response();
        this.metrics = metrics;
        this.notFound = notFound;
    }

    /** Starts {@code stream}, which feeds this sink; a client that leaves cancels it. */
    void start(PeerStream stream) {
        this.stream = stream;
        out.closeHandler(ignored -> stream.cancel());
        stream.start();
    }

    /** The headers of content served from peers, whichever way it reaches the client. */
    static void headers(HttpServerResponse out, Digest digest, String contentType, long length, PeerStream.Part part) {
        out.setStatusCode(part == null ? 200 : 206)
                .putHeader("Content-Type", contentType)
                .putHeader("Content-Length", Long.toString(length))
                .putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("ETag", '"' + digest.toString() + '"');
        if (part != null) {
            out.putHeader("Content-Range", part.toString());
        }
    }

    @Override
    public void head(PeerStream.Head head) {
        headers(out, head.digest(), head.contentType(), head.length(), head.part());
    }

    @Override
    public void chunk(Buffer chunk) {
        if (pending != null) {
            out.write(pending);
        }
        pending = chunk;
        if (out.writeQueueFull()) {
            stream.pause();
            out.drainHandler(ignored -> stream.resume());
        }
    }

    @Override
    public void end() {
        metrics.hit();
        if (rc.request().method() == HttpMethod.HEAD || pending == null) {
            out.end();
        } else {
            out.end(pending);
        }
    }

    @Override
    public void notFound() {
        notFound.run();
    }

    @Override
    public void unsatisfiable(long size) {
        rc.fail(new ByteRange.RangeNotSatisfiable(size));
    }

    @Override
    public void abort(String why) {
        out.reset();
    }
}
