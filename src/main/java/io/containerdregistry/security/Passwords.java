package io.containerdregistry.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Checks user names and passwords against htpasswd bcrypt entries. bcrypt is deliberately slow (tens of
 * milliseconds), so a successful check is remembered for {@value #CACHE_MS} ms under a SHA-256 of the user and the
 * password (never the password itself); failures are never remembered. Unknown users cost a bcrypt check too, so
 * timing does not tell which users exist. {@link #check} is CPU-heavy and reads files: call it off the event loop;
 * {@link #remembered} is cheap.
 */
final class Passwords {
    static final long CACHE_MS = 60_000;
    private static final int MAX_CACHED = 10_000;
    /** A bcrypt hash of a random password, checked for unknown users. */
    private static final String DECOY = BCrypt.hashpw("decoy-" + System.nanoTime(), BCrypt.gensalt(10));

    private final Htpasswd htpasswd;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    Passwords(Htpasswd htpasswd) {
        this.htpasswd = htpasswd;
    }

    /** Whether these credentials were verified within the last {@value #CACHE_MS} ms. */
    boolean remembered(String user, String password) {
        Long until = verified.get(key(user, password));
        return until != null && until > System.currentTimeMillis();
    }

    /** Verifies the credentials with bcrypt (blocking). */
    boolean check(String user, String password) {
        Optional<String> hash = htpasswd.hash(user);
        if (hash.isEmpty()) {
            matches(password, DECOY);
            return false;
        }
        if (!matches(password, hash.get())) {
            return false;
        }
        remember(key(user, password), System.currentTimeMillis());
        return true;
    }

    private static boolean matches(String password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException e) {
            // longer than bcrypt's 72 bytes, or a malformed hash
            return false;
        }
    }

    private void remember(String key, long now) {
        if (verified.size() >= MAX_CACHED) {
            for (Iterator<Long> it = verified.values().iterator(); it.hasNext(); ) {
                if (it.next() <= now) {
                    it.remove();
                }
            }
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
        }
        verified.put(key, now + CACHE_MS);
    }

    private static String key(String user, String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((user + '\0' + password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
