package io.containerdregistry.mirror;

import io.containerdregistry.oci.ErrorCode;
import java.util.Locale;
import java.util.regex.Pattern;

/** An upstream registry host as containerd names it in mirror requests and image names. */
public final class UpstreamHost {
    private static final Pattern HOST = Pattern.compile(
            "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[0-9]{1,5})?");
    public static final String DOCKER_HUB = "docker.io";

    private UpstreamHost() {
    }

    /** The host, lower-cased and with Docker Hub's aliases folded onto {@code docker.io}; null when invalid. */
    public static String normalize(String host) {
        if (host == null) {
            return null;
        }
        String lower = host.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("index.docker.io") || lower.equals("registry-1.docker.io")) {
            lower = DOCKER_HUB;
        }
        return lower.length() <= 253 && HOST.matcher(lower).matches() ? lower : null;
    }

    public static boolean isValid(String host) {
        return normalize(host) != null;
    }

    /** Like {@link #normalize} but an invalid host is a client error. */
    public static String require(String host) {
        String normalized = normalize(host);
        if (normalized == null) {
            throw ErrorCode.NAME_INVALID.exception("invalid upstream host: " + host);
        }
        return normalized;
    }

    /**
     * The repository path as containerd names it for that host: Docker Hub's official images live under
     * {@code library/}.
     */
    public static String repositoryPath(String host, String path) {
        if (DOCKER_HUB.equals(host) && path.indexOf('/') < 0) {
            return "library/" + path;
        }
        return path;
    }

    /** The upstream's API endpoint for a host (what containerd contacts when the mirror misses). */
    public static String upstreamServer(String host) {
        return DOCKER_HUB.equals(host) ? "https://registry-1.docker.io" : "https://" + host;
    }
}
