package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.AllowDeleteProfile;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The spec's content management area: deletes of tags, manifests and blobs, decided by containerd's GC labels. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(AllowDeleteProfile.class)
class ContentManagementConformanceTest {
    private static final String REPO = "conformance/manage";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static String unique() {
        return UUID.randomUUID().toString();
    }

    private static String[] image() {
        return image(REPO);
    }

    /** Config and layer pushed to {@code repo} (a manifest may reference only what its repository can read). */
    private static String[] image(String repo) {
        String config = "{\"u\":\"" + unique() + "\"}";
        String layer = "layer " + unique();
        String configDigest = Registry.pushBlob(repo, config);
        String layerDigest = Registry.pushBlob(repo, layer);
        String body = Registry.manifest(configDigest, config.length(), layerDigest + "=" + layer.length());
        return new String[] {body, configDigest, layerDigest};
    }

    private boolean stored(String digest) {
        return Ctr.stored(Path.of(socket), "default", digest);
    }

    @Test
    void deletingATagKeepsTheManifestReachableByDigestWhilePinned() {
        String body = image()[0];
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        given().contentType(Registry.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/" + digest + "?tag=pinned")
                .then().statusCode(201);
        given().delete("/v2/" + REPO + "/manifests/pinned").then().statusCode(202);
        given().get("/v2/" + REPO + "/manifests/pinned").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().get("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200);
    }

    @Test
    void deletingTheOnlyTagCollectsTheManifestUnlessAnIndexReferencesIt() {
        String[] child = image();
        String childDigest = Registry.putManifest(REPO, "child", Registry.OCI_MANIFEST, child[0]);
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"digest\":\"" + childDigest + "\",\"size\":"
                + child[0].length() + "}]}";
        Registry.putManifest(REPO, "parent", "application/vnd.oci.image.index.v1+json", index);
        given().delete("/v2/" + REPO + "/manifests/child").then().statusCode(202);
        given().get("/v2/" + REPO + "/manifests/" + childDigest).then().statusCode(200);

        String lonely = Registry.putManifest(REPO, "lonely", Registry.OCI_MANIFEST, image()[0]);
        given().delete("/v2/" + REPO + "/manifests/lonely").then().statusCode(202);
        given().get("/v2/" + REPO + "/manifests/" + lonely).then().statusCode(404);
        assertFalse(stored(lonely), "collected at once");
    }

    @Test
    void deletingAManifestByDigestRemovesItsTags() {
        String body = image()[0];
        Registry.putManifest(REPO, "unrelated", Registry.OCI_MANIFEST, image()[0]);
        String digest = Registry.putManifest(REPO, "one", Registry.OCI_MANIFEST, body);
        Registry.putManifest(REPO, "two", Registry.OCI_MANIFEST, body);
        given().delete("/v2/" + REPO + "/manifests/" + digest).then().statusCode(202);
        given().head("/v2/" + REPO + "/manifests/one").then().statusCode(404);
        given().head("/v2/" + REPO + "/manifests/two").then().statusCode(404);
        given().head("/v2/" + REPO + "/manifests/" + digest).then().statusCode(404);
        given().get("/v2/" + REPO + "/tags/list").then().statusCode(200)
                .body("tags", not(hasItem("one")))
                .body("tags", hasItem("unrelated"));
    }

    @Test
    void deletingABlobMakesIt404() {
        String digest = Registry.pushBlob(REPO, "delete me " + unique());
        given().delete("/v2/" + REPO + "/blobs/" + digest).then().statusCode(202);
        given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404);
        assertFalse(stored(digest));
    }

    @Test
    void deletingABlobFromOneRepositoryLeavesItReadableThroughTheOthers() {
        String content = "shared then deleted " + unique();
        String digest = Registry.pushBlob(REPO + "-a", content);
        Registry.pushBlob(REPO + "-b", content);
        given().delete("/v2/" + REPO + "-a/blobs/" + digest).then().statusCode(202);
        given().head("/v2/" + REPO + "-a/blobs/" + digest).then().statusCode(404);
        given().head("/v2/" + REPO + "-b/blobs/" + digest).then().statusCode(200);
        assertTrue(stored(digest), "still held for the other repository");
        given().delete("/v2/" + REPO + "-b/blobs/" + digest).then().statusCode(202);
        given().head("/v2/" + REPO + "-b/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void deletingThroughARepositoryThatCannotReadTheContentIs404AndKeepsIt() {
        String[] image = image();
        String manifest = Registry.putManifest(REPO, "kept", Registry.OCI_MANIFEST, image[0]);
        given().delete("/v2/conformance/intruder/blobs/" + image[2]).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        given().delete("/v2/conformance/intruder/manifests/" + manifest).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().head("/v2/" + REPO + "/blobs/" + image[2]).then().statusCode(200);
        given().head("/v2/" + REPO + "/manifests/" + manifest).then().statusCode(200);
        assertTrue(stored(image[2]) && stored(manifest));
    }

    @Test
    void garbageCollectionAfterDeletesRemovesExactlyTheUnreferencedContent() {
        String[] image = image();
        String manifest = Registry.putManifest(REPO, "gc", Registry.OCI_MANIFEST, image[0]);
        // the config is released by its owner but still referenced by the manifest: it must stay
        given().delete("/v2/" + REPO + "/blobs/" + image[1]).then().statusCode(202);
        assertTrue(stored(image[1]), "a referenced blob is never lost");
        given().get("/v2/" + REPO + "/blobs/" + image[1]).then().statusCode(200);
        // the manifest goes: the released config goes with it, the layer (still held by its upload) stays
        given().delete("/v2/" + REPO + "/manifests/" + manifest).then().statusCode(202);
        assertFalse(stored(manifest), "manifest collected");
        assertFalse(stored(image[1]), "released and unreferenced config collected");
        assertTrue(stored(image[2]), "layer still held by its upload lease");
    }

    @Test
    void deletingWhatDoesNotExistIs404() {
        given().delete("/v2/" + REPO + "/manifests/never-tagged").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().delete("/v2/" + REPO + "/manifests/sha256:" + "7".repeat(64)).then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().delete("/v2/" + REPO + "/blobs/sha256:" + "8".repeat(64)).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
    }

    @Test
    void repositoryPushedByDigestOnlyIsListedAndSurvivesGarbageCollection() {
        String repo = "conformance/digest-only-" + unique().substring(0, 8);
        String body = image(repo)[0];
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        Registry.putManifest(repo, digest, Registry.OCI_MANIFEST, body);
        Ctr.collectGarbage(Path.of(socket), "default");
        given().get("/v2/" + repo + "/manifests/" + digest).then().statusCode(200);
        given().get("/v2/_catalog?n=1&last=" + repo.substring(0, repo.length() - 1)).then().statusCode(200)
                .body("repositories[0]", equalTo(repo));
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags.size()", equalTo(0));
    }

    @Test
    void pageSizeIsCappedToTheConfiguredMaximum() {
        for (String tag : new String[] {"p1", "p2", "p3", "p4"}) {
            Registry.putManifest("conformance/paged", tag, Registry.OCI_MANIFEST, image("conformance/paged")[0]);
        }
        given().get("/v2/conformance/paged/tags/list?n=100").then().statusCode(200)
                .body("tags.size()", equalTo(3))
                .header("Link", equalTo("</v2/conformance/paged/tags/list?n=3&last=p3>; rel=\"next\""));
    }
}
