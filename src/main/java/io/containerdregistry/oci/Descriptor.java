package io.containerdregistry.oci;

import java.util.List;

/** A content descriptor found inside a manifest: what it points at and whether it is stored elsewhere. */
public record Descriptor(String mediaType, Digest digest, long size, List<String> urls) {
    public boolean external() {
        return urls != null && !urls.isEmpty();
    }
}
