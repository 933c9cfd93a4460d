package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The window leases pushes are written under. Manifests need a lease only between their commit and their image
 * records (milliseconds): theirs expire five minutes after their five-minute window. Uploaded blobs must live
 * {@code registry.uploads.lease-expiration} after their upload's first write, until a manifest references them:
 * their windows are a quarter of that (at most five minutes) and their leases expire one expiration after the
 * window, so a blob no manifest references becomes collectable between one and 1.25 expirations after its upload.
 */
@ApplicationScoped
class PushLeases {
    static final String MANIFESTS = "manifests-";
    static final String UPLOADS = "uploads-";
    private static final Duration MANIFEST_WINDOW = Duration.ofMinutes(5);
    private static final Duration MAX_UPLOAD_WINDOW = Duration.ofMinutes(5);

    private final WindowLeases manifests;
    private final WindowLeases uploads;

    PushLeases(LeaseManager leases, RegistryConfig config) {
        Duration lifetime = config.uploads().leaseExpiration();
        Duration uploadWindow = lifetime.dividedBy(4);
        this.manifests = new WindowLeases(leases, MANIFESTS, MANIFEST_WINDOW, MANIFEST_WINDOW);
        this.uploads = new WindowLeases(leases, UPLOADS,
                uploadWindow.compareTo(MAX_UPLOAD_WINDOW) > 0 ? MAX_UPLOAD_WINDOW : uploadWindow, lifetime);
    }

    WindowLeases manifests() {
        return manifests;
    }

    WindowLeases uploads() {
        return uploads;
    }
}
