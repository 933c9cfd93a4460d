package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.events.Envelope;
import io.containerdregistry.store.StoredManifest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What image records (tags) resolve to, kept only while containerd's event stream is connected: an image event
 * drops that record, a content event or losing the stream empties the cache (it is then off until the stream is
 * back). A tag is therefore never served staler than containerd takes to deliver an event (milliseconds), and
 * a resolution that raced with an event is not cached.
 */
@ApplicationScoped
class TagCache implements ContainerdEvents.Listener {
    private static final int MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<String, StoredManifest> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean live;

    /** The generation to pass to {@link #put}: read it before asking containerd. */
    long generation() {
        return generation.get();
    }

    StoredManifest get(String imageName) {
        return live ? entries.get(imageName) : null;
    }

    /** Caches a resolution made since {@code seen} unless something changed in between. */
    void put(String imageName, StoredManifest target, long seen) {
        if (live && generation.get() == seen && entries.size() < MAX_ENTRIES) {
            entries.put(imageName, target.withoutBytes());
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
