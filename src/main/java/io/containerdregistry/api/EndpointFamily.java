package io.containerdregistry.api;

import java.util.Locale;
import java.util.regex.Pattern;

/** Which part of the distribution API a path belongs to, for metrics and logs, by the {@link Paths} patterns. */
enum EndpointFamily {
    BASE, BLOB, UPLOAD, MANIFEST, TAGS, REFERRERS, CATALOG, OTHER;

    private static final Pattern UPLOADS = Pattern.compile(Paths.UPLOADS);
    private static final Pattern UPLOAD_SESSION = Pattern.compile(Paths.UPLOAD);
    private static final Pattern BLOB_PATH = Pattern.compile(Paths.BLOB);
    private static final Pattern MANIFEST_PATH = Pattern.compile(Paths.MANIFEST);
    private static final Pattern TAGS_PATH = Pattern.compile(Paths.TAGS);
    private static final Pattern REFERRERS_PATH = Pattern.compile(Paths.REFERRERS);

    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The family of a request path (no query string). Upload paths are tried first: they also look like blobs. */
    static EndpointFamily of(String path) {
        if (path == null || !path.startsWith("/v2")) {
            return OTHER;
        }
        if (path.equals("/v2/") || path.equals("/v2")) {
            return BASE;
        }
        if (path.equals("/v2/_catalog")) {
            return CATALOG;
        }
        if (UPLOADS.matcher(path).matches() || UPLOAD_SESSION.matcher(path).matches()) {
            return UPLOAD;
        }
        if (BLOB_PATH.matcher(path).matches()) {
            return BLOB;
        }
        if (MANIFEST_PATH.matcher(path).matches()) {
            return MANIFEST;
        }
        if (TAGS_PATH.matcher(path).matches()) {
            return TAGS;
        }
        if (REFERRERS_PATH.matcher(path).matches()) {
            return REFERRERS;
        }
        return OTHER;
    }

    /** The value of the {@code family} tag and log field. */
    String tag() {
        return tag;
    }
}
