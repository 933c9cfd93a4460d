package io.containerdregistry.config;

import io.smallrye.config.common.MapBackedConfigSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns HTTPS on from PEM files: {@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} become Quarkus' default TLS
 * configuration (which the HTTP server uses, on {@code quarkus.http.ssl-port}, alias {@code TLS_PORT}), checked for
 * changes every {@code TLS_RELOAD_PERIOD} (default {@value #DEFAULT_RELOAD}; see {@code security/CertificateWatch}) so a
 * rotated certificate is served without a restart.
 * {@code TLS_CLIENT_CA_FILE} trusts client certificates signed by that CA and makes them required for registry
 * requests unless {@code TLS_CLIENT_AUTH} says {@code request} (Quarkus fixes {@code quarkus.http.ssl.client-auth}
 * at build time, so the TLS layer always requests one and {@code registry.auth.client-certificate} enforces it). Nothing is defined when the variables are unset: Quarkus refuses
 * empty file paths, so these cannot be plain {@code ${VAR:}} aliases. Ordinal as {@link SeedEnvironmentConfigSource}.
 */
public final class TlsEnvironmentConfigSource extends MapBackedConfigSource {
    static final String DEFAULT_RELOAD = "1m";

    public TlsEnvironmentConfigSource() {
        super("tls-environment", translate(System.getenv()), 275);
    }

    static Map<String, String> translate(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        String cert = value(env, "TLS_CERT_FILE");
        String key = value(env, "TLS_KEY_FILE");
        if (cert == null && key == null) {
            return Map.of();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
        }
        out.put("quarkus.tls.key-store.pem.0.cert", cert);
        out.put("quarkus.tls.key-store.pem.0.key", key);
        String reload = value(env, "TLS_RELOAD_PERIOD");
        out.put("registry.tls.reload-period", reload == null ? DEFAULT_RELOAD : reload);
        String port = value(env, "TLS_PORT");
        if (port != null) {
            out.put("quarkus.http.ssl-port", port);
        }
        String ca = value(env, "TLS_CLIENT_CA_FILE");
        String clientAuth = value(env, "TLS_CLIENT_AUTH");
        if (ca != null) {
            out.put("quarkus.tls.trust-store.pem.certs", ca);
            out.put("registry.tls.files", cert + "," + key + "," + ca);
            out.put("registry.auth.client-certificate", clientAuth == null ? "required" : clientAuth);
        } else if (clientAuth != null) {
            throw new IllegalArgumentException("TLS_CLIENT_AUTH needs TLS_CLIENT_CA_FILE");
        } else {
            out.put("registry.tls.files", cert + "," + key);
        }
        return Map.copyOf(out);
    }

    private static String value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
