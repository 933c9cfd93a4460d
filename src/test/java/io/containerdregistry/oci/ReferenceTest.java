package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReferenceTest {
    private static final String DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static void assertInvalidTag(String text) {
        assertFalse(Reference.isValidTag(text), () -> "expected invalid tag: " + text);
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.tag(text));
        assertEquals(ErrorCode.TAG_INVALID, e.code());
    }

    @Test
    void parsesTagAsTag() {
        Reference r = Reference.parse("latest");
        assertFalse(r.isDigest());
        assertEquals("latest", r.tag());
        assertNull(r.digest());
        assertEquals("latest", r.toString());
    }

    @Test
    void parsesDigestAsDigest() {
        Reference r = Reference.parse(DIGEST);
        assertTrue(r.isDigest());
        assertNull(r.tag());
        assertEquals(Digest.parse(DIGEST), r.digest());
        assertEquals(DIGEST, r.toString());
    }

    @Test
    void acceptsTagsUsingEveryAllowedCharacterClass() {
        for (String tag : new String[] {"v1", "V1.2.3", "1.0-rc_1", "_private", "a", "0", "A-b_C.d"}) {
            assertTrue(Reference.isValidTag(tag), tag);
            assertEquals(tag, Reference.tag(tag).tag());
        }
    }

    @Test
    void accepts128CharacterTag() {
        String tag = "a".repeat(128);
        assertTrue(Reference.isValidTag(tag));
        assertEquals(tag, Reference.parse(tag).tag());
    }

    @Test
    void rejects129CharacterTag() {
        assertInvalidTag("a".repeat(129));
    }

    @Test
    void rejectsTagStartingWithPeriodOrDash() {
        assertInvalidTag(".hidden");
        assertInvalidTag("-dash");
    }

    @Test
    void rejectsEmptyAndNullTag() {
        assertInvalidTag("");
        assertInvalidTag(null);
    }

    @Test
    void rejectsTagWithForbiddenCharacters() {
        assertInvalidTag("v1/2");
        assertInvalidTag("v1 2");
        assertInvalidTag("v1+2");
        assertInvalidTag("v1@2");
        assertInvalidTag("tag\n");
    }

    @Test
    void parseRejectsInvalidTagWithTagInvalid() {
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse("-bad"));
        assertEquals(ErrorCode.TAG_INVALID, e.code());
    }

    @Test
    void parseTreatsTextWithColonAsDigestAndRejectsMalformedOnesWithDigestInvalid() {
        RegistryException e = assertThrows(RegistryException.class, () -> Reference.parse("sha256:abc"));
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        RegistryException unsupported = assertThrows(RegistryException.class,
                () -> Reference.parse("md5:d41d8cd98f00b204e9800998ecf8427e"));
        assertEquals(ErrorCode.DIGEST_INVALID, unsupported.code());
    }

    @Test
    void tagFactoryDoesNotAcceptDigests() {
        assertInvalidTag(DIGEST);
    }
}
