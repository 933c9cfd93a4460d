package io.containerdregistry.containerd;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.testing.AllowDeleteProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Manifest pushes share one containerd lease per time window instead of creating and deleting a lease each, and
 * deletes still make containerd collect what nothing references any more at once.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AllowDeleteProfile.class)
class ManifestPushLeaseTest {
    private static final String REPO = "leases/manifests";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private List<String> leases() {
        return Ctr.leaseIds(Path.of(socket), "default");
    }

    private List<String> windowLeases() {
        return leases().stream().filter(id -> id.startsWith(Holds.MANIFESTS)).toList();
    }

    private boolean stored(String digest) {
        return Ctr.stored(Path.of(socket), "default", digest);
    }

    private static String push(String tag) {
        String config = "{\"lease\":\"" + UUID.randomUUID() + "\"}";
        String configDigest = Registry.pushBlob(REPO, config);
        return Registry.putManifest(REPO, tag, Registry.OCI_MANIFEST, Registry.manifest(configDigest, config.length()));
    }

    @Test
    void pushesInOneWindowShareALeaseAndLeaveNoneOfTheirOwn() {
        List<String> before = leases();
        for (int i = 0; i < 5; i++) {
            push("shared-" + i);
        }
        List<String> added = leases().stream().filter(id -> !before.contains(id)).toList();
        // the five config uploads and five manifests add no lease of their own, at most the window leases (two of
        // each kind if a window turned during the test)
        assertTrue(added.stream().allMatch(id -> id.startsWith(Holds.MANIFESTS) || id.startsWith(Holds.BLOBS)),
                added.toString());
        assertTrue(added.size() <= 4, added.toString());
        assertTrue(windowLeases().size() >= 1, leases().toString());
    }

    @Test
    void aRemovedWindowLeaseIsCreatedAgainByTheNextPush() {
        push("before-removal");
        for (String lease : windowLeases()) {
            Ctr.ctr(Path.of(socket), "default", "leases", "delete", lease);
        }
        assertTrue(windowLeases().isEmpty());
        String digest = push("after-removal");
        given().get("/v2/" + REPO + "/manifests/after-removal").then().statusCode(200);
        given().head("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200);
        assertFalse(windowLeases().isEmpty(), leases().toString());
    }

    @Test
    void deletingAManifestByDigestCollectsItDespiteTheWindowLease() {
        String digest = push("doomed");
        assertTrue(stored(digest));
        given().delete("/v2/" + REPO + "/manifests/" + digest).then().statusCode(202);
        assertFalse(stored(digest), "collected at once");
        given().head("/v2/" + REPO + "/manifests/doomed").then().statusCode(404);
    }

    @Test
    void deletingTheOnlyTagCollectsTheManifestDespiteTheWindowLease() {
        String digest = push("lonely");
        given().delete("/v2/" + REPO + "/manifests/lonely").then().statusCode(202);
        assertFalse(stored(digest), "collected at once");
        given().head("/v2/" + REPO + "/manifests/" + digest).then().statusCode(404);
    }
}
