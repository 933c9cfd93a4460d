package io.containerdregistry.containerd;

import io.containerdregistry.containerd.api.images.Image;
import io.containerdregistry.containerd.api.images.ListImagesRequest;
import io.containerdregistry.containerd.api.images.ListImagesResponse;
import io.containerdregistry.oci.Descriptor;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Whether an image record of a repository targets some content, or a manifest that (itself or through an index's
 * child manifests) references it: the slow way {@link Readers} grants a read the labels do not. It reads manifests, so
 * what it may cost is bounded, whoever asks and however often:
 * <ul>
 * <li>at most {@value #MAX_MANIFESTS_SCANNED} manifests and {@value #MAX_BYTES_SCANNED} bytes of them per check (read
 * one at a time, by their stored size, verified);</li>
 * <li>at most {@value #LANES} checks run at once, the rest wait their turn; when more than {@value #MAX_WAITING}
 * wait, a new one is answered "not referenced" at once;</li>
 * <li>checks of the same content through the same repository at the same time share one scan;</li>
 * <li>a "not referenced" answer is remembered for {@value #DENIAL_MILLIS} ms, until a manifest is pushed into the
 * repository: a push lists the repository on what it references, but a blob delete may take that listing off again
 * while the pushed manifest still references the content, and then only this check can grant the read. A check that
 * overlapped any push is not remembered.</li>
 * </ul>
 */
@ApplicationScoped
class ReferenceCheck {
    private static final Logger LOG = Logger.getLogger(ReferenceCheck.class);
    static final int MAX_MANIFESTS_SCANNED = 256;
    static final long MAX_BYTES_SCANNED = 64L * 1024 * 1024;
    static final int LANES = 2;
    static final int MAX_WAITING = 32;
    static final long DENIAL_MILLIS = 5_000;
    private static final int MAX_DENIALS = 10_000;

    private final Stubs stubs;
    private final ManifestBytes manifests;
    private final KeyedSerial lanes = new KeyedSerial();
    private final AtomicLong turn = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> denied = new ConcurrentHashMap<>();
    private final AtomicLong recordChanges = new AtomicLong();

    ReferenceCheck(Stubs stubs, ManifestBytes manifests) {
        this.stubs = stubs;
        this.manifests = manifests;
    }

    /** Whether the repository's records reach one of {@code wanted} (see the class comment for the bounds). */
    Uni<Boolean> references(Repository repository, Set<Digest> wanted) {
        String key = repository.name() + "|" + new TreeSet<>(wanted.stream().map(Digest::toString).toList());
        Long until = denied.get(key);
        if (until != null) {
            if (until > System.currentTimeMillis()) {
                return Uni.createFrom().item(false);
            }
            denied.remove(key, until);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> shared = running.putIfAbsent(key, mine);
        if (shared != null) {
            return Uni.createFrom().completionStage(shared);
        }
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            LOG.debugf("more than %d reference checks wait: %s is answered as not referenced", MAX_WAITING, key);
            running.remove(key, mine);
            mine.complete(false);
            return Uni.createFrom().item(false);
        }
        long changes = recordChanges.get();
        String lane = "lane-" + Math.floorMod(turn.getAndIncrement(), LANES);
        lanes.run(lane, () -> {
            waiting.decrementAndGet();
            return check(repository, wanted);
        }).subscribe().with(found -> {
            if (!found && recordChanges.get() == changes) {
                remember(key);
            }
            running.remove(key, mine);
            mine.complete(found);
        }, failure -> {
            running.remove(key, mine);
            mine.completeExceptionally(failure);
        });
        return Uni.createFrom().completionStage(mine);
    }

    /**
     * The repository's image records changed (a manifest was pushed into it): what this check remembered or is still
     * working out about the repository may be wrong now, so later checks scan afresh.
     */
    void recordsChanged(Repository repository) {
        recordChanges.incrementAndGet();
        String prefix = repository.name() + "|";
        denied.keySet().removeIf(key -> key.startsWith(prefix));
        running.keySet().removeIf(key -> key.startsWith(prefix));
    }

    private void remember(String key) {
        if (denied.size() >= MAX_DENIALS) {
            denied.clear();
        }
        denied.put(key, System.currentTimeMillis() + DENIAL_MILLIS);
    }

    private Uni<Boolean> check(Repository repository, Set<Digest> wanted) {
        ListImagesRequest request = ListImagesRequest.newBuilder()
                .addFilters("name~=" + ContainerdCatalog.namePrefix(repository)).build();
        return Calls.<ListImagesResponse>unary(o -> stubs.images().list(request, o))
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.UNKNOWN))
                .chain(response -> {
                    Deque<Digest> queue = new ArrayDeque<>();
                    Set<Digest> seen = new HashSet<>();
                    response.getImagesList().stream()
                            .sorted(Comparator.comparingLong((Image image) -> image.getUpdatedAt().getSeconds())
                                    .reversed())
                            .map(image -> Digest.parse(image.getTarget().getDigest()))
                            .filter(seen::add)
                            .forEach(queue::add);
                    return scan(queue, seen, wanted, MAX_MANIFESTS_SCANNED, MAX_BYTES_SCANNED);
                });
    }

    /**
     * Reads the queued manifests one by one. Each is read by the size containerd stores (a descriptor's size is only a
     * claim) and verified ({@link ManifestBytes}); one that cannot be read is skipped.
     */
    private Uni<Boolean> scan(Deque<Digest> queue, Set<Digest> seen, Set<Digest> wanted, int manifestsLeft,
            long bytesLeft) {
        Digest next = queue.poll();
        if (next == null || manifestsLeft == 0 || bytesLeft <= 0) {
            return Uni.createFrom().item(false);
        }
        if (wanted.contains(next)) {
            return Uni.createFrom().item(true);
        }
        if (!next.isSha256()) {
            return scan(queue, seen, wanted, manifestsLeft, bytesLeft);
        }
        // a manifest that cannot be read is skipped, but containerd being away fails the check (503): "not referenced"
        // would turn an outage into a 404
        return manifests.read(next)
                .onFailure(t -> !(t instanceof RegistryException e && e.status() == 503)).recoverWithNull()
                .chain(bytes -> {
                    Manifest manifest = bytes == null ? null : parse(bytes);
                    if (manifest != null) {
                        for (Descriptor descriptor : manifest.requiredContent()) {
                            if (wanted.contains(descriptor.digest())) {
                                return Uni.createFrom().item(true);
                            }
                        }
                        manifest.manifests().stream()
                                .map(Descriptor::digest)
                                .filter(seen::add)
                                .forEach(queue::add);
                    }
                    return scan(queue, seen, wanted, manifestsLeft - 1, bytesLeft - (bytes == null ? 0 : bytes.length));
                });
    }

    private static Manifest parse(byte[] bytes) {
        try {
            return Manifest.parse(bytes, null);
        } catch (RegistryException e) {
            return null;
        }
    }
}
