package io.containerdregistry.api;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Once shutdown begins (SIGTERM), every new request is answered {@code 503} (with {@code Connection: close} on
 * HTTP/1.x), while the requests already running finish within Quarkus' shutdown timeout ({@code SHUTDOWN_TIMEOUT}).
 * Quarkus fires the event before it starts waiting for them ({@code quarkus.shutdown.delay-enabled}).
 */
@ApplicationScoped
class DrainGate {
    static final int ORDER = RequestTelemetry.ORDER + 1;
    private static final Logger LOG = Logger.getLogger(DrainGate.class);
    private volatile boolean draining;

    void init(@Observes Router router) {
        router.route().order(ORDER).handler(this::admit);
    }

    void shutdownStarted(@Observes ShutdownDelayInitiatedEvent event) {
        draining = true;
        LOG.info("Shutting down: refusing new requests while running ones finish");
    }

    private void admit(RoutingContext rc) {
        if (!draining) {
            rc.next();
            return;
        }
        if (rc.request().version() != HttpVersion.HTTP_2) {
            rc.response().putHeader("Connection", "close");
        }
        rc.response().setStatusCode(503)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("shutting down");
    }
}
