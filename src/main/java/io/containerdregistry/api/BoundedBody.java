package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a small request body (a manifest) into memory, failing as soon as it grows past the limit. The buffer is
 * sized from {@code Content-Length} up front, so it is never copied while it grows.
 */
final class BoundedBody {
    private BoundedBody() {
    }

    /**
     * The body length the request announces: its {@code Content-Length}, or the limit for a chunked body. Fails with
     * 413 when it announces more than the limit.
     */
    static long declaredLength(HttpServerRequest request, long limit, ErrorCode tooLarge) {
        String length = request.getHeader("Content-Length");
        if (length == null || request.getHeader("Transfer-Encoding") != null) {
            return limit;
        }
        long declared = parse(length);
        if (declared > limit) {
            throw oversized(limit, tooLarge);
        }
        return declared;
    }

    /** Reads the (possibly paused) request's body; resumes it. */
    static Future<Buffer> read(HttpServerRequest request, long limit, ErrorCode tooLarge) {
        Promise<Buffer> promise = Promise.promise();
        long expected;
        try {
            expected = declaredLength(request, limit, tooLarge);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
        Buffer body = Buffer.buffer((int) Math.min(expected, 64 * 1024 * 1024));
        request.handler(chunk -> {
            if (promise.future().isComplete()) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                promise.tryFail(oversized(limit, tooLarge));
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ignored -> promise.tryComplete(body));
        request.exceptionHandler(promise::tryFail);
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
        request.resume();
        return promise.future();
    }

    private static long parse(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static RegistryException oversized(long limit, ErrorCode code) {
        return new RegistryException(code, 413, "body exceeds the limit of " + limit + " bytes", null);
    }
}
