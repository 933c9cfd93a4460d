package io.containerdregistry.security;

import java.util.List;

/**
 * Who sent a request: nobody ({@link Kind#ANONYMOUS}), an htpasswd user, the holder of the static token, or the
 * bearer of a token this registry issued (whose {@code grants} are exactly the token's access claim).
 */
public record Principal(String name, Kind kind, List<Access> grants) {
    public static final String ANONYMOUS_NAME = "anonymous";
    public static final Principal ANONYMOUS = new Principal(ANONYMOUS_NAME, Kind.ANONYMOUS, List.of());

    public enum Kind { ANONYMOUS, USER, STATIC_TOKEN, BEARER }

    public Principal {
        grants = List.copyOf(grants);
    }

    /**
     * Who this is, whatever credential was sent: an htpasswd user and the bearer of a token issued to that user are
     * one identity (a client logs in with a password and then uses tokens), the static token another, anonymous a
     * third. Upload sessions belong to an identity.
     */
    public String identity() {
        return switch (kind) {
            case USER, BEARER -> "user:" + name;
            case STATIC_TOKEN -> "static-token";
            case ANONYMOUS -> "anonymous";
        };
    }

    static Principal user(String name) {
        return new Principal(name, Kind.USER, List.of());
    }
}
