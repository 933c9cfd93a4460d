package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Manifest bytes by their sha256 digest, least recently used first out, bounded by total bytes. Content is
 * immutable under its digest, so an entry is never stale; whether the manifest still exists is always asked of
 * containerd, so deletes are seen at once.
 */
@ApplicationScoped
class ManifestCache {
    private final long capacity;
    private final LinkedHashMap<Digest, byte[]> entries = new LinkedHashMap<>(64, 0.75f, true);
    private long size;

    ManifestCache(RegistryConfig config) {
        this.capacity = config.limits().manifestCacheBytes();
    }

    synchronized byte[] get(Digest stored) {
        return entries.get(stored);
    }

    synchronized void put(Digest stored, byte[] bytes) {
        if (bytes.length > capacity || entries.containsKey(stored)) {
            return;
        }
        entries.put(stored, bytes);
        size += bytes.length;
        Iterator<Map.Entry<Digest, byte[]>> oldest = entries.entrySet().iterator();
        while (size > capacity && oldest.hasNext()) {
            size -= oldest.next().getValue().length;
            oldest.remove();
        }
    }
}
