package io.containerdregistry.api;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;

/** Ends a transfer the client must see as broken, never as a short success. */
final class Connections {
    private Connections() {
    }

    /**
     * Resets an HTTP/2 stream, or closes an HTTP/1.x connection at once. Vert.x's own {@code close()} (and
     * {@code response.reset()}, which also marks the response closed and so skips its end handlers: the request's
     * metrics and access log line) first waits for queued bytes to be written, which a client that stopped reading
     * never lets happen. Closing from Vert.x's handler context, as Vert.x does once that write is done, does not
     * wait; Vert.x then sees the connection close and runs the end handlers.
     */
    static void cut(RoutingContext rc) {
        if (rc.request().version() == HttpVersion.HTTP_2) {
            rc.response().reset();
            return;
        }
        HttpConnection connection = rc.request().connection();
        if (connection instanceof ConnectionBase base) {
            base.channelHandlerContext().close();
        } else {
            connection.close();
        }
    }
}
