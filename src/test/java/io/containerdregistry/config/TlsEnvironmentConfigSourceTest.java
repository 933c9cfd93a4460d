package io.containerdregistry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsEnvironmentConfigSourceTest {

    @Test
    void definesNothingWithoutCertificateFiles() {
        assertEquals(Map.of(), TlsEnvironmentConfigSource.translate(Map.of()));
        assertEquals(Map.of(), TlsEnvironmentConfigSource.translate(Map.of("TLS_CERT_FILE", " ", "TLS_KEY_FILE", "")));
    }

    @Test
    void certificateAndKeyBecomeTheDefaultTlsConfigurationWithPeriodicReload() {
        assertEquals(Map.of("quarkus.tls.key-store.pem.0.cert", "/tls/tls.crt",
                        "quarkus.tls.key-store.pem.0.key", "/tls/tls.key",
                        "registry.tls.files", "/tls/tls.crt,/tls/tls.key",
                        "registry.tls.reload-period", "1m"),
                TlsEnvironmentConfigSource.translate(Map.of("TLS_CERT_FILE", "/tls/tls.crt", "TLS_KEY_FILE", "/tls/tls.key")));
    }

    @Test
    void aClientCaRequiresClientCertificatesUnlessOnlyRequested() {
        Map<String, String> required = TlsEnvironmentConfigSource.translate(Map.of("TLS_CERT_FILE", "c", "TLS_KEY_FILE", "k",
                "TLS_CLIENT_CA_FILE", "/tls/ca.crt", "TLS_RELOAD_PERIOD", "10s", "TLS_PORT", "9443"));
        assertEquals("/tls/ca.crt", required.get("quarkus.tls.trust-store.pem.certs"));
        assertEquals("required", required.get("registry.auth.client-certificate"));
        assertEquals("10s", required.get("registry.tls.reload-period"));
        assertEquals("c,k,/tls/ca.crt", required.get("registry.tls.files"));
        assertEquals("9443", required.get("quarkus.http.ssl-port"));
        assertEquals("request", TlsEnvironmentConfigSource.translate(Map.of("TLS_CERT_FILE", "c", "TLS_KEY_FILE", "k",
                "TLS_CLIENT_CA_FILE", "ca", "TLS_CLIENT_AUTH", "request")).get("registry.auth.client-certificate"));
    }

    @Test
    void halfAConfigurationIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> TlsEnvironmentConfigSource.translate(Map.of("TLS_CERT_FILE", "c")));
        assertThrows(IllegalArgumentException.class, () -> TlsEnvironmentConfigSource.translate(
                Map.of("TLS_CERT_FILE", "c", "TLS_KEY_FILE", "k", "TLS_CLIENT_AUTH", "required")));
    }
}
