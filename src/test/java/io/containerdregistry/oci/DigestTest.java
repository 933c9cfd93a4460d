package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class DigestTest {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY_SHA512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
            + "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
    private static final String ABC_SHA512 = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

    private static void assertDigestInvalid(Executable executable) {
        RegistryException e = assertThrows(RegistryException.class, executable);
        assertEquals(ErrorCode.DIGEST_INVALID, e.code());
        assertEquals(400, e.status());
    }

    @Test
    void parsesSha256IntoAlgorithmAndEncoded() {
        Digest d = Digest.parse("sha256:" + EMPTY_SHA256);
        assertEquals("sha256", d.algorithm());
        assertEquals(EMPTY_SHA256, d.encoded());
        assertTrue(d.isSha256());
    }

    @Test
    void parsesSha512With128HexCharacters() {
        Digest d = Digest.parse("sha512:" + EMPTY_SHA512);
        assertEquals("sha512", d.algorithm());
        assertEquals(EMPTY_SHA512, d.encoded());
        assertFalse(d.isSha256());
    }

    @Test
    void toStringRoundTripsThroughParse() {
        String text = "sha256:" + ABC_SHA256;
        assertEquals(text, Digest.parse(text).toString());
        assertEquals(Digest.parse(text), Digest.parse(Digest.parse(text).toString()));
    }

    @Test
    void rejectsUppercaseHexInSha256() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + EMPTY_SHA256.toUpperCase()));
    }

    @Test
    void rejectsUppercaseHexInSha512() {
        assertDigestInvalid(() -> Digest.parse("sha512:" + EMPTY_SHA512.toUpperCase()));
    }

    @Test
    void rejectsSha256ThatIsOneCharacterShort() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + EMPTY_SHA256.substring(1)));
    }

    @Test
    void rejectsSha256ThatIsOneCharacterLong() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + EMPTY_SHA256 + "0"));
    }

    @Test
    void rejectsSha512WithSha256Length() {
        assertDigestInvalid(() -> Digest.parse("sha512:" + EMPTY_SHA256));
    }

    @Test
    void rejectsSha256WithSha512Length() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + EMPTY_SHA512));
    }

    @Test
    void rejectsNonHexCharacterInEncodedPart() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + "g" + EMPTY_SHA256.substring(1)));
    }

    @Test
    void rejectsUnsupportedButWellFormedAlgorithms() {
        assertDigestInvalid(() -> Digest.parse("sha384:" + EMPTY_SHA256));
        assertDigestInvalid(() -> Digest.parse("md5:d41d8cd98f00b204e9800998ecf8427e"));
        assertDigestInvalid(() -> Digest.parse("blake3:" + EMPTY_SHA256));
    }

    @Test
    void rejectsUppercaseAlgorithmName() {
        assertDigestInvalid(() -> Digest.parse("SHA256:" + EMPTY_SHA256));
    }

    @Test
    void rejectsTextWithoutColon() {
        assertDigestInvalid(() -> Digest.parse("sha256" + EMPTY_SHA256));
    }

    @Test
    void rejectsEmptyEncodedPart() {
        assertDigestInvalid(() -> Digest.parse("sha256:"));
    }

    @Test
    void rejectsEmptyAlgorithm() {
        assertDigestInvalid(() -> Digest.parse(":" + EMPTY_SHA256));
    }

    @Test
    void rejectsNullAndEmptyText() {
        assertDigestInvalid(() -> Digest.parse(null));
        assertDigestInvalid(() -> Digest.parse(""));
    }

    @Test
    void rejectsSurroundingWhitespace() {
        assertDigestInvalid(() -> Digest.parse(" sha256:" + EMPTY_SHA256));
        assertDigestInvalid(() -> Digest.parse("sha256:" + EMPTY_SHA256 + "\n"));
    }

    @Test
    void rejectsTextLongerThan256Characters() {
        assertDigestInvalid(() -> Digest.parse("sha256:" + "a".repeat(300)));
    }

    @Test
    void constructorValidatesLikeParse() {
        assertDigestInvalid(() -> new Digest("sha256", "abc"));
        assertDigestInvalid(() -> new Digest("sha1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assertEquals(Digest.parse("sha256:" + EMPTY_SHA256), new Digest("sha256", EMPTY_SHA256));
    }

    @Test
    void sha256OfEmptyInputIsTheKnownValue() {
        assertEquals("sha256:" + EMPTY_SHA256, Digest.sha256Of(new byte[0]).toString());
    }

    @Test
    void sha256OfAbcIsTheKnownValue() {
        assertEquals("sha256:" + ABC_SHA256, Digest.sha256Of("abc".getBytes(StandardCharsets.US_ASCII)).toString());
    }

    @Test
    void ofSha256AgreesWithSha256Of() {
        byte[] bytes = "hello registry".getBytes(StandardCharsets.UTF_8);
        assertEquals(Digest.sha256Of(bytes), Digest.of("sha256", bytes));
    }

    @Test
    void ofSha512OfEmptyInputIsTheKnownValue() {
        assertEquals("sha512:" + EMPTY_SHA512, Digest.of("sha512", new byte[0]).toString());
    }

    @Test
    void ofSha512OfAbcIsTheKnownValue() {
        assertEquals("sha512:" + ABC_SHA512, Digest.of("sha512", "abc".getBytes(StandardCharsets.US_ASCII)).toString());
    }

    @Test
    void ofRejectsUnsupportedAlgorithm() {
        assertDigestInvalid(() -> Digest.of("md5", new byte[0]));
    }

    @Test
    void messageDigestReturnsAFreshInstanceForEachSupportedAlgorithm() {
        MessageDigest a = Digest.messageDigest("sha256");
        MessageDigest b = Digest.messageDigest("sha256");
        assertNotSame(a, b);
        assertEquals("SHA-256", a.getAlgorithm());
        assertEquals("SHA-512", Digest.messageDigest("sha512").getAlgorithm());
    }

    @Test
    void looksLikeDigestOnlyWhenAColonFollowsSomeText() {
        assertTrue(Digest.looksLikeDigest("sha256:abc"));
        assertTrue(Digest.looksLikeDigest("x:y"));
        assertFalse(Digest.looksLikeDigest("latest"));
        assertFalse(Digest.looksLikeDigest(":abc"));
        assertFalse(Digest.looksLikeDigest(""));
        assertFalse(Digest.looksLikeDigest(null));
    }
}
