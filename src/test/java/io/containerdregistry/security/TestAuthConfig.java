package io.containerdregistry.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link AuthConfig} for unit tests, without a running application. */
record TestAuthConfig(Optional<String> token, Optional<List<String>> htpasswd, boolean anonymousPull,
        List<String> catalog, boolean protectMetrics, Map<String, Rule> rules, TokenService tokenService)
        implements AuthConfig {

    @Override
    public ClientCertificate clientCertificate() {
        return ClientCertificate.NONE;
    }

    static TestAuthConfig tokenService(Optional<String> keyFile, Duration lifetime) {
        return new TestAuthConfig(Optional.empty(), Optional.empty(), false, List.of("*"), false, Map.of(),
                new Service(true, Optional.empty(), "registry-test", "registry-test", lifetime, keyFile));
    }

    record TestRule(List<String> users, List<String> repositories, List<String> actions) implements Rule {
    }

    record Service(boolean enabled, Optional<String> realm, String service, String issuer, Duration lifetime,
            Optional<String> keyFile) implements TokenService {
    }
}
