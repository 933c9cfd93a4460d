package io.containerdregistry.security;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configured rules: which users may do which actions on which repositories. Without rules every authenticated
 * user may do everything; {@code anonymous-pull} adds pull everywhere for anonymous clients. A rule that would let
 * anonymous clients push or delete is a configuration error: pushing always needs a user.
 */
final class AccessRules {
    static final String ANY_USER = "*";

    private record Rule(Set<String> users, List<Glob> repositories, Set<Action> actions) {
        boolean appliesTo(String user, boolean anonymous) {
            return users.contains(user) || (!anonymous && users.contains(ANY_USER));
        }
    }

    private final List<Rule> rules = new ArrayList<>();
    private final Set<String> catalogUsers;

    AccessRules(Map<String, AuthConfig.Rule> configured, boolean anonymousPull, List<String> catalogUsers) {
        configured.forEach((name, rule) -> rules.add(parse(name, rule)));
        if (configured.isEmpty()) {
            rules.add(new Rule(Set.of(ANY_USER), List.of(new Glob("**")), EnumSet.allOf(Action.class)));
        }
        if (anonymousPull) {
            rules.add(new Rule(Set.of(Principal.ANONYMOUS_NAME), List.of(new Glob("**")), EnumSet.of(Action.PULL)));
        }
        this.catalogUsers = Set.copyOf(catalogUsers.stream().map(String::trim).toList());
    }

    private static Rule parse(String name, AuthConfig.Rule rule) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String word : rule.actions()) {
            Action action = Action.of(word);
            if (action == null) {
                throw new IllegalArgumentException("registry.auth.rules." + name + ".actions: unknown action '" + word
                        + "' (pull, push, delete)");
            }
            actions.add(action);
        }
        Set<String> users = Set.copyOf(rule.users().stream().map(String::trim).toList());
        if (users.contains(Principal.ANONYMOUS_NAME) && !EnumSet.of(Action.PULL).containsAll(actions)) {
            throw new IllegalArgumentException("registry.auth.rules." + name
                    + ": anonymous clients may only pull; pushing and deleting always need a user");
        }
        return new Rule(users, rule.repositories().stream().map(Glob::new).toList(), actions);
    }

    /** The actions the user (or anonymous client) may do on the repository. */
    Set<Action> allowed(String user, boolean anonymous, String repository) {
        Set<Action> allowed = EnumSet.noneOf(Action.class);
        for (Rule rule : rules) {
            if (rule.appliesTo(user, anonymous) && rule.repositories.stream().anyMatch(g -> g.matches(repository))) {
                allowed.addAll(rule.actions);
            }
        }
        if (anonymous) {
            allowed.retainAll(EnumSet.of(Action.PULL));
        }
        return allowed;
    }

    boolean catalogAllowed(String user, boolean anonymous) {
        return catalogUsers.contains(user) || (!anonymous && catalogUsers.contains(ANY_USER));
    }
}
