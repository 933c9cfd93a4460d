package io.containerdregistry.api;

import java.util.Locale;

/** Which part of the distribution API a path belongs to, for metrics and logs, by the {@link Paths} patterns. */
enum EndpointFamily {
    BASE, BLOB, UPLOAD, MANIFEST, TAGS, REFERRERS, CATALOG, OTHER;


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
        if (Paths.UPLOADS_PATTERN.matcher(path).matches() || Paths.UPLOAD_PATTERN.matcher(path).matches()) {
            return UPLOAD;
        }
        if (Paths.BLOB_PATTERN.matcher(path).matches()) {
            return BLOB;
        }
        if (Paths.MANIFEST_PATTERN.matcher(path).matches()) {
            return MANIFEST;
        }
        if (Paths.TAGS_PATTERN.matcher(path).matches()) {
            return TAGS;
        }
        if (Paths.REFERRERS_PATTERN.matcher(path).matches()) {
            return REFERRERS;
        }
        return OTHER;
    }

    /** The value of the {@code family} tag and log field. */
    String tag() {
        return tag;
    }
}
