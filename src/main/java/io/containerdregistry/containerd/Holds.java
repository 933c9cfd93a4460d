package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * What keeps pushed content alive in containerd, and until when: the one place of the registry's lease policy.
 *
 * <ul>
 * <li><b>Blobs</b> (uploads, mounts, pushes of content already stored) are held by their repository's blob window
 * lease {@code blobs-<repository key>-<n>s-<window>}. Windows are a quarter of {@code registry.uploads.lease-expiration}
 * (at most five minutes) and a window's lease expires one expiration plus a slack ({@link #slack}) after the window
 * ends. A blob is added to the current window's lease when it is answered 201, so it is kept for at least one
 * expiration from its 201, and at most 1.25 expirations plus the slack, unless a manifest references it (its
 * {@code gc.ref} labels then keep it as long as the manifest).</li>
 * <li><b>Manifests</b> are held by their repository's manifest window lease {@code manifests-<repository key>-300s-<window>}
 * (five-minute windows, expiring five minutes after) only until their image records exist.</li>
 * <li>An <b>upload session</b>'s ingest is held by the blob window lease current at its first write, which outlives
 * the session.</li>
 * </ul>
 * Each repository has leases of its own, so a delete in one repository releases only what that repository holds
 * ({@link #releaseBlob}, {@link #releaseManifest}): another repository's push of the same content keeps its hold.
 */
@ApplicationScoped
class Holds {
    static final String BLOBS = "blobs-";
    static final String MANIFESTS = "manifests-";
    private static final Duration MANIFEST_WINDOW = Duration.ofMinutes(5);
    private static final Duration MAX_BLOB_WINDOW = Duration.ofMinutes(5);
    private static final Duration MAX_SLACK = Duration.ofMinutes(1);

    private final WindowLeases blobs;
    private final WindowLeases manifests;

    Holds(LeaseManager leases, RegistryConfig config) {
        Duration lifetime = config.uploads().leaseExpiration();
        Duration window = lifetime.dividedBy(4);
        this.blobs = new WindowLeases(leases, BLOBS, window.compareTo(MAX_BLOB_WINDOW) > 0 ? MAX_BLOB_WINDOW : window,
                lifetime.plus(slack(lifetime)));
        this.manifests = new WindowLeases(leases, MANIFESTS, MANIFEST_WINDOW, MANIFEST_WINDOW);
    }

    /**
     * Time added to a blob hold for what passes between taking the hold and sending the 201: a tenth of the
     * expiration, at most a minute.
     */
    static Duration slack(Duration lifetime) {
        Duration tenth = lifetime.dividedBy(10);
        return tenth.compareTo(MAX_SLACK) > 0 ? MAX_SLACK : tenth;
    }

    /** The repository's part of its lease ids: 80 bits of the sha256 of its name (names may be 255 characters). */
    static String key(Repository repository) {
        byte[] hash = Digest.messageDigest("sha256").digest(repository.name().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 10);
    }

    /** The lease that uploads to the repository write under now. */
    Uni<String> blobLease(Repository repository) {
        return blobs.current(key(repository));
    }

    /** Whether content committed under {@code leaseId} is held for a whole expiration from now. */
    boolean holdsLongEnough(Repository repository, String leaseId) {
        return blobs.isCurrent(key(repository), leaseId);
    }

    /** Makes the repository hold the blob for at least one expiration from now. */
    Uni<Void> holdBlob(Repository repository, Digest stored) {
        return blobs.hold(key(repository), stored);
    }

    /** The blob lease was found removed: the next use creates it again. */
    void blobLeaseGone(Repository repository) {
        blobs.forget(key(repository));
    }

    /** The lease that manifests pushed to the repository are written under now. */
    Uni<String> manifestLease(Repository repository) {
        return manifests.current(key(repository));
    }

    /** The manifest lease was found removed: the next use creates it again. */
    void manifestLeaseGone(Repository repository) {
        manifests.forget(key(repository));
    }

    /** Makes the repository hold a manifest until its image records are written (five minutes at least). */
    Uni<Void> holdManifest(Repository repository, Digest stored) {
        return manifests.hold(key(repository), stored);
    }

    /** Ends the repository's holds on a blob; other repositories' holds stay. */
    Uni<Void> releaseBlob(Repository repository, Digest stored) {
        return blobs.releaseEverywhere(key(repository), stored);
    }

    /** Ends the repository's holds on a manifest; other repositories' holds stay. */
    Uni<Void> releaseManifest(Repository repository, Digest stored) {
        return manifests.releaseEverywhere(key(repository), stored);
    }
}
