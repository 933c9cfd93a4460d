package io.containerdregistry.containerd;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.store.UploadSession;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Upload sessions cost containerd nothing until their first write, which goes under the repository's blob window lease;
 * a session this process forgot is found again by its ingest, and one it could not remember gets a lease of its own.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class UploadLeasesTest {
    private static final String REPO = "leases/uploads";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    @Inject
    UploadSessions sessions;

    private List<String> leases() {
        return Ctr.leaseIds(Path.of(socket), "default");
    }

    /** The session's ingest (and lease) name in containerd: the session as this test's anonymous client owns it. */
    private static String ref(String location) {
        String id = location.substring(location.lastIndexOf('/') + 1);
        return ContainerdUploads.ref(new UploadSession(new Repository(REPO), "", id));
    }

    private static String patch(String location, String chunk, long start) {
        return given().body(chunk.getBytes(StandardCharsets.UTF_8)).contentType("application/octet-stream")
                .header("Content-Range", start + "-" + (start + chunk.length() - 1))
                .patch(location).then().statusCode(202).extract().header("Location");
    }

    @Test
    void startingASessionAsksNothingOfContainerdAndTheFirstWriteGoesUnderAnUploadWindowLease() {
        List<String> before = leases();
        String location = Registry.startUpload(REPO);
        assertEquals(List.of(), leases().stream().filter(id -> !before.contains(id)).toList(),
                "no lease for a session not written to");
        patch(location, "first chunk", 0);
        assertTrue(Ctr.ctr(Path.of(socket), "default", "content", "active").contains(ref(location)));
        assertTrue(leases().stream().anyMatch(id -> id.startsWith(Holds.BLOBS)), leases().toString());
        assertFalse(leases().contains(ref(location)));
    }

    @Test
    void aWrittenSessionThisProcessForgotIsFoundByItsIngest() {
        String location = Registry.startUpload(REPO);
        location = patch(location, "abc", 0);
        sessions.forget(ref(location));
        location = patch(location, "def", 3);
        String digest = Digest.sha256Of("abcdef".getBytes(StandardCharsets.UTF_8)).toString();
        given().put(location + "?digest=" + digest).then().statusCode(201);
        given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).body(equalTo("abcdef"));
    }

    @Test
    void aSessionNotWrittenToIsOnlyKnownToTheProcessThatStartedIt() {
        String location = Registry.startUpload(REPO);
        sessions.forget(ref(location));
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void aSessionBeyondTheRememberedOnesGetsALeaseOfItsOwnAndWorks() {
        Instant expiry = Instant.now().plusSeconds(600);
        List<String> fillers = new ArrayList<>();
        for (int i = 0; sessions.started("filler-" + i, expiry); i++) {
            fillers.add("filler-" + i);
        }
        try {
            String location = Registry.startUpload(REPO);
            assertTrue(leases().contains(ref(location)), leases().toString());
            given().get(location).then().statusCode(204);
            String content = "beyond the cap " + UUID.randomUUID();
            String digest = Digest.sha256Of(content.getBytes(StandardCharsets.UTF_8)).toString();
            given().body(content.getBytes(StandardCharsets.UTF_8)).contentType("application/octet-stream")
                    .put(location + "?digest=" + digest).then().statusCode(201);
            given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).body(equalTo(content));
            given().get(location).then().statusCode(404);
        } finally {
            fillers.forEach(sessions::forget);
        }
    }
}
