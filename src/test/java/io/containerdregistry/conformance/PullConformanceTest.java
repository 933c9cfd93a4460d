package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The spec's pull area: manifests of every kind and blobs, by tag and by digest, in sha256 and sha512. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class PullConformanceTest {
    private static final String REPO = "conformance/pull";
    private static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";

    private static String unique() {
        return UUID.randomUUID().toString();
    }

    @Test
    void manifestWithoutMediaTypeFieldIsServedWithThePushedContentTypeAlsoByDigest() {
        String config = "{\"u\":\"" + unique() + "\"}";
        String configDigest = Registry.pushBlob(REPO, config);
        String body = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\"" + configDigest + "\",\"size\":" + config.length() + "},\"layers\":[]}";
        String digest = Registry.putManifest(REPO, "no-media-type", Registry.OCI_MANIFEST, body);
        given().get("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200)
                .header("Content-Type", Registry.OCI_MANIFEST).body(equalTo(body));
        given().head("/v2/" + REPO + "/manifests/no-media-type").then().statusCode(200)
                .header("Content-Type", Registry.OCI_MANIFEST);
    }

    @Test
    void artifactWithEmptyConfigAndNoLayersPullsByteExact() {
        String digestOfEmpty = Registry.pushBlob(REPO, "{}");
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example.sbom\",\"config\":{\"mediaType\":\"" + EMPTY_CONFIG + "\",\"digest\":\""
                + digestOfEmpty + "\",\"size\":2},\"layers\":[],\"annotations\":{\"u\":\"" + unique() + "\"}}";
        String digest = Registry.putManifest(REPO, "artifact", Registry.OCI_MANIFEST, body);
        assertEquals(Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString(), digest);
        given().get("/v2/" + REPO + "/manifests/artifact").then().statusCode(200).body(equalTo(body));
    }

    @Test
    void artifactWithAnyConfigMediaTypePushesAndPulls() {
        String config = "custom config " + unique();
        String configDigest = Registry.pushBlob(REPO, config);
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.example.config+text\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length() + "},\"layers\":[]}";
        Registry.putManifest(REPO, "custom-config", Registry.OCI_MANIFEST, body);
        given().get("/v2/" + REPO + "/manifests/custom-config").then().statusCode(200).body(equalTo(body));
    }

    @Test
    void layersWithUrlsNeedNotBeStored() {
        String config = "{\"u\":\"" + unique() + "\"}";
        String configDigest = Registry.pushBlob(REPO, config);
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length() + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.nondistributable.v1.tar\","
                + "\"digest\":\"sha256:" + "4".repeat(64) + "\",\"size\":10,\"urls\":[\"https://example.com/layer\"]}]}";
        Registry.putManifest(REPO, "foreign-layer", Registry.OCI_MANIFEST, body);
    }

    @Test
    void indexReferencingAMissingChildManifestIs404ManifestBlobUnknown() {
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                + "[{\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"digest\":\"sha256:" + "5".repeat(64)
                + "\",\"size\":100}]}";
        given().contentType("application/vnd.oci.image.index.v1+json").body(index)
                .put("/v2/" + REPO + "/manifests/broken-index")
                .then().statusCode(404).body("errors[0].code", equalTo("MANIFEST_BLOB_UNKNOWN"));
    }

    @Test
    void sha512BlobIsServedByItsSha512Digest() {
        byte[] blob = ("sha512 blob " + unique()).repeat(10).getBytes(StandardCharsets.UTF_8);
        String digest = Registry.pushBlob(REPO, blob, "sha512");
        byte[] served = given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest)
                .header("Content-Length", String.valueOf(blob.length))
                .extract().asByteArray();
        assertArrayEquals(blob, served);
        given().head("/v2/" + REPO + "/blobs/" + Digest.sha256Of(blob)).then().statusCode(200);
    }

    @Test
    void manifestPushedBySha512DigestPullsByIt() {
        String config = "{\"u\":\"" + unique() + "\"}";
        String configDigest = Registry.pushBlob(REPO, config.getBytes(StandardCharsets.UTF_8), "sha512");
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                + config.length() + "},\"layers\":[]}";
        String digest = Digest.of("sha512", body.getBytes(StandardCharsets.UTF_8)).toString();
        Registry.putManifest(REPO, digest, Registry.OCI_MANIFEST, body);
        given().get("/v2/" + REPO + "/manifests/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest)
                .header("Content-Type", Registry.OCI_MANIFEST)
                .body(equalTo(body));
    }

    @Test
    void unsupportedDigestAlgorithmIs400DigestInvalid() {
        given().get("/v2/" + REPO + "/blobs/sha384:" + "a".repeat(96)).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().get("/v2/" + REPO + "/manifests/sha256:short").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }
}
