package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RepositoryTest {

    private static void assertValid(String name) {
        assertTrue(Repository.isValid(name), () -> "expected valid: " + name);
        assertEquals(name, assertDoesNotThrow(() -> new Repository(name)).name());
    }

    private static void assertInvalid(String name) {
        assertFalse(Repository.isValid(name), () -> "expected invalid: " + name);
        RegistryException e = assertThrows(RegistryException.class, () -> new Repository(name));
        assertEquals(ErrorCode.NAME_INVALID, e.code());
        assertEquals(400, e.status());
    }

    @Test
    void acceptsSingleLowercaseComponent() {
        assertValid("alpine");
        assertValid("a");
        assertValid("0");
        assertValid("abc123");
    }

    @Test
    void acceptsMultiplePathComponents() {
        assertValid("library/alpine");
        assertValid("docker.io/library/alpine");
        assertValid("a/b/c/d/e");
    }

    @Test
    void acceptsPeriodSeparator() {
        assertValid("my.repo");
        assertValid("a.b.c");
    }

    @Test
    void acceptsSingleUnderscoreSeparator() {
        assertValid("my_repo");
    }

    @Test
    void acceptsDoubleUnderscoreSeparator() {
        assertValid("my__repo");
    }

    @Test
    void rejectsTripleUnderscore() {
        assertInvalid("my___repo");
    }

    @Test
    void acceptsOneOrMoreDashes() {
        assertValid("my-repo");
        assertValid("my--repo");
        assertValid("my---repo");
    }

    @Test
    void rejectsConsecutivePeriods() {
        assertInvalid("my..repo");
    }

    @Test
    void rejectsMixedAdjacentSeparators() {
        assertInvalid("my.-repo");
        assertInvalid("my_.repo");
        assertInvalid("my-_repo");
    }

    @Test
    void rejectsUppercaseLetters() {
        assertInvalid("Alpine");
        assertInvalid("library/Alpine");
        assertInvalid("ALPINE");
    }

    @Test
    void rejectsLeadingSeparators() {
        assertInvalid(".repo");
        assertInvalid("_repo");
        assertInvalid("-repo");
        assertInvalid("library/-repo");
    }

    @Test
    void rejectsTrailingSeparators() {
        assertInvalid("repo.");
        assertInvalid("repo_");
        assertInvalid("repo-");
        assertInvalid("repo-/alpine");
    }

    @Test
    void rejectsLeadingOrTrailingSlash() {
        assertInvalid("/repo");
        assertInvalid("repo/");
    }

    @Test
    void rejectsEmptyPathComponent() {
        assertInvalid("library//alpine");
    }

    @Test
    void rejectsCharactersOutsideTheGrammar() {
        assertInvalid("my repo");
        assertInvalid("my:repo");
        assertInvalid("my@repo");
        assertInvalid("localhost:5000/repo");
        assertInvalid("répo");
        assertInvalid("repo\n");
    }

    @Test
    void rejectsNullAndEmpty() {
        assertInvalid(null);
        assertInvalid("");
    }

    @Test
    void accepts255CharacterName() {
        String name = "a".repeat(255);
        assertEquals(Repository.MAX_LENGTH, name.length());
        assertValid(name);
    }

    @Test
    void acceptsMultiComponentNameOfExactly255Characters() {
        String name = "a".repeat(127) + "/" + "b".repeat(127);
        assertEquals(255, name.length());
        assertValid(name);
    }

    @Test
    void rejectsNameLongerThan255Characters() {
        assertInvalid("a".repeat(256));
        assertInvalid("a".repeat(128) + "/" + "b".repeat(127));
    }

    @Test
    void toStringIsTheName() {
        assertEquals("library/alpine", new Repository("library/alpine").toString());
    }
}
