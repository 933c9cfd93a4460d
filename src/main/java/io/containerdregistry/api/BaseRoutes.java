package io.containerdregistry.api;

import io.containerdregistry.store.StoreHealth;
import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** {@code GET /v2/} (API version check) and the seed's plain-text readiness endpoint {@code /readyz}. */
@ApplicationScoped
class BaseRoutes {
    static final Duration READY_DEADLINE = Duration.ofSeconds(2);
    private final StoreHealth health;

    BaseRoutes(StoreHealth health) {
        this.health = health;
    }

    @Route(path = "/v2/", methods = {HttpMethod.GET, HttpMethod.HEAD})
    void base(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "application/json").end("{}");
    }

    @Route(path = "/readyz", methods = {HttpMethod.GET, HttpMethod.HEAD})
    void ready(RoutingContext rc) {
        health.version(READY_DEADLINE).subscribe().with(
                version -> rc.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("OK"),
                failure -> rc.response().setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("containerd not ready: " + failure.getMessage()));
    }
}
