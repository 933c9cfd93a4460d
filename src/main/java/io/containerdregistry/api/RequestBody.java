package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * An HTTP request body as a {@link Flow.Publisher}: the request stays paused until the subscriber asks for data,
 * so the client is slowed to the pace containerd takes the bytes. {@code Expect: 100-continue} is answered when
 * the body is first asked for, after the request was validated. While the request is paused that way the
 * routing context says so ({@link #pausedByUs}), so a stalled-client timeout does not blame the client for it.
 */
final class RequestBody implements Flow.Publisher<ByteBuffer> {
    private static final String PAUSED = "registry.body-paused";
    private final RoutingContext rc;
    private final HttpServerRequest request;
    private final Context context;
    private boolean subscribed;

    RequestBody(RoutingContext rc) {
        this.rc = rc;
        this.request = rc.request();
        this.context = Vertx.currentContext();
        pause();
    }

    /** Whether the registry itself holds the request body back (waiting for containerd), not the client. */
    static boolean pausedByUs(RoutingContext rc) {
        return Boolean.TRUE.equals(rc.get(PAUSED));
    }

    private void pause() {
        rc.put(PAUSED, Boolean.TRUE);
        request.pause();
    }

    private void resume() {
        rc.put(PAUSED, Boolean.FALSE);
        request.resume();
    }

    /** Whether the client announced a body: a non-zero {@code Content-Length}, or chunked transfer. */
    static boolean announced(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        context.runOnContext(v -> start(subscriber));
    }

    private void start(Flow.Subscriber<? super ByteBuffer> subscriber) {
        if (subscribed) {
            throw new IllegalStateException("a request body can be subscribed once");
        }
        subscribed = true;
        Relay relay = new Relay(subscriber);
        subscriber.onSubscribe(relay);
        if (request.isEnded()) {
            subscriber.onComplete();
            return;
        }
        request.handler(relay::data);
        request.endHandler(ignored -> relay.end());
        request.exceptionHandler(relay::error);
    }

    private final class Relay implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean continued;
        private boolean cancelled;
        private boolean finished;

        Relay(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            context.runOnContext(v -> {
                if (cancelled || finished) {
                    return;
                }
                demand = Math.min(Long.MAX_VALUE - n, demand) + n;
                if (!continued) {
                    continued = true;
                    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                        request.response().writeContinue();
                    }
                }
                resume();
            });
        }

        @Override
        public void cancel() {
            context.runOnContext(v -> cancelled = true);
        }

        void data(io.vertx.core.buffer.Buffer buffer) {
            if (cancelled) {
                return;
            }
            demand--;
            if (demand <= 0) {
                pause();
            }
            // Vert.x hands every chunk over in a buffer of its own (a copy out of its pooled read buffers), never
            // reused: the subscriber may keep it
            subscriber.onNext(buffer.getByteBuf().nioBuffer());
        }

        void end() {
            finished = true;
            if (!cancelled) {
                subscriber.onComplete();
            }
        }

        void error(Throwable t) {
            finished = true;
            if (!cancelled) {
                // the client's own doing (it closed the connection mid-body): never a 500 in the logs
                subscriber.onError(new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 400,
                        "the request body ended early: " + t.getMessage(), t));
            }
        }
    }
}
