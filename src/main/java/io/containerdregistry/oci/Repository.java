package io.containerdregistry.oci;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec's grammar allows it:
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}, at most 255 characters.
 */
public record Repository(String name) {
    public static final int MAX_LENGTH = 255;
    private static final Pattern GRAMMAR =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    public Repository {
        if (!isValid(name)) {
            throw ErrorCode.NAME_INVALID.exception("invalid repository name: " + Strings.printable(name));
        }
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && GRAMMAR.matcher(name).matches();
    }

    @Override
    public String toString() {
        return name;
    }
}
