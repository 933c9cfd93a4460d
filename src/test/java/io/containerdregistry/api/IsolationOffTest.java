package io.containerdregistry.api;

import static io.restassured.RestAssured.given;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code REPOSITORY_ISOLATION=false}: stored content is readable, mountable and referenceable through any repository. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(IsolationOffTest.Off.class)
class IsolationOffTest {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.isolation.enabled", "false");
        }
    }

    @Test
    void withIsolationOffStoredContentIsReadableThroughEveryRepository() {
        String config = "{\"off\":\"" + UUID.randomUUID() + "\"}";
        String digest = Registry.pushBlob("off/owner", config);
        given().get("/v2/off/anyone/blobs/" + digest).then().statusCode(200);
        given().post("/v2/off/target/blobs/uploads/?mount=" + digest + "&from=off/stranger").then().statusCode(201);
        String manifest = Registry.putManifest("off/other", "v1", Registry.OCI_MANIFEST,
                Registry.manifest(digest, config.length()));
        given().get("/v2/off/anyone/manifests/" + manifest).then().statusCode(200);
    }
}
