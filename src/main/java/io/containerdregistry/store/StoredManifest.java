package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;

/** A manifest as stored: the exact bytes pushed, their digest and the media type to serve them with. */
public record StoredManifest(Digest digest, String mediaType, long size, byte[] bytes) {
    public StoredManifest withoutBytes() {
        return new StoredManifest(digest, mediaType, size, null);
    }
}
