package io.containerdregistry.api;

/**
 * A request path split into its API family, repository name (still percent-encoded) and last segment, read from the
 * end of the path in one pass: the {@link Paths} route patterns say the same, but matching them one after another
 * with a backtracking {@code .+} cost microseconds per request. {@code ApiPathTest} holds the two to agreement.
 *
 * @param family which part of the API
 * @param name   the repository name for repository paths, else null
 * @param last   the digest, reference or upload id for paths that end with one, else null
 */
record ApiPath(EndpointFamily family, String name, String last) {
    private static final ApiPath BASE = new ApiPath(EndpointFamily.BASE, null, null);
    private static final ApiPath CATALOG = new ApiPath(EndpointFamily.CATALOG, null, null);
    private static final ApiPath OTHER = new ApiPath(EndpointFamily.OTHER, null, null);
    private static final String PREFIX = "/v2/";

    static ApiPath parse(String path) {
        if (path == null || !path.startsWith("/v2")) {
            return OTHER;
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            return BASE;
        }
        if (path.equals("/v2/_catalog")) {
            return CATALOG;
        }
        if (!path.startsWith(PREFIX)) {
            return OTHER;
        }
        if (path.endsWith("/tags/list")) {
            return repository(path, path.length() - "/tags/list".length(), EndpointFamily.TAGS, null);
        }
        if (path.endsWith("/blobs/uploads")) {
            return repository(path, path.length() - "/blobs/uploads".length(), EndpointFamily.UPLOAD, null);
        }
        if (path.endsWith("/blobs/uploads/")) {
            return repository(path, path.length() - "/blobs/uploads/".length(), EndpointFamily.UPLOAD, null);
        }
        int slash = path.lastIndexOf('/');
        if (slash == path.length() - 1 || slash < PREFIX.length()) {
            return OTHER;
        }
        String last = path.substring(slash + 1);
        if (endsWithAt(path, slash, "/blobs/uploads")) {
            return repository(path, slash - "/blobs/uploads".length(), EndpointFamily.UPLOAD, last);
        }
        if (endsWithAt(path, slash, "/blobs")) {
            return repository(path, slash - "/blobs".length(), EndpointFamily.BLOB, last);
        }
        if (endsWithAt(path, slash, "/manifests")) {
            return repository(path, slash - "/manifests".length(), EndpointFamily.MANIFEST, last);
        }
        if (endsWithAt(path, slash, "/referrers")) {
            return repository(path, slash - "/referrers".length(), EndpointFamily.REFERRERS, last);
        }
        return OTHER;
    }

    /** Whether {@code path} has {@code suffix} ending right before index {@code end}. */
    private static boolean endsWithAt(String path, int end, String suffix) {
        int start = end - suffix.length();
        return start >= 0 && path.startsWith(suffix, start);
    }

    /** The name runs from after {@code /v2/} to {@code end}: at least one character, none a line break. */
    private static ApiPath repository(String path, int end, EndpointFamily family, String last) {
        if (end <= PREFIX.length()) {
            return OTHER;
        }
        String name = path.substring(PREFIX.length(), end);
        for (int i = 0; i < name.length(); i++) {
            if (lineBreak(name.charAt(i))) {
                return OTHER; // the patterns' '.' does not match these
            }
        }
        return new ApiPath(family, name, last);
    }

    private static boolean lineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }

    boolean isUploadSession() {
        return family == EndpointFamily.UPLOAD && last == null;
    }
}
