package io.containerdregistry.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** Mints tokens the way the registry does, with any key, claims and times, to test how they are verified. */
public final class TestTokens {
    private TestTokens() {
    }

    public static PrivateKey key(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
    }

    /** A token for {@code subject} granting {@code actions} on {@code repository}, valid between the two instants. */
    public static String mint(PrivateKey key, String audience, String subject, String repository, List<String> actions,
            Instant issued, Instant expires) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("containerd-registry");
        claims.setAudience(audience);
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(issued.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(issued.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        claims.setClaim("access", List.of(Map.of("type", "repository", "name", repository, "actions", actions)));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }
}
