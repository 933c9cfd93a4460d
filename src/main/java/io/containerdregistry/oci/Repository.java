package io.containerdregistry.oci;

import java.util.regex.Pattern;

/**
 * A repository name as the distribution spec's grammar allows it:
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}, at most 255 characters.
 * A mirror request names a repository of an upstream registry: {@link #mirrored} prefixes the upstream host
 * (which may carry a port) the way containerd names such images.
 */
public final class Repository {
    public static final int MAX_LENGTH = 255;
    private static final Pattern GRAMMAR =
            Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");

    private final String name;

    public Repository(String name) {
        if (!isValid(name)) {
            throw ErrorCode.NAME_INVALID.exception("invalid repository name: " + Strings.printable(name));
        }
        this.name = name;
    }

    private Repository(String name, boolean trusted) {
        this.name = name;
    }

    /** The repository {@code path} of upstream registry {@code host} (a validated host name, port allowed). */
    public static Repository mirrored(String host, String path) {
        Repository repository = new Repository(path);
        return new Repository(host + "/" + repository.name, true);
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && GRAMMAR.matcher(name).matches();
    }

    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Repository repository && repository.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
