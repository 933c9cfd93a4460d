package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UploadRangeTest {

    private static void assertInvalid(String header) {
        RegistryException e = assertThrows(RegistryException.class, () -> UploadRange.parse(header));
        assertEquals(ErrorCode.BLOB_UPLOAD_INVALID, e.code());
        assertEquals(416, e.status());
    }

    @Test
    void parsesPlainStartEnd() {
        UploadRange r = UploadRange.parse("0-99");
        assertEquals(0, r.start());
        assertEquals(99, r.end());
        assertEquals(100, r.length());
    }

    @Test
    void parsesLaterChunk() {
        UploadRange r = UploadRange.parse("100-149");
        assertEquals(new UploadRange(100, 149), r);
        assertEquals(50, r.length());
    }

    @Test
    void parsesSingleByteChunk() {
        UploadRange r = UploadRange.parse("7-7");
        assertEquals(1, r.length());
    }

    @Test
    void toleratesBytesPrefixWithTotal() {
        assertEquals(new UploadRange(0, 99), UploadRange.parse("bytes 0-99/100"));
    }

    @Test
    void toleratesBytesPrefixWithUnknownTotal() {
        assertEquals(new UploadRange(0, 99), UploadRange.parse("bytes 0-99/*"));
    }

    @Test
    void toleratesBytesPrefixWithoutTotal() {
        assertEquals(new UploadRange(10, 19), UploadRange.parse("bytes 10-19"));
    }

    @Test
    void toleratesSurroundingWhitespace() {
        assertEquals(new UploadRange(0, 9), UploadRange.parse("  0-9 "));
    }

    @Test
    void rejectsMissingHeader() {
        assertInvalid(null);
    }

    @Test
    void rejectsEmptyHeader() {
        assertInvalid("");
        assertInvalid("   ");
    }

    @Test
    void rejectsEndBeforeStart() {
        assertInvalid("10-5");
    }

    @Test
    void rejectsMissingBoundaries() {
        assertInvalid("0-");
        assertInvalid("-99");
        assertInvalid("99");
    }

    @Test
    void rejectsNonNumericValues() {
        assertInvalid("a-b");
        assertInvalid("0-ff");
    }

    @Test
    void rejectsNegativeNumbers() {
        assertInvalid("-1-5");
    }

    @Test
    void rejectsHttpRangeRequestSyntax() {
        assertInvalid("bytes=0-99");
    }

    @Test
    void rejectsMalformedTotal() {
        assertInvalid("bytes 0-99/");
        assertInvalid("bytes 0-99/abc");
    }

    @Test
    void rejectsNumbersOverflowingALong() {
        assertInvalid("0-9999999999999999999");
        assertInvalid("0-99999999999999999999");
    }

    @Test
    void storedOfZeroIsZeroZero() {
        assertEquals("0-0", UploadRange.stored(0));
    }

    @Test
    void storedOfOffsetIsZeroToOffsetMinusOne() {
        assertEquals("0-0", UploadRange.stored(1));
        assertEquals("0-9", UploadRange.stored(10));
        assertEquals("0-1048575", UploadRange.stored(1048576));
    }
}
