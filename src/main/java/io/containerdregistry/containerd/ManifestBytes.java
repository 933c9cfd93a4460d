package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Manifest bytes by their stored digest: from the manifest cache, else read from containerd and cached. */
@ApplicationScoped
class ManifestBytes {
    private final Stubs stubs;
    private final ManifestCache cache;

    ManifestBytes(Stubs stubs, ManifestCache cache) {
        this.stubs = stubs;
        this.cache = cache;
    }

    /** The {@code size} bytes stored under {@code stored}; fails when they are not stored. */
    Uni<byte[]> read(Digest stored, long size) {
        byte[] cached = cache.get(stored);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return ContentBytes.read(new ContentReader(stubs.contentStream(), stored.toString(), 0, size), size)
                .invoke(read -> cache.put(stored, read));
    }
}
