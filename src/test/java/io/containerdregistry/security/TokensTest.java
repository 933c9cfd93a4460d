package io.containerdregistry.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    private final Tokens tokens = new Tokens(TestAuthConfig.tokenService(Optional.empty(), Duration.ofMinutes(5)));

    private static void assertRejected(Tokens tokens, String token) {
        RegistryException e = assertThrows(RegistryException.class, () -> tokens.verify(token));
        assertEquals(ErrorCode.UNAUTHORIZED, e.code());
    }

    @Test
    void anIssuedTokenVerifiesWithItsAccess() {
        List<Access> grants = List.of(new Access("repository", "team/app", Set.of("pull", "push")));
        Principal principal = tokens.verify(tokens.issue(Principal.user("alice"), grants).token());
        assertEquals("alice", principal.name());
        assertEquals(Principal.Kind.BEARER, principal.kind());
        assertEquals(grants, principal.grants());
    }

    @Test
    void anAnonymousTokenHasAnEmptySubject() {
        String token = tokens.issue(Principal.ANONYMOUS, List.of()).token();
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertEquals(true, claims.contains("\"sub\":\"\""), claims);
        assertEquals(Principal.ANONYMOUS_NAME, tokens.verify(token).name());
    }

    @Test
    void anExpiredTokenIsRejected() {
        Tokens shortLived = new Tokens(TestAuthConfig.tokenService(Optional.empty(), Duration.ofSeconds(-60)));
        RegistryException e = assertThrows(RegistryException.class,
                () -> shortLived.verify(shortLived.issue(Principal.user("a"), List.of()).token()));
        assertEquals("token expired", e.detail());
    }

    @Test
    void aTokenOfAnotherKeyIsRejected() {
        Tokens other = new Tokens(TestAuthConfig.tokenService(Optional.empty(), Duration.ofMinutes(5)));
        assertRejected(tokens, other.issue(Principal.user("a"), List.of()).token());
    }

    @Test
    void aTamperedOrUnsignedTokenIsRejected() {
        String[] parts = tokens.issue(Principal.user("bob"), List.of()).token().split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("bob", "eve");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        assertRejected(tokens, parts[0] + "." + forged + "." + parts[2]);
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertRejected(tokens, none + "." + parts[1] + ".");
        assertRejected(tokens, "garbage");
        assertRejected(tokens, "");
    }
}
