package io.containerdregistry.containerd;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Leases shared, per key (a repository), by everything pushed within the same time window. A lease per push costs
 * two containerd transactions (create, delete), and containerd runs its metadata transactions one at a time, each
 * with its own fsync; a window's lease {@code <prefix><key>-<window length>s-<window number>} is created once, by the
 * first push of the window, and simply expires {@code margin} after the window ends. Whatever it holds and nothing
 * else references is collected by containerd then. Keys never share a lease, so one key's
 * {@link #releaseEverywhere release} never takes away what another key holds.
 */
final class WindowLeases {
    /** Keys whose current lease is remembered at most; beyond it older windows are forgotten. */
    private static final int MAX_REMEMBERED = 10_000;

    private final LeaseManager leases;
    private final String prefix;
    private final long windowSeconds;
    private final Duration margin;
    /** The newest window whose lease this process made sure of, per key. */
    private final ConcurrentHashMap<String, Long> created = new ConcurrentHashMap<>();

    WindowLeases(LeaseManager leases, String prefix, Duration window, Duration margin) {
        this.leases = leases;
        this.prefix = prefix;
        this.windowSeconds = Math.max(1, window.toSeconds());
        this.margin = margin;
    }

    private long window() {
        return Instant.now().getEpochSecond() / windowSeconds;
    }

    private String id(String key, long window) {
        return prefix + key + "-" + windowSeconds + "s-" + window;
    }

    /** The key's current window lease; created when this process has not made sure of it yet. */
    Uni<String> current(String key) {
        long window = window();
        String id = id(key, window);
        Long known = created.get(key);
        if (known != null && known == window) {
            return Uni.createFrom().item(id);
        }
        Instant expire = Instant.ofEpochSecond((window + 1) * windowSeconds).plus(margin);
        return leases.createUntil(id, expire).invoke(() -> markCreated(key, window)).replaceWith(id);
    }

    /** Whether {@code leaseId} is the key's lease of the current window (so it holds for a whole margin from now). */
    boolean isCurrent(String key, String leaseId) {
        return id(key, window()).equals(leaseId);
    }

    /**
     * Makes the key's current window lease hold the content, which it then keeps for at least the margin from now. A
     * lease removed behind this process's back is made again.
     */
    Uni<Void> hold(String key, Digest content) {
        return current(key).chain(id -> leases.hold(id, content))
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithUni(() -> {
                    forget(key);
                    return current(key).chain(id -> leases.hold(id, content));
                })
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN));
    }

    /** Forgets that the key's current lease exists (someone removed it): the next use creates it again. */
    void forget(String key) {
        created.remove(key);
    }

    /** Stops every window lease of the key from holding the content; other keys' leases are left alone. */
    Uni<Void> releaseEverywhere(String key, Digest content) {
        return leases.idsStartingWith(prefix + key + "-").chain(ids -> ids.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(ids.stream().map(id -> leases.release(id, content)).toList())
                        .andFailFast().replaceWithVoid());
    }

    private void markCreated(String key, long window) {
        created.merge(key, window, Math::max);
        if (created.size() > MAX_REMEMBERED) {
            long current = window();
            created.values().removeIf(w -> w < current);
        }
    }
}
