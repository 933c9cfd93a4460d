package io.containerdregistry.api;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers that keep browsers from misreading anything the registry serves, on every response:
 * {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY}, {@code Referrer-Policy: no-referrer}, and
 * {@code Strict-Transport-Security} on HTTPS.
 */
@ApplicationScoped
class SecurityHeaders {

    void init(@Observes Router router) {
        router.route().order(RegistryRouter.FIRST - 1).handler(rc -> {
            rc.response()
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Referrer-Policy", "no-referrer");
            if (rc.request().isSSL()) {
                rc.response().putHeader("Strict-Transport-Security", "max-age=31536000");
            }
            rc.next();
        });
    }
}
