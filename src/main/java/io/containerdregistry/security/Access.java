package io.containerdregistry.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One resource and the actions on it, as a token scope writes it ({@code repository:team/app:pull,push},
 * {@code registry:catalog:*}) and as a token's {@code access} claim lists it. Used both for what a request needs and
 * for what a token grants.
 */
public record Access(String type, String name, Set<String> actions) {
    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";
    public static final String ALL = "*";

    public Access {
        actions = Set.copyOf(new LinkedHashSet<>(actions));
    }

    public static Access repository(String name, Action... actions) {
        Set<String> names = new LinkedHashSet<>();
        for (Action action : actions) {
            names.add(action.scopeName());
        }
        return new Access(REPOSITORY, name, names);
    }

    public static Access catalog() {
        return new Access(REGISTRY, CATALOG, Set.of(ALL));
    }

    public boolean isCatalog() {
        return REGISTRY.equals(type) && CATALOG.equals(name);
    }

    /** The scope string, actions in the canonical order pull, push, delete. */
    public String scope() {
        List<String> ordered = new ArrayList<>();
        for (Action action : Action.values()) {
            if (actions.contains(action.scopeName())) {
                ordered.add(action.scopeName());
            }
        }
        actions.stream().filter(a -> Action.of(a) == null).sorted().forEach(ordered::add);
        return type + ":" + name + ":" + String.join(",", ordered);
    }

    /** True when every action of this access is granted by an entry of the same type and name. */
    public boolean coveredBy(Collection<Access> grants) {
        for (String action : actions) {
            boolean granted = grants.stream().anyMatch(g -> g.type.equals(type) && g.name.equals(name)
                    && (g.actions.contains(action) || g.actions.contains(ALL)));
            if (!granted) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code scope} parameters; each may hold several scopes separated by spaces. The name sits between the
     * first and the last colon (it may hold a port, {@code repository:host:5000/app:pull}). Malformed scopes are
     * dropped: they can only ever be granted nothing.
     */
    public static List<Access> parseScopes(Collection<String> parameters) {
        List<Access> scopes = new ArrayList<>();
        for (String parameter : parameters) {
            for (String scope : parameter.trim().split("\\s+")) {
                int first = scope.indexOf(':');
                int last = scope.lastIndexOf(':');
                if (first <= 0 || last <= first + 1 || last == scope.length() - 1 || scope.length() > 512) {
                    continue;
                }
                Set<String> actions = new LinkedHashSet<>(List.of(scope.substring(last + 1).split(",")));
                actions.removeIf(String::isBlank);
                scopes.add(new Access(scope.substring(0, first), scope.substring(first + 1, last), actions));
                if (scopes.size() >= 32) {
                    return scopes;
                }
            }
        }
        return scopes;
    }
}
