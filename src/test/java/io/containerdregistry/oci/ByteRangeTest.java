package io.containerdregistry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.containerdregistry.oci.ByteRange.RangeNotSatisfiable;
import org.junit.jupiter.api.Test;

class ByteRangeTest {

    private static void assertRange(long start, long length, ByteRange actual) {
        assertEquals(new ByteRange(start, length), actual);
    }

    @Test
    void absentHeaderServesWholeBlob() {
        assertNull(ByteRange.resolve(null, 100));
    }

    @Test
    void resolvesClosedRange() {
        ByteRange r = ByteRange.resolve("bytes=0-9", 100);
        assertRange(0, 10, r);
        assertEquals(9, r.end());
    }

    @Test
    void resolvesClosedRangeInTheMiddle() {
        ByteRange r = ByteRange.resolve("bytes=10-19", 100);
        assertRange(10, 10, r);
        assertEquals(19, r.end());
    }

    @Test
    void resolvesSingleByteRange() {
        assertRange(5, 1, ByteRange.resolve("bytes=5-5", 100));
    }

    @Test
    void resolvesRangeCoveringLastByteExactly() {
        assertRange(0, 100, ByteRange.resolve("bytes=0-99", 100));
    }

    @Test
    void resolvesOpenEndedRangeToTheEndOfTheBlob() {
        ByteRange r = ByteRange.resolve("bytes=40-", 100);
        assertRange(40, 60, r);
        assertEquals(99, r.end());
    }

    @Test
    void resolvesOpenEndedRangeStartingAtLastByte() {
        assertRange(99, 1, ByteRange.resolve("bytes=99-", 100));
    }

    @Test
    void resolvesSuffixRangeToTheLastBytes() {
        ByteRange r = ByteRange.resolve("bytes=-10", 100);
        assertRange(90, 10, r);
        assertEquals(99, r.end());
    }

    @Test
    void suffixLongerThanBlobServesWholeBlobAsRange() {
        assertRange(0, 100, ByteRange.resolve("bytes=-500", 100));
    }

    @Test
    void clampsEndBeyondBlobToLastByte() {
        ByteRange r = ByteRange.resolve("bytes=50-1000", 100);
        assertRange(50, 50, r);
        assertEquals(99, r.end());
    }

    @Test
    void toleratesSurroundingWhitespace() {
        assertRange(0, 10, ByteRange.resolve("  bytes=0-9  ", 100));
    }

    @Test
    void startEqualToSizeIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=100-200", 100));
        assertEquals(100, e.size());
    }

    @Test
    void startBeyondSizeIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=500-600", 100));
        assertEquals(100, e.size());
    }

    @Test
    void anyClosedRangeOnEmptyBlobIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=0-10", 0));
        assertEquals(0, e.size());
    }

    @Test
    void zeroLengthSuffixIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=-0", 100));
        assertEquals(100, e.size());
    }

    @Test
    void suffixOnEmptyBlobIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=-5", 0));
        assertEquals(0, e.size());
    }

    @Test
    void multipleRangesServeWholeBlob() {
        assertNull(ByteRange.resolve("bytes=0-1,5-6", 100));
        assertNull(ByteRange.resolve("bytes=0-1, 5-6", 100));
    }

    @Test
    void otherUnitsServeWholeBlob() {
        assertNull(ByteRange.resolve("items=0-1", 100));
        assertNull(ByteRange.resolve("Bytes=0-1", 100));
    }

    @Test
    void unparsableHeadersServeWholeBlob() {
        assertNull(ByteRange.resolve("", 100));
        assertNull(ByteRange.resolve("bytes=", 100));
        assertNull(ByteRange.resolve("bytes=-", 100));
        assertNull(ByteRange.resolve("bytes=a-b", 100));
        assertNull(ByteRange.resolve("bytes 0-1", 100));
        assertNull(ByteRange.resolve("bytes=0-1/100", 100));
        assertNull(ByteRange.resolve("bytes=+1-2", 100));
    }

    @Test
    void endBeforeStartServesWholeBlob() {
        assertNull(ByteRange.resolve("bytes=9-3", 100));
    }

    @Test
    void numbersTooLargeForALongServeWholeBlob() {
        assertNull(ByteRange.resolve("bytes=9999999999999999999-", 100));
        assertNull(ByteRange.resolve("bytes=0-9999999999999999999", 100));
        assertNull(ByteRange.resolve("bytes=-9999999999999999999", 100));
        assertNull(ByteRange.resolve("bytes=99999999999999999999-", 100));
    }

    @Test
    void endIsStartPlusLengthMinusOne() {
        assertEquals(14, new ByteRange(10, 5).end());
    }

    @Test
    void rangeNotSatisfiableCarriesSizeInMessage() {
        RangeNotSatisfiable e = new RangeNotSatisfiable(42);
        assertEquals(42, e.size());
        assertEquals("range not satisfiable for a blob of 42 bytes", e.getMessage());
    }

    @Test
    void openEndedRangeStartingAtOrBeyondSizeIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=100-", 100));
        assertEquals(100, e.size());
        RangeNotSatisfiable beyond =
                assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=500-", 100));
        assertEquals(100, beyond.size());
    }

    @Test
    void openEndedRangeOnEmptyBlobIsNotSatisfiable() {
        RangeNotSatisfiable e = assertThrows(RangeNotSatisfiable.class, () -> ByteRange.resolve("bytes=0-", 0));
        assertEquals(0, e.size());
    }
}
