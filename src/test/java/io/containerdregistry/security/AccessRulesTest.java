package io.containerdregistry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    private static AccessRules rules(Map<String, AuthConfig.Rule> rules, boolean anonymousPull) {
        return new AccessRules(rules, anonymousPull, List.of("*"));
    }

    @Test
    void withoutRulesEveryUserMayDoEverythingAndAnonymousNothing() {
        AccessRules rules = rules(Map.of(), false);
        assertEquals(EnumSet.allOf(Action.class), rules.allowed("alice", false, "any/repo"));
        assertEquals(Set.of(), rules.allowed("anonymous", true, "any/repo"));
    }

    @Test
    void anonymousPullAddsPullEverywhereForAnonymousOnly() {
        AccessRules rules = rules(Map.of(), true);
        assertEquals(EnumSet.of(Action.PULL), rules.allowed("anonymous", true, "library/alpine"));
    }

    @Test
    void singleStarStaysInsideOneSegmentAndDoubleStarCrossesThem() {
        AccessRules rules = rules(Map.of(
                "one", new TestAuthConfig.TestRule(List.of("bob"), List.of("team/*"), List.of("pull")),
                "deep", new TestAuthConfig.TestRule(List.of("carol"), List.of("team/**"), List.of("push"))), false);
        assertEquals(EnumSet.of(Action.PULL), rules.allowed("bob", false, "team/app"));
        assertEquals(Set.of(), rules.allowed("bob", false, "team/app/sub"));
        assertEquals(EnumSet.of(Action.PUSH), rules.allowed("carol", false, "team/app/sub"));
        assertEquals(Set.of(), rules.allowed("carol", false, "teams/app"));
    }

    @Test
    void globCharactersOtherThanStarAreLiteral() {
        AccessRules rules = rules(Map.of(
                "dots", new TestAuthConfig.TestRule(List.of("bob"), List.of("a.b/**"), List.of("pull"))), false);
        assertTrue(rules.allowed("bob", false, "a.b/c").contains(Action.PULL));
        assertFalse(rules.allowed("bob", false, "axb/c").contains(Action.PULL));
    }

    @Test
    void starUserMeansAnyAuthenticatedUserNotAnonymous() {
        AccessRules rules = rules(Map.of(
                "all", new TestAuthConfig.TestRule(List.of("*"), List.of("**"), List.of("pull"))), false);
        assertEquals(EnumSet.of(Action.PULL), rules.allowed("whoever", false, "x"));
        assertEquals(Set.of(), rules.allowed("anonymous", true, "x"));
    }

    @Test
    void aRuleLettingAnonymousPushIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> rules(Map.of(
                "bad", new TestAuthConfig.TestRule(List.of("anonymous"), List.of("**"), List.of("pull", "push"))), false));
    }

    @Test
    void unknownActionsAreAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> rules(Map.of(
                "bad", new TestAuthConfig.TestRule(List.of("bob"), List.of("**"), List.of("write"))), false));
    }

    @Test
    void catalogGoesToTheListedUsers() {
        AccessRules rules = new AccessRules(Map.of(), false, List.of("alice"));
        assertTrue(rules.catalogAllowed("alice", false));
        assertFalse(rules.catalogAllowed("bob", false));
        assertFalse(rules.catalogAllowed("anonymous", true));
        assertTrue(new AccessRules(Map.of(), false, List.of("anonymous")).catalogAllowed("anonymous", true));
    }
}
