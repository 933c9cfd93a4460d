package io.containerdregistry.api;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.security.Access;
import io.containerdregistry.security.AccessPolicy;
import io.containerdregistry.security.AuthConfig;
import io.containerdregistry.security.Authenticator;
import io.containerdregistry.security.Principal;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one authentication and authorization check, run for every {@code /v2/} request right after the API version
 * header (and for {@code /q/metrics} when {@code protect-metrics} is on). It finds out who is asking, what the request
 * needs ({@link RequestTarget}) and lets it through, or answers 401 {@code UNAUTHORIZED} with a challenge or 403
 * {@code DENIED} through {@link ErrorResponses}. Not registered at all when no authentication is configured.
 */
@ApplicationScoped
class AccessControl {
    /** Observers without a priority run at APPLICATION + 500: this one registers after {@link RegistryRouter}. */
    static final int AFTER_REGISTRY_ROUTER = Interceptor.Priority.APPLICATION + 600;
    static final String PRINCIPAL = "registry.principal";

    private final AccessPolicy policy;
    private final Authenticator authenticator;
    private final AuthConfig config;

    AccessControl(AccessPolicy policy, Authenticator authenticator, AuthConfig config) {
        this.policy = policy;
        this.authenticator = authenticator;
        this.config = config;
    }

    void init(@Observes @Priority(AFTER_REGISTRY_ROUTER) Router router) {
        if (!policy.enabled()) {
            return;
        }
        router.route("/v2/*").order(RegistryRouter.FIRST).handler(rc -> check(rc,
                RequestTarget.required(rc.request().method(), rc.normalizedPath(), rc.request()::getParam)));
        if (config.protectMetrics()) {
            router.route("/q/metrics*").order(RegistryRouter.FIRST).handler(rc -> check(rc, List.of()))
                    .failureHandler(ErrorResponses::handle);
        }
    }

    private void check(RoutingContext rc, List<Access> required) {
        Future<Principal> who = authenticator.authenticate(rc.request().getHeader("Authorization"));
        if (who.isComplete()) {
            decide(rc, required, who);
            return;
        }
        // a password is being checked on a worker: hold the body until the route that reads it is reached
        HttpServerRequest request = rc.request();
        request.pause();
        who.onComplete(result -> {
            request.resume();
            decide(rc, required, result);
        });
    }

    private void decide(RoutingContext rc, List<Access> required, AsyncResult<Principal> who) {
        if (who.failed()) {
            rc.fail(who.cause() instanceof RegistryException e && e.code() == ErrorCode.UNAUTHORIZED
                    ? e.withHeader("WWW-Authenticate", challenge(rc, required, false))
                    : who.cause());
            return;
        }
        Principal principal = who.result();
        switch (policy.check(principal, required)) {
            case ALLOW -> {
                rc.put(PRINCIPAL, principal);
                rc.next();
            }
            case UNAUTHENTICATED -> rc.fail(ErrorCode.UNAUTHORIZED.exception("authentication required")
                    .withHeader("WWW-Authenticate", challenge(rc, required, false)));
            case INSUFFICIENT_SCOPE -> rc.fail(ErrorCode.UNAUTHORIZED.exception(
                            "the token does not grant " + scope(required))
                    .withHeader("WWW-Authenticate", challenge(rc, required, true)));
            case DENIED -> rc.fail(ErrorCode.DENIED.exception(principal.name() + " may not " + scope(required)));
        }
    }

    /** {@code Bearer realm=...,service=...,scope=...} with the token service, else {@code Basic realm=...}. */
    private String challenge(RoutingContext rc, List<Access> required, boolean insufficientScope) {
        AuthConfig.TokenService tokens = config.tokenService();
        if (!tokens.enabled()) {
            return "Basic realm=\"" + tokens.service() + "\"";
        }
        StringBuilder challenge = new StringBuilder("Bearer realm=\"")
                .append(tokens.realm().orElseGet(() -> TokenRoutes.defaultRealm(rc))).append("\",service=\"")
                .append(tokens.service()).append('"');
        String scope = scope(required);
        if (!scope.isEmpty()) {
            challenge.append(",scope=\"").append(scope).append('"');
        }
        if (insufficientScope) {
            challenge.append(",error=\"insufficient_scope\"");
        }
        return challenge.toString();
    }

    /** The scopes a request needs, space-separated; names that are no valid repository are left out. */
    private static String scope(List<Access> required) {
        return required.stream()
                .filter(a -> a.isCatalog() || Repository.isValid(a.name()))
                .map(Access::scope)
                .collect(Collectors.joining(" "));
    }
}
