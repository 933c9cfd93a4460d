package io.containerdregistry.security;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a principal may do what a request needs, and what a token issued to it may grant. A request needs
 * a list of accesses; an empty list means "any valid credential" (as {@code GET /v2/} does when auth is on).
 * Created at start-up, so a rule that is not allowed stops the registry before it serves anything.
 */
@Startup
@ApplicationScoped
public class AccessPolicy {
    /** The outcome of a check: go on, ask for credentials (401), ask for a broader token (401), or refuse (403). */
    public enum Verdict { ALLOW, UNAUTHENTICATED, INSUFFICIENT_SCOPE, DENIED }

    private final boolean enabled;
    private final AccessRules rules;

    AccessPolicy(AuthConfig config) {
        this.enabled = config.token().isPresent() || config.htpasswd().isPresent() || config.tokenService().enabled();
        this.rules = new AccessRules(config.rules(), config.anonymousPull(), config.catalog());
    }

    /** Whether any authentication is configured; when not, the registry is open and nothing is checked. */
    public boolean enabled() {
        return enabled;
    }

    public Verdict check(Principal principal, List<Access> required) {
        return switch (principal.kind()) {
            case STATIC_TOKEN -> Verdict.ALLOW;
            case BEARER -> required.stream().allMatch(a -> a.coveredBy(principal.grants()))
                    ? Verdict.ALLOW : Verdict.INSUFFICIENT_SCOPE;
            case USER -> required.stream().allMatch(a -> permitted(principal, a)) ? Verdict.ALLOW : Verdict.DENIED;
            case ANONYMOUS -> !required.isEmpty() && required.stream().allMatch(a -> permitted(principal, a))
                    ? Verdict.ALLOW : Verdict.UNAUTHENTICATED;
        };
    }

    /** What a token for the principal may grant of the requested scopes: each narrowed to what the rules allow. */
    public List<Access> grants(Principal principal, List<Access> requested) {
        List<Access> granted = new ArrayList<>();
        for (Access access : requested) {
            Set<String> actions = new LinkedHashSet<>();
            for (String action : access.actions()) {
                if (permitted(principal, new Access(access.type(), access.name(), Set.of(action)))) {
                    actions.add(action);
                }
            }
            granted.add(new Access(access.type(), access.name(), actions));
        }
        return granted;
    }

    private boolean permitted(Principal principal, Access access) {
        if (principal.kind() == Principal.Kind.STATIC_TOKEN) {
            return true;
        }
        boolean anonymous = principal.kind() == Principal.Kind.ANONYMOUS;
        if (access.isCatalog()) {
            return rules.catalogAllowed(principal.name(), anonymous);
        }
        if (!Access.REPOSITORY.equals(access.type())) {
            return false;
        }
        Set<Action> allowed = rules.allowed(principal.name(), anonymous, access.name());
        return access.actions().stream().allMatch(a -> {
            Action action = Action.of(a);
            return action != null && allowed.contains(action);
        });
    }
}
