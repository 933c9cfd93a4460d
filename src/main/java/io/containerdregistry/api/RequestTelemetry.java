package io.containerdregistry.api;

import io.containerdregistry.metrics.RegistryMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every request: gives it a request id ({@code X-Request-Id}, echoed in the response) and,
 * when the response ends or the connection closes, records its metrics and writes its access log line. Route
 * classes stay free of measuring; they only mark what they know, such as {@link #SOURCE}.
 */
@ApplicationScoped
class RequestTelemetry {
    static final int ORDER = RegistryRouter.FIRST - 100;
    /** Context key naming where served content came from ({@code local} when unset; a peer fetch sets {@code peer}). */
    static final String SOURCE = "registry.source";
    /** Context key with the reason a handler cut the connection (for example {@code read timeout}). */
    static final String ABORTED = "registry.aborted";
    /** Status recorded for a request whose connection closed before any response was sent. */
    static final int CLOSED_BEFORE_RESPONSE = 499;

    private final RegistryMetrics metrics;

    RequestTelemetry(RegistryMetrics metrics) {
        this.metrics = metrics;
    }

    void init(@Observes Router router) {
        router.route().order(ORDER).handler(this::observe);
    }

    private void observe(RoutingContext rc) {
        long started = System.nanoTime();
        HttpServerRequest request = rc.request();
        String id = RequestId.of(request.getHeader(RequestId.HEADER));
        rc.response().putHeader(RequestId.HEADER, id);
        EndpointFamily family = EndpointFamily.of(rc.normalizedPath());
        boolean upload = family == EndpointFamily.UPLOAD && carriesBlob(request);
        if (upload) {
            metrics.uploadStarted();
        }
        rc.addEndHandler(ignored -> finished(rc, id, family, upload, System.nanoTime() - started));
        rc.next();
    }

    /** PATCH and PUT to a session, and a monolithic POST ({@code ?digest=}), carry blob bytes. */
    private static boolean carriesBlob(HttpServerRequest request) {
        HttpMethod method = request.method();
        return method == HttpMethod.PATCH || method == HttpMethod.PUT
                || method == HttpMethod.POST && request.getParam("digest") != null;
    }

    private void finished(RoutingContext rc, String id, EndpointFamily family, boolean upload, long nanos) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        boolean complete = response.ended();
        int status = complete || response.headWritten() ? response.getStatusCode() : CLOSED_BEFORE_RESPONSE;
        String method = request.method().name();
        long received = request.bytesRead();
        long sent = response.bytesWritten();
        metrics.request(family.tag(), method, status, nanos, received, sent);
        if (upload) {
            metrics.uploadEnded(method, status, nanos);
        }
        if (complete && request.method() == HttpMethod.GET && (status == 200 || status == 206)
                && (family == EndpointFamily.BLOB || family == EndpointFamily.MANIFEST)) {
            String source = rc.get(SOURCE);
            metrics.served(family.tag(), source == null ? RegistryMetrics.LOCAL : source);
        }
        String aborted = complete ? null : rc.get(ABORTED, "connection closed");
        Throwable failure = rc.failure();
        AccessLog.write(new AccessLog.Line(id, method, request.path(), family, status,
                TimeUnit.NANOSECONDS.toMillis(nanos), sent, received, remote(request), aborted,
                failure == null ? null : describe(failure)));
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    private static String remote(HttpServerRequest request) {
        SocketAddress address = request.remoteAddress();
        return address == null ? "-" : address.hostAddress();
    }
}
