package io.containerdregistry.api;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Writes a blob stream to an HTTP response with back-pressure: each chunk is written in slices of at most
 * {@value #SLICE} bytes, the next slice only once the response's write queue has room, and the next chunk is asked
 * for only once the last slice went out. So what waits for the socket is at most a slice or two (the transport copies
 * each write into a buffer of its own), however large the chunks are and however slow the client is. A client that
 * goes away cancels the read; a store that fails after the headers were sent resets the connection, so the client
 * sees a broken transfer and never wrong bytes. The response is ended only once its last slice has reached the
 * socket, so a shutdown that waits for running requests does not close the connection with bytes still queued.
 */
final class ResponseBody implements Flow.Subscriber<ByteBuffer> {
    static final int SLICE = 64 * 1024;

    private final RoutingContext rc;
    private final HttpServerResponse response;
    private final Context context;
    private Flow.Subscription subscription;
    private Future<Void> lastWrite = Future.succeededFuture();
    /** A chunk's slices are being written (on the request's context only). */
    private boolean writing;
    /** The stream ended; the response ends once the last slice is written. */
    private boolean completed;

    ResponseBody(RoutingContext rc) {
        this.rc = rc;
        this.response = rc.response();
        this.context = Vertx.currentContext();
    }

    /** Sends bytes already in memory (a manifest) as the body, in slices as the connection takes them. */
    static void send(RoutingContext rc, byte[] bytes) {
        if (bytes.length <= SLICE) {
            rc.response().end(Buffer.buffer(bytes));
            return;
        }
        ResponseBody body = new ResponseBody(rc);
        body.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
                if (!sent) {
                    sent = true;
                    body.onNext(ByteBuffer.wrap(bytes));
                } else {
                    body.onComplete();
                }
            }

            @Override
            public void cancel() {
                sent = true;
            }
        });
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        context.runOnContext(v -> {
            response.closeHandler(ignored -> s.cancel());
            s.request(1);
        });
    }

    @Override
    public void onNext(ByteBuffer item) {
        context.runOnContext(v -> {
            writing = true;
            writeSlices(item);
        });
    }

    /**
     * Writes slices of the chunk while the write queue has room; once all are written, asks for the next chunk, or
     * ends the response when the stream ended meanwhile (its end may arrive before the last chunk is written).
     */
    private void writeSlices(ByteBuffer item) {
        while (!response.closed()) {
            if (!item.hasRemaining()) {
                writing = false;
                if (completed) {
                    endAfterLastWrite();
                } else {
                    subscription.request(1);
                }
                return;
            }
            if (response.writeQueueFull()) {
                // the handler stays registered until replaced: it must fire once, for this chunk only
                response.drainHandler(ignored -> {
                    response.drainHandler(null);
                    writeSlices(item);
                });
                return;
            }
            ByteBuffer slice = item.slice();
            int length = Math.min(SLICE, slice.remaining());
            slice.limit(length);
            item.position(item.position() + length);
            lastWrite = response.write(Buffer.buffer(Unpooled.wrappedBuffer(slice)));
        }
    }

    @Override
    public void onError(Throwable throwable) {
        context.runOnContext(v -> {
            if (response.headWritten()) {
                Connections.cut(rc);
            } else {
                rc.fail(throwable);
            }
        });
    }

    @Override
    public void onComplete() {
        context.runOnContext(v -> {
            completed = true;
            if (!writing) {
                endAfterLastWrite();
            }
        });
    }

    private void endAfterLastWrite() {
        lastWrite.onComplete(written -> {
            if (written.succeeded() && !response.closed()) {
                response.end();
            }
        });
    }
}
