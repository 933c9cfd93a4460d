package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.AccessPolicy;
import io.containerdregistry.security.AuthConfig;
import io.containerdregistry.security.Authenticator;
import io.containerdregistry.security.Principal;
import io.containerdregistry.security.Tokens;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code GET /token?service=<service>&scope=repository:<name>:pull,push}: the token endpoint of the Docker/OCI token
 * flow. Basic credentials (htpasswd) or none (anonymous); the token grants of each requested scope what the rules
 * allow, possibly nothing. Served only when the token service is enabled.
 */
@ApplicationScoped
class TokenRoutes {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,255}");

    private final Authenticator authenticator;
    private final AccessPolicy policy;
    private final Tokens tokens;
    private final boolean enabled;

    TokenRoutes(Authenticator authenticator, AccessPolicy policy, Tokens tokens, AuthConfig config) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.tokens = tokens;
        this.enabled = config.tokenService().enabled();
    }

    void init(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.get("/token").handler(this::token);
        router.route("/token").failureHandler(ErrorResponses::handle);
    }

    /** {@code <scheme>://<Host>/token}, the realm when none is configured. */
    static String defaultRealm(RoutingContext rc) {
        String host = rc.request().host();
        if (host == null || !HOST.matcher(host).matches()) {
            host = "localhost";
        }
        return rc.request().scheme() + "://" + host + "/token";
    }

    private void token(RoutingContext rc) {
        String service = rc.request().getParam("service");
        if (service != null && !service.equals(tokens.service())) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "this registry is the service \"" + tokens.service() + "\"", null);
        }
        List<Access> requested = Access.parseScopes(rc.queryParam("scope"));
        authenticator.authenticateBasic(rc.request().getHeader("Authorization")).onComplete(who -> {
            if (who.failed()) {
                rc.fail(who.cause() instanceof RegistryException e
                        ? e.withHeader("WWW-Authenticate", "Basic realm=\"" + tokens.service() + "\"")
                        : who.cause());
                return;
            }
            Principal principal = who.result();
            Tokens.Issued issued = tokens.issue(principal, policy.grants(principal, requested));
            JsonObject body = new JsonObject()
                    .put("token", issued.token())
                    .put("access_token", issued.token())
                    .put("expires_in", issued.lifetime().toSeconds())
                    .put("issued_at", issued.issuedAt().toString());
            rc.response().putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(body.encode());
        });
    }
}
