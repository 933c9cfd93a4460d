package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * The leases that hold a manifest between its commit and its image records. Instead of one lease per push (two
 * containerd transactions, which serialise with every other write in containerd's metadata store), every push
 * within the same {@link #WINDOW} shares lease {@code manifests-<window>}, created by the first push of the window
 * and left to expire {@link #MARGIN} after the window ends; a manifest no record references any more is collected
 * by containerd once that lease is gone. Deleting a manifest or tag therefore first releases the manifest from all
 * such leases ({@link #releaseEverywhere}), so it is collected at once.
 */
@ApplicationScoped
class ManifestLeases {
    static final String PREFIX = "manifests-";
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** How long a window's lease outlives the window: far beyond any push, which takes milliseconds. */
    static final Duration MARGIN = Duration.ofMinutes(5);

    private final LeaseManager leases;
    private long created = -1;

    ManifestLeases(LeaseManager leases) {
        this.leases = leases;
    }

    /** The lease of the current window; created when this process has not made sure of it yet. */
    Uni<String> current() {
        long window = Instant.now().getEpochSecond() / WINDOW.toSeconds();
        String id = PREFIX + window;
        synchronized (this) {
            if (created == window) {
                return Uni.createFrom().item(id);
            }
        }
        Instant expire = Instant.ofEpochSecond((window + 1) * WINDOW.toSeconds()).plus(MARGIN);
        return leases.createUntil(id, expire).invoke(() -> markCreated(window)).replaceWith(id);
    }

    private synchronized void markCreated(long window) {
        created = Math.max(created, window);
    }

    /** Forgets that the current window's lease exists (someone removed it): the next push creates it again. */
    synchronized void forget() {
        created = -1;
    }

    /** Stops every window lease from holding the content. */
    Uni<Void> releaseEverywhere(Digest content) {
        return leases.idsStartingWith(PREFIX).chain(ids -> ids.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(ids.stream().map(id -> leases.release(id, content)).toList())
                        .andFailFast().replaceWithVoid());
    }
}
