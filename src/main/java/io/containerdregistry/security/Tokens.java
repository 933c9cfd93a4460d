package io.containerdregistry.security;

import io.containerdregistry.oci.ErrorCode;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/**
 * Issues and verifies the token flow's JWTs: RS256, {@code iss}, {@code aud} (the service), {@code sub}, {@code exp},
 * {@code nbf}, {@code iat}, {@code jti}, and Docker's {@code access} claim
 * ({@code [{"type":"repository","name":"team/app","actions":["pull","push"]}]}).
 */
@Startup
@ApplicationScoped
public class Tokens {
    static final int CLOCK_SKEW_SECONDS = 5;

    private final AuthConfig.TokenService config;
    private final SigningKey key;
    private final JwtConsumer consumer;

    Tokens(AuthConfig auth) {
        this.config = auth.tokenService();
        this.key = config.enabled() ? SigningKey.load(config.keyFile()) : null;
        this.consumer = key == null ? null : new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setExpectedIssuer(config.issuer())
                .setExpectedAudience(config.service())
                .setVerificationKey(key.pair().getPublic())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    /** A signed token and when it was issued. */
    public record Issued(String token, Instant issuedAt, Duration lifetime) {
    }

    public String service() {
        return config.service();
    }

    public Issued issue(Principal principal, List<Access> grants) {
        Instant now = Instant.now();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(config.issuer());
        claims.setAudience(config.service());
        claims.setSubject(principal.kind() == Principal.Kind.ANONYMOUS ? "" : principal.name());
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.plus(config.lifetime()).getEpochSecond()));
        claims.setGeneratedJwtId();
        List<Map<String, Object>> access = new ArrayList<>();
        for (Access grant : grants) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", grant.type());
            entry.put("name", grant.name());
            entry.put("actions", List.copyOf(grant.actions()));
            access.add(entry);
        }
        claims.setClaim("access", access);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.pair().getPrivate());
        jws.setKeyIdHeaderValue(key.keyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return new Issued(jws.getCompactSerialization(), now, config.lifetime());
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /** The principal a token stands for; 401 {@code UNAUTHORIZED} when it is not one this registry issued and still valid. */
    public Principal verify(String token) {
        if (consumer == null) {
            throw ErrorCode.UNAUTHORIZED.exception("bearer token not accepted");
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String subject = claims.getSubject();
            return new Principal(subject == null || subject.isEmpty() ? Principal.ANONYMOUS_NAME : subject,
                    Principal.Kind.BEARER, access(claims.getClaimValue("access")));
        } catch (InvalidJwtException e) {
            throw ErrorCode.UNAUTHORIZED.exception(e.hasExpired() ? "token expired" : "invalid token");
        } catch (org.jose4j.jwt.MalformedClaimException | RuntimeException e) {
            throw ErrorCode.UNAUTHORIZED.exception("invalid token");
        }
    }

    private static List<Access> access(Object claim) {
        if (!(claim instanceof List<?> entries)) {
            return List.of();
        }
        List<Access> grants = new ArrayList<>();
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> map && map.get("type") instanceof String type
                    && map.get("name") instanceof String name && map.get("actions") instanceof List<?> actions) {
                LinkedHashSet<String> names = new LinkedHashSet<>();
                actions.stream().filter(String.class::isInstance).map(String.class::cast).forEach(names::add);
                grants.add(new Access(type, name, names));
            }
        }
        return grants;
    }
}
