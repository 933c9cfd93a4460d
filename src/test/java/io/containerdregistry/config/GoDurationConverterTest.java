package io.containerdregistry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationConverterTest {
    private final GoDurationConverter converter = new GoDurationConverter();

    private void assertRejected(String value) {
        assertThrows(IllegalArgumentException.class, () -> converter.convert(value), value);
    }

    @Test
    void convertsMilliseconds() {
        assertEquals(Duration.ofMillis(300), converter.convert("300ms"));
    }

    @Test
    void convertsMinutes() {
        assertEquals(Duration.ofMinutes(15), converter.convert("15m"));
    }

    @Test
    void convertsHours() {
        assertEquals(Duration.ofHours(2), converter.convert("2h"));
    }

    @Test
    void convertsSeconds() {
        assertEquals(Duration.ofSeconds(45), converter.convert("45s"));
    }

    @Test
    void convertsCompoundHoursAndMinutes() {
        assertEquals(Duration.ofMinutes(90), converter.convert("1h30m"));
    }

    @Test
    void convertsCompoundWithEveryUnit() {
        Duration expected = Duration.ofHours(1).plusMinutes(2).plusSeconds(3).plusMillis(4).plusNanos(5_006);
        assertEquals(expected, converter.convert("1h2m3s4ms5us6ns"));
    }

    @Test
    void convertsFractionalSeconds() {
        assertEquals(Duration.ofMillis(1500), converter.convert("1.5s"));
    }

    @Test
    void convertsFractionalHours() {
        assertEquals(Duration.ofMinutes(90), converter.convert("1.5h"));
    }

    @Test
    void convertsMicrosecondsInBothSpellings() {
        assertEquals(Duration.ofNanos(250_000), converter.convert("250us"));
        assertEquals(Duration.ofNanos(250_000), converter.convert("250µs"));
    }

    @Test
    void convertsNanoseconds() {
        assertEquals(Duration.ofNanos(42), converter.convert("42ns"));
    }

    @Test
    void convertsZeroWithUnit() {
        assertEquals(Duration.ZERO, converter.convert("0s"));
    }

    @Test
    void convertsPlainNumberAsSeconds() {
        assertEquals(Duration.ofSeconds(30), converter.convert("30"));
        assertEquals(Duration.ZERO, converter.convert("0"));
    }

    @Test
    void convertsIsoDuration() {
        assertEquals(Duration.ofMinutes(15), converter.convert("PT15M"));
        assertEquals(Duration.ofMinutes(90), converter.convert("PT1H30M"));
    }

    @Test
    void convertsLowercaseIsoDuration() {
        assertEquals(Duration.ofMinutes(15), converter.convert("pt15m"));
    }

    @Test
    void trimsSurroundingWhitespace() {
        assertEquals(Duration.ofMinutes(15), converter.convert("  15m \t"));
    }

    @Test
    void blankOrNullIsNull() {
        assertNull(converter.convert(null));
        assertNull(converter.convert(""));
        assertNull(converter.convert("   "));
    }

    @Test
    void rejectsGarbage() {
        assertRejected("garbage");
        assertRejected("abc");
    }

    @Test
    void rejectsUnknownUnit() {
        assertRejected("10x");
        assertRejected("5d");
        assertRejected("5S");
    }

    @Test
    void rejectsUnitWithoutNumber() {
        assertRejected("ms");
        assertRejected("h");
    }

    @Test
    void rejectsTrailingNumberWithoutUnitAfterAPart() {
        assertRejected("1h30");
    }

    @Test
    void rejectsSpacesBetweenParts() {
        assertRejected("1h 30m");
    }

    @Test
    void rejectsTrailingGarbage() {
        assertRejected("15mfoo");
        assertRejected("1.5.5s");
    }

    @Test
    void rejectsNegativeDuration() {
        assertRejected("-5s");
    }

    @Test
    void rejectsPlainNumberTooLargeForALong() {
        assertRejected("99999999999999999999");
    }

    @Test
    void rejectsGarbageStartingLikeIsoWithIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> new GoDurationConverter().convert("Pizza"));
        assertThrows(IllegalArgumentException.class, () -> new GoDurationConverter().convert("PT"));
    }
}
