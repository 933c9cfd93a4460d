package io.containerdregistry.api;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * HTTP/2 clients (h2c upgrades, or h2 over TLS: Go's clients, so containerd and docker) send every request to a host
 * over one connection. A request whose body the registry holds back (waiting for its share of transfer memory, or for
 * containerd to take what came) stops returning flow-control credit; with HTTP/2's default 64 KiB connection window,
 * a few such streams would hold all of it and stall the connection's other requests until they move again. The
 * connection window is therefore many stream windows wide: each held-back stream keeps at most its own 64 KiB.
 */
@ApplicationScoped
class Http2Windows implements HttpServerOptionsCustomizer {
    static final int CONNECTION_WINDOW = 16 * 1024 * 1024;

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ConnectionWindowSize(CONNECTION_WINDOW);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        options.setHttp2ConnectionWindowSize(CONNECTION_WINDOW);
    }
}
