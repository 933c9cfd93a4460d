package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;

/**
 * A manifest as stored: the digest clients name it by, the sha256 digest containerd stores it under (the same
 * unless it was pushed by another algorithm), the media type to serve it with, and (when read) the exact bytes.
 */
public record StoredManifest(Digest digest, Digest stored, String mediaType, long size, byte[] bytes) {
    public StoredManifest withoutBytes() {
        return new StoredManifest(digest, stored, mediaType, size, null);
    }
}
