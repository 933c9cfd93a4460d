package io.containerdregistry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessTest {

    @Test
    void parsesDockerScopesIncludingNamesWithAPort() {
        assertEquals(List.of(
                        new Access("repository", "team/app", Set.of("pull", "push")),
                        new Access("repository", "host:5000/app", Set.of("pull")),
                        new Access("registry", "catalog", Set.of("*"))),
                Access.parseScopes(List.of("repository:team/app:pull,push repository:host:5000/app:pull",
                        "registry:catalog:*")));
    }

    @Test
    void dropsMalformedScopes() {
        assertEquals(List.of(), Access.parseScopes(List.of("", "repository", "repository:app", ":app:pull",
                "repository::pull", "repository:app:")));
    }

    @Test
    void capsTheNumberOfScopes() {
        String many = "repository:a:pull ".repeat(1000);
        assertEquals(32, Access.parseScopes(List.of(many)).size());
    }

    @Test
    void writesScopesInCanonicalActionOrder() {
        assertEquals("repository:a/b:pull,push", Access.repository("a/b", Action.PUSH, Action.PULL).scope());
        assertEquals("registry:catalog:*", Access.catalog().scope());
    }

    @Test
    void isCoveredOnlyWhenEveryActionIsGranted() {
        Access needed = Access.repository("a", Action.PULL, Action.PUSH);
        assertTrue(needed.coveredBy(List.of(new Access("repository", "a", Set.of("pull", "push", "delete")))));
        assertTrue(needed.coveredBy(List.of(new Access("repository", "a", Set.of("pull")),
                new Access("repository", "a", Set.of("push")))));
        assertFalse(needed.coveredBy(List.of(new Access("repository", "a", Set.of("pull")))));
        assertFalse(needed.coveredBy(List.of(new Access("repository", "b", Set.of("pull", "push")))));
        assertFalse(needed.coveredBy(List.of(new Access("registry", "a", Set.of("*")))));
    }
}
