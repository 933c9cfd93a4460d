package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.store.StoredManifest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What image records (tags) resolve to, kept only while containerd's event stream is confirmed up: an image event
 * drops that record, a content event or losing the stream empties the cache (it is then off until the stream is back),
 * and an entry is dropped at the latest {@code registry.containerd.cache-resync} after it was read from containerd, in
 * case containerd never delivered an event. A resolution that raced with an event is not cached. At most
 * {@value #MAX_ENTRIES} entries are kept.
 */
@ApplicationScoped
class TagCache implements ContainerdEvents.Listener {
    private static final int MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final long maxAgeNanos;
    private volatile boolean live;

    TagCache(RegistryConfig config) {
        this.maxAgeNanos = config.containerd().cacheResync().toNanos();
    }

    private record Entry(StoredManifest target, long readAt) {
    }

    /** The generation to pass to {@link #put}: read it before asking containerd. */
    long generation() {
        return generation.get();
    }

    StoredManifest get(String imageName) {
        if (!live) {
            return null;
        }
        Entry entry = entries.get(imageName);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.readAt() > maxAgeNanos) {
            entries.remove(imageName, entry);
            return null;
        }
        return entry.target();
    }

    /** Caches a resolution made since {@code seen} unless something changed in between. */
    void put(String imageName, StoredManifest target, long seen) {
        if (live && generation.get() == seen && entries.size() < MAX_ENTRIES) {
            entries.put(imageName, new Entry(target.withoutBytes(), System.nanoTime()));
            if (generation.get() != seen) {
                entries.remove(imageName);
            }
        }
    }

    /** Forgets everything (an image changed, or the registry itself changed one). */
    void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }

    @Override
    public void up() {
        invalidate();
        live = true;
    }

    @Override
    public void down() {
        live = false;
        invalidate();
    }

    @Override
    public void resync() {
        invalidate();
    }

    /** An image event drops that record's entry; anything else (content removed) drops them all. */
    @Override
    public void event(Envelope envelope) {
        String image = ImageEvents.name(envelope);
        if (image == null) {
            invalidate();
        } else {
            generation.incrementAndGet();
            entries.remove(image);
        }
    }
}
