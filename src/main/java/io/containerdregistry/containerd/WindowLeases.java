package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;

/**
 * Leases shared by all pushes that start within the same time window. A lease per push costs two containerd
 * transactions (create, delete), and containerd runs its metadata transactions one at a time, each with its own
 * fsync; a window's lease {@code <prefix><window length>s-<window number>} is created once, by the first push of
 * the window, and simply expires {@code margin} after the window ends. Whatever it holds and nothing else references
 * is collected by containerd then. A delete releases the content from every such lease ({@link #releaseEverywhere}),
 * so it is collected at once.
 */
final class WindowLeases {
    private final LeaseManager leases;
    private final String prefix;
    private final long windowSeconds;
    private final Duration margin;
    private long created = -1;

    WindowLeases(LeaseManager leases, String prefix, Duration window, Duration margin) {
        this.leases = leases;
        this.prefix = prefix;
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.margin = margin;
    }

    /** The current window's lease; created when this process has not made sure of it yet. */
    Uni<String> current() {
        long window = Instant.now().getEpochSecond() / windowSeconds;
        String id = prefix + windowSeconds + "s-" + window;
        synchronized (this) {
            if (created == window) {
                return Uni.createFrom().item(id);
            }
        }
        Instant expire = Instant.ofEpochSecond((window + 1) * windowSeconds).plus(margin);
        return leases.createUntil(id, expire).invoke(() -> markCreated(window)).replaceWith(id);
    }

    private synchronized void markCreated(long window) {
        created = Math.max(created, window);
    }

    /** Forgets that the current window's lease exists (someone removed it): the next push creates it again. */
    synchronized void forget() {
        created = -1;
    }

    /** Stops every window lease of this kind from holding the content. */
    Uni<Void> releaseEverywhere(Digest content) {
        return leases.idsStartingWith(prefix).chain(ids -> ids.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(ids.stream().map(id -> leases.release(id, content)).toList())
                        .andFailFast().replaceWithVoid());
    }
}
