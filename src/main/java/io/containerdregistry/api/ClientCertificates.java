package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.security.AuthConfig;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Mutual TLS for the registry API: with {@code registry.auth.client-certificate=required}, a {@code /v2/} or
 * {@code /token} request must come over HTTPS with a client certificate (the TLS layer has already checked it was
 * signed by the trusted CA), else 401 {@code UNAUTHORIZED}. Probes ({@code /readyz}, {@code /q/health}) stay open.
 * Runs before {@link AccessControl}.
 */
@ApplicationScoped
class ClientCertificates {
    private final AuthConfig config;

    ClientCertificates(AuthConfig config) {
        this.config = config;
    }

    void init(@Observes @Priority(AccessControl.AFTER_REGISTRY_ROUTER - 50) Router router) {
        if (config.clientCertificate() != AuthConfig.ClientCertificate.REQUIRED) {
            return;
        }
        router.route("/v2/*").order(RegistryRouter.FIRST).handler(this::require);
        if (config.tokenService().enabled()) {
            router.route("/token").order(RegistryRouter.FIRST).handler(this::require);
        }
    }

    private void require(RoutingContext rc) {
        if (!rc.request().isSSL()) {
            throw ErrorCode.UNAUTHORIZED.exception("this registry requires HTTPS with a client certificate");
        }
        try {
            rc.request().sslSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw ErrorCode.UNAUTHORIZED.exception("a client certificate is required");
        }
        rc.next();
    }
}
