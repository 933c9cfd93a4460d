package io.containerdregistry.security;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import jakarta.annotation.PreDestroy;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns an {@code Authorization} header into a {@link Principal}: none is anonymous, {@code Bearer} is the static
 * token (compared in constant time) or a token this registry issued, {@code Basic} is an htpasswd user. bcrypt runs
 * on a small worker pool, never on the event loop; a recently verified password is answered at once. Anything
 * malformed or wrong fails with 401 {@code UNAUTHORIZED}. Created at start-up, so files are read and keys made
 * before the first request, never on an event loop.
 */
@Startup
@ApplicationScoped
public class Authenticator {
    private static final int MAX_HEADER = 4096;

    private final byte[] staticToken;
    private final Passwords passwords;
    private final Tokens tokens;
    private final boolean tokenService;
    private final WorkerExecutor bcryptPool;

    Authenticator(AuthConfig config, Tokens tokens, Vertx vertx) {
        this.staticToken = config.token().map(Authenticator::sha256).orElse(null);
        this.passwords = config.htpasswd().map(files -> new Passwords(new Htpasswd(files))).orElse(null);
        this.tokens = tokens;
        this.tokenService = config.tokenService().enabled();
        this.bcryptPool = passwords == null ? null
                : vertx.createSharedWorkerExecutor("registry-bcrypt", Runtime.getRuntime().availableProcessors());
    }

    @PreDestroy
    void close() {
        if (bcryptPool != null) {
            bcryptPool.close();
        }
    }

    /** For registry requests: anonymous, the static token, an issued token, or a user. */
    public Future<Principal> authenticate(String header) {
        try {
            if (header == null) {
                return Future.succeededFuture(Principal.ANONYMOUS);
            }
            String credentials = credentials(header, "bearer");
            if (credentials != null) {
                return Future.succeededFuture(bearer(credentials));
            }
            return basic(header);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
    }

    /** For the token endpoint: anonymous or a user; a bearer token is not a way to get another token. */
    public Future<Principal> authenticateBasic(String header) {
        try {
            return header == null ? Future.succeededFuture(Principal.ANONYMOUS) : basic(header);
        } catch (RegistryException e) {
            return Future.failedFuture(e);
        }
    }

    private Principal bearer(String token) {
        if (staticToken != null && MessageDigest.isEqual(staticToken, sha256(token))) {
            return new Principal("token", Principal.Kind.STATIC_TOKEN, java.util.List.of());
        }
        if (tokenService) {
            return tokens.verify(token);
        }
        throw ErrorCode.UNAUTHORIZED.exception("invalid bearer token");
    }

    private Future<Principal> basic(String header) {
        String encoded = credentials(header, "basic");
        if (encoded == null || passwords == null) {
            throw ErrorCode.UNAUTHORIZED.exception("unsupported authorization scheme");
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(encoded))).toString();
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw ErrorCode.UNAUTHORIZED.exception("malformed basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw ErrorCode.UNAUTHORIZED.exception("malformed basic credentials");
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (passwords.remembered(user, password)) {
            return Future.succeededFuture(Principal.user(user));
        }
        return bcryptPool.<Boolean>executeBlocking(() -> passwords.check(user, password), false).map(ok -> {
            if (!ok) {
                throw ErrorCode.UNAUTHORIZED.exception("invalid user name or password");
            }
            return Principal.user(user);
        });
    }

    /** The credentials after {@code <scheme> }, or null when the header uses another scheme. */
    private static String credentials(String header, String scheme) {
        if (header.length() > MAX_HEADER) {
            throw ErrorCode.UNAUTHORIZED.exception("authorization header too long");
        }
        String trimmed = header.strip();
        int space = trimmed.indexOf(' ');
        if (space < 0 || !trimmed.substring(0, space).toLowerCase(Locale.ROOT).equals(scheme)) {
            return null;
        }
        return trimmed.substring(space + 1).strip();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
