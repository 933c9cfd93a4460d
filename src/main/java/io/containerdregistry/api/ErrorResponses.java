package io.containerdregistry.api;

import io.containerdregistry.oci.ByteRange;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * The one place that writes OCI error bodies: {@code {"errors":[{"code","message","detail"}]}} with the code's
 * status. Anything that is not a {@link RegistryException} is a 500 {@code UNKNOWN}, logged once with its cause; a 503
 * (containerd away, or the registry busy) is left to the access log.
 */
final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    /** Bodies up to this size are read to the end before an error is answered. */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;
    private static final long DRAIN_WAIT_MS = 5000;
    /** How long a refused body is still read and dropped after the answer, before the connection is closed. */
    private static final long LINGER_MS = 2000;

    private ErrorResponses() {
    }

    static void handle(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        if (response.closed()) {
            // the client went away or a timeout cut it off: nobody is left to answer, and it is not a server error
            LOG.debugf(rc.failure(), "%s %s failed after the connection closed",
                    rc.request().method(), rc.request().path());
            return;
        }
        if (response.headWritten()) {
            // a stream failed half-way: the client must see a broken transfer, not a short success
            LOG.warnf(rc.failure(), "%s %s failed after the response started", rc.request().method(), rc.request().path());
            Connections.cut(rc);
            return;
        }
        answer(rc, toRegistry(rc));
    }

    /** Answers the request with the error, as the failure handler does (for handlers that refuse outside it). */
    static void answer(RoutingContext rc, RegistryException error) {
        HttpServerResponse response = rc.response();
        if (error.status() == 503) {
            // containerd away or the registry busy: expected, answered with Retry-After, and already in the access
            // log with its reason; a stack trace per request would bury everything else
            LOG.debugf(error.getCause() != null ? error.getCause() : error, "%s %s: %s",
                    rc.request().method(), rc.request().path(), error.detail());
        } else if (error.status() >= 500) {
            LOG.errorf(error.getCause() != null ? error.getCause() : error, "%s %s: %s",
                    rc.request().method(), rc.request().path(), error.detail());
        }
        response.setStatusCode(error.status());
        boolean http2 = http2(rc.request());
        // HTTP/2 has no Connection header (the connection is shared): the rest goes out as given
        error.headers().forEach((name, value) -> {
            if (!(http2 && name.equalsIgnoreCase("Connection"))) {
                response.putHeader(name, value);
            }
        });
        write(rc, error);
    }

    private static RegistryException toRegistry(RoutingContext rc) {
        Throwable failure = rc.failure();
        if (failure instanceof io.smallrye.mutiny.CompositeException composite && !composite.getCauses().isEmpty()) {
            // a failure and what failed while reacting to it: the first is what the request ran into
            failure = composite.getCauses().get(0);
        }
        if (failure instanceof RegistryException registry) {
            return registry;
        }
        if (failure instanceof ByteRange.RangeNotSatisfiable range) {
            return new RegistryException(ErrorCode.SIZE_INVALID, 416, range.getMessage(), null)
                    .withHeader("Content-Range", "bytes */" + range.size());
        }
        if (failure != null && rc.statusCode() >= 400 && rc.statusCode() < 500) {
            // the HTTP layer refused the request itself (a request without Host, ...): the client's mistake
            return new RegistryException(ErrorCode.UNSUPPORTED, rc.statusCode(), failure.getMessage(), null);
        }
        if (failure == null) {
            int status = rc.statusCode();
            if (status == 404) {
                return ErrorCode.NAME_UNKNOWN.exception("no such endpoint: " + rc.request().path());
            }
            if (status == 405) {
                return ErrorCode.UNSUPPORTED.exception("method not allowed: " + rc.request().method());
            }
            if (status == 413) {
                return new RegistryException(ErrorCode.SIZE_INVALID, 413, "request body too large", null);
            }
            if (status > 0 && status < 500) {
                return new RegistryException(ErrorCode.UNSUPPORTED, status, "request rejected", null);
            }
        }
        return new RegistryException(ErrorCode.UNKNOWN, 500,
                failure == null ? "internal error" : failure.toString(), failure);
    }

    private static void write(RoutingContext rc, RegistryException error) {
        JsonObject entry = new JsonObject()
                .put("code", error.code().name())
                .put("message", error.code().message())
                .put("detail", error.detail());
        String body = new JsonObject().put("errors", new JsonArray().add(entry)).encode();
        HttpServerResponse response = rc.response().putHeader("Content-Type", "application/json");
        HttpServerRequest request = rc.request();
        if (!request.isEnded() && RequestBody.announced(request)) {
            request.exceptionHandler(ignored -> { });
            request.handler(ignored -> { });
            boolean waitsForContinue = request.getHeader("Expect") != null;
            // a body refused for its size, or a request refused before its body was read (it says so by closing the
            // connection), is not waited for: the client is told at once
            boolean refusedUpFront = error.status() == 413 || "close".equals(error.headers().get("Connection"));
            if (!waitsForContinue && !refusedUpFront && declaredLength(request) <= DRAIN_LIMIT) {
                // read and drop the rest of a small body first, so the client sees the answer, not a reset;
                // a client that stalls instead is answered and disconnected after a short wait
                long timer = rc.vertx().setTimer(DRAIN_WAIT_MS, id -> {
                    if (!response.ended()) {
                        closing(response, request);
                        response.end(body).onComplete(ignored -> stopBody(request));
                    }
                });
                request.endHandler(ignored -> {
                    rc.vertx().cancelTimer(timer);
                    if (!response.ended()) {
                        response.end(body);
                    }
                });
                request.resume();
                return;
            }
            // a large or chunked body that was never read: answer and close rather than read it all; but linger a
            // moment, dropping what still arrives, so that a client that reads only once it has sent its body (most
            // HTTP/1.1 clients) sees the answer instead of a broken pipe
            closing(response, request);
            response.end(body).onComplete(ignored -> {
                long linger = rc.vertx().setTimer(LINGER_MS, id -> stopBody(request));
                if (request.isEnded()) {
                    rc.vertx().cancelTimer(linger);
                    stopBody(request);
                    return;
                }
                request.endHandler(end -> {
                    rc.vertx().cancelTimer(linger);
                    stopBody(request);
                });
            });
            request.resume();
            return;
        }
        response.end(body);
    }

    private static boolean http2(HttpServerRequest request) {
        return request.version() == io.vertx.core.http.HttpVersion.HTTP_2;
    }

    /** Announces that the connection ends with this answer (HTTP/1.x; an HTTP/2 connection is shared and stays). */
    private static void closing(HttpServerResponse response, HttpServerRequest request) {
        if (!http2(request)) {
            response.putHeader("Connection", "close");
        }
    }

    /**
     * Stops a body nobody will read, once the answer went out: HTTP/1.x closes the connection; HTTP/2 resets only
     * this stream with {@code NO_ERROR} (RFC 9113 8.1: a complete response, then the client may stop sending).
     */
    private static void stopBody(HttpServerRequest request) {
        if (http2(request)) {
            request.response().reset(0);
        } else {
            request.connection().close();
        }
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            return Long.parseLong(request.getHeader("Content-Length").trim());
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
