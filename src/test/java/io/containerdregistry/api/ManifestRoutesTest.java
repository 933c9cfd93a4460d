package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ManifestRoutesTest {
    private static final String REPO = "manifesttest/app";
    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static String unique() {
        return UUID.randomUUID().toString();
    }

    /** A manifest body (with its own config and layer pushed) of the given media type. */
    private static String imageManifest(String mediaType) {
        String config = "{\"os\":\"linux\",\"id\":\"" + unique() + "\"}";
        String layer = "layer-" + unique();
        String configDigest = Registry.pushBlob(REPO, config);
        String layerDigest = Registry.pushBlob(REPO, layer);
        return "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length() + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length() + "}]}";
    }

    private static String put(String reference, String mediaType, String body) {
        return given().contentType(mediaType).body(body.getBytes(StandardCharsets.UTF_8))
                .put("/v2/" + REPO + "/manifests/" + reference)
                .then().statusCode(201)
                .extract().header("Docker-Content-Digest");
    }

    @Test
    void putByTagAnswers201WithLocationAndDigest() {
        String body = imageManifest(Registry.OCI_MANIFEST);
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        given().contentType(Registry.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/v1")
                .then().statusCode(201)
                .header("Location", "/v2/" + REPO + "/manifests/" + digest)
                .header("Docker-Content-Digest", digest);
    }

    @Test
    void getByTagAndByDigestServeTheExactBytesWithTheirMediaType() {
        String body = "{\n  \"schemaVersion\": 2, \"mediaType\": \"" + Registry.OCI_MANIFEST + "\",\n"
                + imageManifest(Registry.OCI_MANIFEST).substring(("{\"schemaVersion\":2,\"mediaType\":\""
                + Registry.OCI_MANIFEST + "\",").length()) + "   ";
        String digest = put("exact", Registry.OCI_MANIFEST, body);
        for (String reference : new String[] {"exact", digest}) {
            String served = given().get("/v2/" + REPO + "/manifests/" + reference).then().statusCode(200)
                    .header("Content-Type", Registry.OCI_MANIFEST)
                    .header("Docker-Content-Digest", digest)
                    .extract().asString();
            assertEquals(body, served);
        }
    }

    @Test
    void headAnswersSizeTypeAndDigest() {
        String body = imageManifest(Registry.OCI_MANIFEST);
        String digest = put("head", Registry.OCI_MANIFEST, body);
        given().head("/v2/" + REPO + "/manifests/head").then().statusCode(200)
                .header("Content-Length", String.valueOf(body.length()))
                .header("Content-Type", Registry.OCI_MANIFEST)
                .header("Docker-Content-Digest", digest);
        given().head("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200)
                .header("Content-Type", Registry.OCI_MANIFEST);
    }

    @Test
    void dockerManifestAndListsAndOciIndexKeepTheirContentType() {
        String docker = imageManifest(DOCKER_MANIFEST);
        String dockerDigest = put("docker", DOCKER_MANIFEST, docker);
        given().get("/v2/" + REPO + "/manifests/docker").then().statusCode(200).header("Content-Type", DOCKER_MANIFEST);
        String child = "{\"mediaType\":\"" + DOCKER_MANIFEST + "\",\"digest\":\"" + dockerDigest + "\",\"size\":"
                + docker.length() + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}";
        String list = "{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_LIST + "\",\"manifests\":[" + child + "]}";
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":[" + child + "]}";
        String listDigest = put("list", DOCKER_LIST, list);
        String indexDigest = put("index", OCI_INDEX, index);
        given().get("/v2/" + REPO + "/manifests/list").then().statusCode(200).header("Content-Type", DOCKER_LIST);
        given().get("/v2/" + REPO + "/manifests/" + listDigest).then().statusCode(200).header("Content-Type", DOCKER_LIST);
        given().get("/v2/" + REPO + "/manifests/" + indexDigest).then().statusCode(200).header("Content-Type", OCI_INDEX);
    }

    @Test
    void movingATagServesTheNewManifest() {
        put("moving", Registry.OCI_MANIFEST, imageManifest(Registry.OCI_MANIFEST));
        String second = put("moving", Registry.OCI_MANIFEST, imageManifest(Registry.OCI_MANIFEST));
        given().head("/v2/" + REPO + "/manifests/moving").then().statusCode(200)
                .header("Docker-Content-Digest", second);
    }

    @Test
    void tagsAreContainerdImageRecordsAndManifestsCarryGcLabels() {
        String body = imageManifest(Registry.OCI_MANIFEST);
        String digest = put("recorded", Registry.OCI_MANIFEST, body);
        String images = Ctr.ctr(Path.of(socket), "default", "images", "ls");
        assertTrue(images.contains(REPO + ":recorded") && images.contains(digest), images);
        String content = Ctr.ctr(Path.of(socket), "default", "content", "ls");
        String line = content.lines().filter(l -> l.startsWith(digest)).findFirst().orElseThrow();
        assertTrue(line.contains("containerd.io/gc.ref.content.config=sha256:"), line);
        assertTrue(line.contains("containerd.io/gc.ref.content.l.0=sha256:"), line);
    }

    @Test
    void manifestPushedByDigestIsPinnedByARecord() {
        String body = imageManifest(Registry.OCI_MANIFEST);
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        put(digest, Registry.OCI_MANIFEST, body);
        String images = Ctr.ctr(Path.of(socket), "default", "images", "ls", "-q");
        assertTrue(images.contains(REPO + "@" + digest), images);
        given().get("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200);
    }

    @Test
    void putByDigestThatDoesNotMatchIs400DigestInvalid() {
        String body = imageManifest(Registry.OCI_MANIFEST);
        given().contentType(Registry.OCI_MANIFEST).body(body)
                .put("/v2/" + REPO + "/manifests/sha256:" + "1".repeat(64))
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void referencingAMissingBlobIs404ManifestBlobUnknown() {
        String missing = "sha256:" + "2".repeat(64);
        String body = Registry.manifest(missing, 10);
        given().contentType(Registry.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/missing")
                .then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"));
        given().get("/v2/" + REPO + "/manifests/missing").then().statusCode(404);
    }

    @Test
    void invalidJsonOrSchemaVersionIs400ManifestInvalid() {
        given().contentType(Registry.OCI_MANIFEST).body("{not json").put("/v2/" + REPO + "/manifests/bad")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));
        given().contentType(Registry.OCI_MANIFEST).body("{\"schemaVersion\":1}").put("/v2/" + REPO + "/manifests/bad")
                .then().statusCode(400).body("errors[0].code", equalTo("MANIFEST_INVALID"));
    }

    /** Repeated: the client sends its whole body before it reads, so the answer must outlive the refused body. */
    @org.junit.jupiter.api.RepeatedTest(5)
    void manifestOverTheSizeLimitIsRejectedWhileReading() {
        byte[] huge = new byte[4 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        given().contentType(Registry.OCI_MANIFEST).body(huge).put("/v2/" + REPO + "/manifests/huge")
                .then().statusCode(413).body("errors[0].code", equalTo("MANIFEST_INVALID"));
    }

    @Test
    void unknownTagOrDigestIs404ManifestUnknown() {
        given().get("/v2/" + REPO + "/manifests/no-such-tag").then().statusCode(404)
                .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
        given().head("/v2/" + REPO + "/manifests/sha256:" + "3".repeat(64)).then().statusCode(404);
    }

    @Test
    void pushingToAnInvalidTagIs400TagInvalid() {
        given().contentType(Registry.OCI_MANIFEST).body("{}").put("/v2/" + REPO + "/manifests/-bad-tag")
                .then().statusCode(400).body("errors[0].code", equalTo("TAG_INVALID"));
        given().contentType(Registry.OCI_MANIFEST).body("{}").put("/v2/" + REPO + "/manifests/v1?tag=.bad")
                .then().statusCode(400).body("errors[0].code", equalTo("TAG_INVALID"));
    }

    @Test
    void readingAnInvalidTagIs404ManifestUnknownAsNoSuchTagCanExist() {
        for (String tag : new String[] {"-bad-tag", ".dot", "t".repeat(129), "a%20b"}) {
            given().get("/v2/" + REPO + "/manifests/" + tag).then().statusCode(404)
                    .body("errors[0].code", equalTo("MANIFEST_UNKNOWN"));
            given().head("/v2/" + REPO + "/manifests/" + tag).then().statusCode(404);
        }
    }
}
