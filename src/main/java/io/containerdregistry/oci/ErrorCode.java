package io.containerdregistry.oci;

/**
 * The error codes of the OCI Distribution specification, each with the HTTP status the registry answers it with.
 * The constant names are the spec's code strings.
 */
public enum ErrorCode {
    /** Blob unknown to registry. */
    BLOB_UNKNOWN(404, "blob unknown to registry"),
    /** Blob upload invalid. */
    BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
    /** Blob upload unknown to registry. */
    BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
    /** Provided digest did not match uploaded content. */
    DIGEST_INVALID(400, "provided digest did not match uploaded content"),
    /** Blob unknown to registry (referenced by a manifest). */
    MANIFEST_BLOB_UNKNOWN(404, "manifest references a manifest or blob unknown to registry"),
    /** Manifest invalid. */
    MANIFEST_INVALID(400, "manifest invalid"),
    /** Manifest tag did not match URI: the tag a manifest is pushed to is not a valid tag. */
    TAG_INVALID(400, "manifest tag did not match URI"),
    /** Manifest unknown to registry. */
    MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
    /** Invalid repository name. */
    NAME_INVALID(400, "invalid repository name"),
    /** Repository name not known to registry. */
    NAME_UNKNOWN(404, "repository name not known to registry"),
    /** Provided length did not match content length. */
    SIZE_INVALID(400, "provided length did not match content length"),
    /** Authentication required. */
    UNAUTHORIZED(401, "authentication required"),
    /** Requested access to the resource is denied. */
    DENIED(403, "requested access to the resource is denied"),
    /** The operation is unsupported. */
    UNSUPPORTED(405, "the operation is unsupported"),
    /** Too many requests. */
    TOOMANYREQUESTS(429, "too many requests"),
    /** The registry's storage (containerd) cannot be reached right now. */
    UNAVAILABLE(503, "service unavailable"),
    /** Anything unexpected: a bug or a storage failure, never a client's mistake. */
    UNKNOWN(500, "unknown error");

    private final int status;
    private final String message;

    ErrorCode(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    public RegistryException exception(String detail) {
        return new RegistryException(this, detail);
    }
}
