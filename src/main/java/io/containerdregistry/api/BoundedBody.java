package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/** Reads a small request body (a manifest) into memory, failing as soon as it grows past the limit. */
final class BoundedBody {
    private BoundedBody() {
    }

    static Future<Buffer> read(HttpServerRequest request, long limit, ErrorCode tooLarge) {
        Promise<Buffer> promise = Promise.promise();
        String length = request.getHeader("Content-Length");
        if (length != null && parse(length) > limit) {
            return Future.failedFuture(oversized(limit, tooLarge));
        }
        Buffer body = Buffer.buffer();
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
