package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Manifest bytes by their stored digest: from the manifest cache, else read from containerd. Bytes are read by the
 * size containerd stores, never by a size some descriptor claims, and checked against their digest before they are
 * cached or returned, so the cache holds only verified bytes and a short read never passes for a whole one.
 */
@ApplicationScoped
class ManifestBytes {
    /** Manifests larger than this are hashed on a worker thread rather than where containerd's answer arrived. */
    private static final int HASH_INLINE_LIMIT = 256 * 1024;

    private final Stubs stubs;
    private final ManifestCache cache;
    private final ContentIndex index;
    private final long maxManifestSize;

    ManifestBytes(Stubs stubs, ManifestCache cache, ContentIndex index, RegistryConfig config) {
        this.stubs = stubs;
        this.cache = cache;
        this.index = index;
        this.maxManifestSize = config.limits().maxManifestSize();
    }

    /**
     * The bytes stored under {@code stored}, whose size {@code storedSize} the caller has just read from containerd's
     * info of that content; fails when they are not stored, are larger than a manifest may be
     * ({@code MANIFEST_UNKNOWN}), or do not hash to the digest.
     */
    Uni<byte[]> read(Digest stored, long storedSize) {
        byte[] cached = cache.get(stored);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        if (storedSize > maxManifestSize) {
            return Uni.createFrom().failure(ErrorCode.MANIFEST_UNKNOWN.exception(
                    stored + " is larger than a manifest may be"));
        }
        // a manifest is small: its read has the unary deadline, so a containerd that stops answering fails it
        Uni<byte[]> read = ContentBytes.read(new ContentReader(stubs.content(), stored.toString(), 0, storedSize),
                storedSize);
        if (storedSize > HASH_INLINE_LIMIT) {
            read = read.emitOn(Infrastructure.getDefaultWorkerPool());
        }
        return read.map(bytes -> verified(stored, bytes)).invoke(bytes -> cache.put(stored, bytes));
    }

    /** The bytes stored under {@code stored}, with their size asked of containerd (or known from the cache). */
    Uni<byte[]> read(Digest stored) {
        byte[] cached = cache.get(stored);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return index.info(stored, ErrorCode.MANIFEST_UNKNOWN).chain(info -> read(stored, info.getSize()));
    }

    private static byte[] verified(Digest stored, byte[] bytes) {
        if (!Digest.sha256Of(bytes).equals(stored)) {
            throw new RegistryException(ErrorCode.UNKNOWN, 500,
                    "content read from containerd does not match its digest " + stored, null);
        }
        return bytes;
    }
}
