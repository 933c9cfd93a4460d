package io.containerdregistry.security;

import java.util.Locale;

/** What a request does to a repository, named as in token scopes ({@code repository:<name>:pull,push}). */
public enum Action {
    PULL, PUSH, DELETE;

    public String scopeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action of a scope or rule word, or null when the word is not one. */
    static Action of(String word) {
        return switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "pull" -> PULL;
            case "push" -> PUSH;
            case "delete" -> DELETE;
            default -> null;
        };
    }
}
