package io.containerdregistry.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A path that no route serves, anywhere (such as one whose dot segments climb out of {@code /v2/}), is an OCI 404
 * {@code NAME_UNKNOWN} like the unknown paths under {@code /v2/}, not an HTML page.
 */
@ApplicationScoped
class NotFound {

    void init(@Observes Router router) {
        router.errorHandler(404, ErrorResponses::handle);
    }
}
