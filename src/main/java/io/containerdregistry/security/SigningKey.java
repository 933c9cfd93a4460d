package io.containerdregistry.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The RSA key pair that signs and verifies tokens: read from a PKCS#8 PEM file ({@code openssl genpkey -algorithm
 * RSA}), whose public half is derived from the private key, or generated at start-up when no file is configured.
 */
record SigningKey(KeyPair pair, String keyId) {
    private static final Logger LOG = Logger.getLogger(SigningKey.class);

    static SigningKey load(Optional<String> file) {
        try {
            KeyPair pair = file.isPresent() ? read(Path.of(file.get())) : generate();
            byte[] fingerprint = MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded());
            return new SigningKey(pair, Base64.getUrlEncoder().withoutPadding().encodeToString(fingerprint).substring(0, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("registry.auth.token-service.key-file: not an RSA private key in PKCS#8 PEM ("
                    + e.getMessage() + ")", e);
        }
    }

    private static KeyPair generate() throws GeneralSecurityException {
        LOG.info("no registry.auth.token-service.key-file: signing tokens with a key generated now");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair read(Path file) throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token signing key " + file, e);
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException("expected -----BEGIN PRIVATE KEY----- in " + file);
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        return new KeyPair(rsa.generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())), key);
    }
}
