package io.containerdregistry.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Every authentication mode at once: htpasswd users, the static token, the token service with a signing key from a
 * file (so tests can mint their own tokens), authorization rules, anonymous pull of {@code public/**} only, catalog for
 * alice only, protected metrics and deletes allowed.
 *
 * <p>Users: alice and erin (everything), bob (pull on {@code team/**}), carol (pull and push on {@code team/**}).
 */
public class AuthProfile implements QuarkusTestProfile {
    public static final Path DIR = Path.of("target", "auth-test").toAbsolutePath();
    public static final Path KEY = DIR.resolve("token-key.pem");
    public static final String STATIC_TOKEN = "static-test-token-0123456789";
    public static final String SERVICE = "containerd-registry";
    /** Written by {@code htpasswd -nbB alice secret} (apache2-utils), verbatim. */
    static final String ALICE = "alice:$2y$05$NsgXJvr91Fx7yATbZm1ONOpMMcwqGmXuzwKGsI8MwbX1A3KXTxcQC";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(DIR);
            Path htpasswd = DIR.resolve("htpasswd");
            Files.writeString(htpasswd, "# test users\n" + ALICE + "\n"
                    + "bob:" + bcrypt("bob-password") + "\n"
                    + "carol:" + bcrypt("carol-password") + "\n"
                    + "erin:" + bcrypt("erin-password") + "\n"
                    + "mallory:{SHA}not-bcrypt-so-skipped\n", StandardCharsets.UTF_8);
            if (!Files.exists(KEY)) {
                writeKey(KEY);
            }
            Map<String, String> config = new HashMap<>();
            config.put("registry.auth.htpasswd", htpasswd.toString());
            config.put("registry.auth.token", STATIC_TOKEN);
            config.put("registry.auth.token-service.enabled", "true");
            config.put("registry.auth.token-service.key-file", KEY.toString());
            config.put("registry.auth.rules.admins.users", "alice,erin");
            config.put("registry.auth.rules.admins.actions", "pull,push,delete");
            config.put("registry.auth.rules.readers.users", "bob,carol");
            config.put("registry.auth.rules.readers.repositories", "team/**");
            config.put("registry.auth.rules.readers.actions", "pull");
            config.put("registry.auth.rules.writers.users", "carol");
            config.put("registry.auth.rules.writers.repositories", "team/**");
            config.put("registry.auth.rules.writers.actions", "push");
            config.put("registry.auth.rules.mirror.users", "anonymous");
            config.put("registry.auth.rules.mirror.repositories", "public/**");
            config.put("registry.auth.rules.mirror.actions", "pull");
            config.put("registry.auth.catalog", "alice");
            config.put("registry.auth.protect-metrics", "true");
            config.put("registry.allow-delete", "true");
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bcrypt hash as htpasswd writes it ({@code $2y$}). */
    public static String bcrypt(String password) {
        return BCrypt.hashpw(password, BCrypt.gensalt(4)).replaceFirst("^\\$2a\\$", "\\$2y\\$");
    }

    /** Writes a fresh RSA key as PKCS#8 PEM, as {@code openssl genpkey -algorithm RSA} does. */
    public static void writeKey(Path file) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
