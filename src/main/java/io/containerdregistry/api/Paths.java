package io.containerdregistry.api;

import io.containerdregistry.oci.Repository;
import java.util.regex.Pattern;

/** The distribution API's path patterns; {@code <name>} may contain slashes. */
final class Paths {
    static final String BLOB = "^/v2/(?<name>.+)/blobs/(?<digest>[^/]+)$";
    static final String UPLOADS = "^/v2/(?<name>.+)/blobs/uploads/?$";
    static final String UPLOAD = "^/v2/(?<name>.+)/blobs/uploads/(?<uuid>[^/]+)$";
    static final String MANIFEST = "^/v2/(?<name>.+)/manifests/(?<reference>[^/]+)$";
    static final String TAGS = "^/v2/(?<name>.+)/tags/list$";
    static final String REFERRERS = "^/v2/(?<name>.+)/referrers/(?<digest>[^/]+)$";

    /** The same patterns compiled once, for the handlers that classify a path outside routing. */
    static final Pattern UPLOADS_PATTERN = Pattern.compile(UPLOADS);
    static final Pattern UPLOAD_PATTERN = Pattern.compile(UPLOAD);
    static final Pattern BLOB_PATTERN = Pattern.compile(BLOB);
    static final Pattern MANIFEST_PATTERN = Pattern.compile(MANIFEST);
    static final Pattern TAGS_PATTERN = Pattern.compile(TAGS);
    static final Pattern REFERRERS_PATTERN = Pattern.compile(REFERRERS);

    private Paths() {
    }

    static String blobLocation(Repository repository, Object digest) {
        return "/v2/" + repository.name() + "/blobs/" + digest;
    }

    static String uploadLocation(Repository repository, String uploadId) {
        return "/v2/" + repository.name() + "/blobs/uploads/" + uploadId;
    }

    static String manifestLocation(Repository repository, Object reference) {
        return "/v2/" + repository.name() + "/manifests/" + reference;
    }
}
