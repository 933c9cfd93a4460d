package io.containerdregistry.api;

import static io.restassured.RestAssured.given;

import io.containerdregistry.testing.AllowDeleteProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Found by the history test (seed 3781559020788691993): a repository's blob is readable for as long as a manifest of
 * the repository references it, also after a blob {@code DELETE} took the repository off the blob's label. A read
 * through the repository that was refused a moment before the manifest was pushed must not be remembered past that
 * push: the refusal was cached for five seconds, so the delete's aftermath answered 404 (and a manifest push
 * referencing the blob {@code MANIFEST_BLOB_UNKNOWN}) although a pinned manifest referenced it.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AllowDeleteProfile.class)
class ReferenceGrantAfterDeleteTest {

    @Test
    void aBlobReferencedByAManifestStaysReadableAfterItsDeleteEvenRightAfterARefusedRead() {
        String repo = "refgrant/" + UUID.randomUUID().toString().substring(0, 8);
        String config = "{\"refgrant\":\"" + UUID.randomUUID() + "\"}";
        // the blob is stored (another repository pushed it) but not readable through repo yet: a refused read
        String configDigest = Registry.pushBlob("refgrant/elsewhere", config);
        given().head("/v2/" + repo + "/blobs/" + configDigest).then().statusCode(404);

        Registry.pushBlob(repo, config);
        String manifest = Registry.manifest(configDigest, config.length());
        String manifestDigest = Registry.putManifest(repo, "pinned", Registry.OCI_MANIFEST, manifest);
        given().delete("/v2/" + repo + "/blobs/" + configDigest).then().statusCode(202);

        // the manifest still references the blob: readable, and a new manifest may reference it
        given().head("/v2/" + repo + "/blobs/" + configDigest).then().statusCode(200);
        given().get("/v2/" + repo + "/blobs/" + configDigest).then().statusCode(200);
        given().contentType(Registry.OCI_MANIFEST).body(Registry.manifest(configDigest, config.length()))
                .put("/v2/" + repo + "/manifests/again").then().statusCode(201);
        given().get("/v2/" + repo + "/manifests/" + manifestDigest).then().statusCode(200);
    }
}
