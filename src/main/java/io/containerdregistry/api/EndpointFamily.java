package io.containerdregistry.api;

import java.util.Locale;

/** Which part of the distribution API a path belongs to, for metrics and logs, read by {@link ApiPath}. */
enum EndpointFamily {
    BASE, BLOB, UPLOAD, MANIFEST, TAGS, REFERRERS, CATALOG, OTHER;


    private final String tag = name().toLowerCase(Locale.ROOT);

    /** The family of a request path (no query string). */
    static EndpointFamily of(String path) {
        return ApiPath.parse(path).family();
    }

    /** The value of the {@code family} tag and log field. */
    String tag() {
        return tag;
    }
}
