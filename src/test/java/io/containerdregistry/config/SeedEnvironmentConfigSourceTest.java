package io.containerdregistry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedEnvironmentConfigSourceTest {
    private static final String HOST = "quarkus.http.host";
    private static final String PORT = "quarkus.http.port";
    private static final String JSON = "quarkus.log.console.json.enabled";
    private static final String IDLE = "quarkus.http.idle-timeout";
    private static final String READ = "quarkus.http.read-timeout";
    private static final String SHUTDOWN = "quarkus.shutdown.timeout";

    @Test
    void emptyEnvironmentTranslatesToEmptyMap() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of()).isEmpty());
    }

    @Test
    void unrelatedVariablesAreIgnored() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of("PATH", "/bin", "HOME", "/root")).isEmpty());
    }

    @Test
    void portOnlyListenAddressBindsAllInterfaces() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", ":8080"));
        assertEquals(Map.of(HOST, "0.0.0.0", PORT, "8080"), out);
    }

    @Test
    void hostAndPortListenAddressIsSplit() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "127.0.0.1:5000"));
        assertEquals("127.0.0.1", out.get(HOST));
        assertEquals("5000", out.get(PORT));
    }

    @Test
    void hostnameListenAddressIsSplit() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "localhost:9000"));
        assertEquals("localhost", out.get(HOST));
        assertEquals("9000", out.get(PORT));
    }

    @Test
    void bracketedIpv6HostLosesItsBrackets() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "[::1]:5000"));
        assertEquals("::1", out.get(HOST));
        assertEquals("5000", out.get(PORT));
    }

    @Test
    void listenAddressIsTrimmed() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "  :8080 "));
        assertEquals("0.0.0.0", out.get(HOST));
        assertEquals("8080", out.get(PORT));
    }

    @Test
    void listenAddressWithoutColonIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "8080")));
        assertThrows(IllegalArgumentException.class,
                () -> SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "localhost")));
    }

    @Test
    void blankListenAddressIsIgnored() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of("LISTEN_ADDRESS", "   ")).isEmpty());
    }

    @Test
    void jsonLogFormatEnablesJsonConsole() {
        assertEquals(Map.of(JSON, "true"), SeedEnvironmentConfigSource.translate(Map.of("LOG_FORMAT", "json")));
    }

    @Test
    void jsonLogFormatIsCaseInsensitiveAndTrimmed() {
        assertEquals("true", SeedEnvironmentConfigSource.translate(Map.of("LOG_FORMAT", " JSON ")).get(JSON));
    }

    @Test
    void textLogFormatDisablesJsonConsole() {
        assertEquals(Map.of(JSON, "false"), SeedEnvironmentConfigSource.translate(Map.of("LOG_FORMAT", "text")));
    }

    @Test
    void blankLogFormatIsIgnored() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of("LOG_FORMAT", "")).isEmpty());
    }

    @Test
    void listenAddressAndLogFormatCombine() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(
                Map.of("LISTEN_ADDRESS", "0.0.0.0:5000", "LOG_FORMAT", "json"));
        assertEquals(Map.of(HOST, "0.0.0.0", PORT, "5000", JSON, "true"), out);
    }

    @Test
    void translatedMapIsImmutable() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(Map.of("LOG_FORMAT", "json"));
        assertThrows(UnsupportedOperationException.class, () -> out.put("x", "y"));
    }

    @Test
    void configSourceExposesTranslatedValues() {
        SeedEnvironmentConfigSource source =
                new SeedEnvironmentConfigSource(Map.of("LISTEN_ADDRESS", ":8080", "LOG_FORMAT", "text"));
        assertEquals(Set.of(HOST, PORT, JSON), source.getPropertyNames());
        assertEquals("8080", source.getValue(PORT));
        assertEquals("0.0.0.0", source.getValue(HOST));
        assertEquals("false", source.getValue(JSON));
        assertNull(source.getValue("quarkus.http.ssl-port"));
    }

    @Test
    void configSourceNameAndOrdinalSitBetweenPropertiesAndEnvironment() {
        SeedEnvironmentConfigSource source = new SeedEnvironmentConfigSource(Map.of());
        assertEquals("seed-environment", source.getName());
        assertEquals(275, source.getOrdinal());
        assertTrue(source.getOrdinal() > 250, "above application.properties");
        assertTrue(source.getOrdinal() < 300, "below environment variables");
        assertFalse(source.getPropertyNames().iterator().hasNext());
    }

    @Test
    void goDurationTimeoutsBecomeIsoDurationsOfQuarkusProperties() {
        Map<String, String> out = SeedEnvironmentConfigSource.translate(
                Map.of("IDLE_TIMEOUT", "1h30m", "READ_TIMEOUT", "5m", "SHUTDOWN_TIMEOUT", "1.5s"));
        assertEquals(Map.of(IDLE, "PT1H30M", READ, "PT5M", SHUTDOWN, "PT1.5S"), out);
    }

    @Test
    void millisecondAndZeroTimeoutsTranslate() {
        assertEquals("PT0.3S", SeedEnvironmentConfigSource.translate(Map.of("IDLE_TIMEOUT", "300ms")).get(IDLE));
        assertEquals("PT0S", SeedEnvironmentConfigSource.translate(Map.of("SHUTDOWN_TIMEOUT", "0s")).get(SHUTDOWN));
    }

    @Test
    void blankTimeoutIsIgnored() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of("SHUTDOWN_TIMEOUT", " ")).isEmpty());
    }

    @Test
    void malformedTimeoutIsRejectedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeedEnvironmentConfigSource.translate(Map.of("IDLE_TIMEOUT", "five minutes")));
        assertTrue(e.getMessage().contains("IDLE_TIMEOUT"), e.getMessage());
    }

    @Test
    void writeTimeoutIsNotAQuarkusSettingAndIsLeftToTheRegistry() {
        assertTrue(SeedEnvironmentConfigSource.translate(Map.of("WRITE_TIMEOUT", "5m")).isEmpty());
    }
}
