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
 * Writes a blob stream to an HTTP response with back-pressure: the next chunk is asked for only once the
 * response's write queue has room. A client that goes away cancels the read; a store that fails after the headers
 * were sent resets the connection, so the client sees a broken transfer and never wrong bytes. The response is
 * ended only once its last chunk has reached the socket, so a shutdown that waits for running requests does not
 * close the connection with bytes still queued.
 */
final class ResponseBody implements Flow.Subscriber<ByteBuffer> {
    private final RoutingContext rc;
    private final HttpServerResponse response;
    private final Context context;
    private Flow.Subscription subscription;
    private Future<Void> lastWrite = Future.succeededFuture();

    ResponseBody(RoutingContext rc) {
        this.rc = rc;
        this.response = rc.response();
        this.context = Vertx.currentContext();
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
            if (response.closed()) {
                return;
            }
            lastWrite = response.write(Buffer.buffer(Unpooled.wrappedBuffer(item)));
            if (response.writeQueueFull()) {
                response.drainHandler(ignored -> subscription.request(1));
            } else {
                subscription.request(1);
            }
        });
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
        context.runOnContext(v -> lastWrite.onComplete(written -> {
            if (written.succeeded() && !response.closed()) {
                response.end();
            }
        }));
    }
}
