package io.containerdregistry.security;

import io.containerdregistry.config.GoDurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication and authorization. Every mode is optional and they combine; with none configured the registry is
 * open, exactly as without this mapping. See the README's "Security" section.
 */
@ConfigMapping(prefix = "registry.auth")
public interface AuthConfig {

    /** A static bearer token that grants every action on every repository (alias {@code AUTH_TOKEN}). */
    Optional<String> token();

    /** htpasswd files with bcrypt entries ({@code htpasswd -nbB user password}); basic auth (alias {@code AUTH_HTPASSWD}). */
    Optional<List<String>> htpasswd();

    /** Let unauthenticated clients pull every repository (alias {@code AUTH_ANONYMOUS_PULL}). Push always needs a user. */
    @WithDefault("false")
    boolean anonymousPull();

    /**
     * Who may list {@code GET /v2/_catalog}: user names, {@code anonymous}, or {@code *} for every authenticated
     * user (alias {@code AUTH_CATALOG}).
     */
    @WithDefault("*")
    List<String> catalog();

    /**
     * Client certificates on HTTPS (set from {@code TLS_CLIENT_CA_FILE} and {@code TLS_CLIENT_AUTH}). The TLS layer
     * always asks for one and refuses one not signed by the trusted CA; with {@code required}, registry requests
     * ({@code /v2/}, {@code /token}) without one, or over plain HTTP, are 401 {@code UNAUTHORIZED}, while
     * {@code /readyz} and {@code /q/health} stay open for probes.
     */
    @WithDefault("none")
    ClientCertificate clientCertificate();

    enum ClientCertificate { NONE, REQUEST, REQUIRED }

    /** Require a valid credential for {@code /q/metrics} too (alias {@code AUTH_PROTECT_METRICS}). */
    @WithDefault("false")
    boolean protectMetrics();

    /**
     * Named authorization rules: who ({@code users}) may do what ({@code actions}) on which repositories. Without
     * rules, every authenticated user may pull, push and delete everywhere.
     */
    Map<String, Rule> rules();

    /** The Docker/OCI token flow: a {@code Bearer} challenge, a token endpoint, short-lived signed JWTs. */
    TokenService tokenService();

    interface Rule {
        /** User names from the htpasswd files, {@code *} for any authenticated user, or {@code anonymous}. */
        List<String> users();

        /** Repository globs: {@code *} matches within one path segment, {@code **} across segments. */
        @WithDefault("**")
        List<String> repositories();

        /** Any of {@code pull}, {@code push}, {@code delete}. */
        List<String> actions();
    }

    interface TokenService {
        /** Answer 401 with a {@code Bearer} challenge and serve {@code GET /token} (alias {@code AUTH_TOKEN_SERVICE}). */
        @WithDefault("false")
        boolean enabled();

        /**
         * The token endpoint's URL as clients reach it, for the challenge's {@code realm}; derived from the request
         * ({@code <scheme>://<Host>/token}) when unset (alias {@code AUTH_TOKEN_REALM}).
         */
        Optional<String> realm();

        /** The {@code service} of the challenge and the tokens' audience. */
        @WithDefault("containerd-registry")
        String service();

        /** The tokens' issuer. */
        @WithDefault("containerd-registry")
        String issuer();

        /** How long an issued token is valid. */
        @WithDefault("5m")
        @WithConverter(GoDurationConverter.class)
        Duration lifetime();

        /**
         * PEM file with the RSA private key (PKCS#8, {@code BEGIN PRIVATE KEY}) that signs tokens (alias
         * {@code AUTH_TOKEN_KEY_FILE}). When unset a key is generated at start-up: tokens then die with the process.
         */
        Optional<String> keyFile();
    }
}
