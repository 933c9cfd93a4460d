package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Writes are taken only into the configured repositories, decided on the repository actually written (a mirror
 * request's {@code <ns>/<name>}); any other is 403 {@code DENIED} whoever asks.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(WriteRepositoriesTest.TeamOnly.class)
class WriteRepositoriesTest {
    public static class TeamOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.access.write-repositories", "team/**,docker.io/team/*",
                    "registry.mirror.read-only", "false");
        }
    }

    private static int push(String path) {
        byte[] blob = ("write " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        return given().contentType("application/octet-stream").body(blob)
                .post(path + (path.contains("?") ? "&" : "?") + "digest=" + Digest.sha256Of(blob)).statusCode();
    }

    @Test
    void onlyTheConfiguredRepositoriesTakeWrites() {
        org.junit.jupiter.api.Assertions.assertEquals(201, push("/v2/team/app/blobs/uploads/"));
        org.junit.jupiter.api.Assertions.assertEquals(201, push("/v2/team/deep/app/blobs/uploads/"));
        given().post("/v2/other/app/blobs/uploads/").then().statusCode(403).body("errors[0].code", equalTo("DENIED"));
        given().contentType("application/vnd.oci.image.manifest.v1+json").body("{}")
                .put("/v2/registry.k8s.io/pause/manifests/3.9").then().statusCode(403);
    }

    @Test
    void aMirrorRequestIsDecidedOnTheMappedName() {
        org.junit.jupiter.api.Assertions.assertEquals(201, push("/v2/team/app/blobs/uploads/?ns=docker.io"));
        given().post("/v2/team/app/blobs/uploads/?ns=ghcr.io").then().statusCode(403);
        given().post("/v2/team/deep/app/blobs/uploads/?ns=docker.io").then().statusCode(403);
    }
}
