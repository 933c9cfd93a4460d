package io.containerdregistry.api;

import io.containerdregistry.oci.Repository;

/** The distribution API's path patterns; {@code <name>} may contain slashes. */
final class Paths {
    static final String BLOB = "^/v2/(?<name>.+)/blobs/(?<digest>[^/]+)$";
    static final String UPLOADS = "^/v2/(?<name>.+)/blobs/uploads/?$";
    static final String UPLOAD = "^/v2/(?<name>.+)/blobs/uploads/(?<uuid>[^/]+)$";
    static final String MANIFEST = "^/v2/(?<name>.+)/manifests/(?<reference>[^/]+)$";
    static final String TAGS = "^/v2/(?<name>.+)/tags/list$";
    static final String REFERRERS = "^/v2/(?<name>.+)/referrers/(?<digest>[^/]+)$";

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
