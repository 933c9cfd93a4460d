package io.containerdregistry.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What every {@code /v2/} route shares: the API version header, the OCI error handler, and an OCI 404 for paths
 * that are no endpoint.
 */
@ApplicationScoped
class RegistryRouter {
    static final int FIRST = -1000;
    static final int LAST = Integer.MAX_VALUE - 1000;

    void init(@Observes Router router) {
        router.route("/v2/*").order(FIRST).handler(rc -> {
            rc.response().putHeader("Docker-Distribution-API-Version", "registry/2.0");
            rc.next();
        });
        router.route("/v2/*").order(LAST).handler(rc -> rc.fail(404));
        router.route("/v2/*").failureHandler(ErrorResponses::handle);
    }
}
