package io.containerdregistry.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small limits, so hostile sizes are cheap to send: 4 KiB blobs, 64 KiB manifests, 2 uploads per client, 3 s idle,
 * 8 KiB of request headers.
 */
public class HostileInputProfile implements QuarkusTestProfile {
    public static final int MAX_BLOB = 4096;
    public static final int MAX_MANIFEST = 65536;
    public static final int MAX_UPLOADS = 2;
    public static final long IDLE_MS = 3000;
    public static final int MAX_HEADERS = 8192;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "registry.limits.max-blob-size", String.valueOf(MAX_BLOB),
                "registry.limits.max-manifest-size", String.valueOf(MAX_MANIFEST),
                "registry.limits.max-uploads-per-client", String.valueOf(MAX_UPLOADS),
                "quarkus.http.idle-timeout", IDLE_MS + "ms",
                "registry.limits.max-header-size", String.valueOf(MAX_HEADERS));
    }
}
