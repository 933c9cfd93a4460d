package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The spec's push area: sessions, chunks, digests, mounts and manifest tagging. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class PushConformanceTest {
    private static final String REPO = "conformance/push";

    private static byte[] content(String seed) {
        return (seed + "-" + UUID.randomUUID()).repeat(40).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void postAdvertisesTheChunkMinimum() {
        given().post("/v2/" + REPO + "/blobs/uploads/").then().statusCode(202)
                .header("OCI-Chunk-Min-Length", notNullValue());
    }

    @Test
    void overlappingChunkIs416WithTheCurrentRange() {
        byte[] blob = content("overlap");
        String location = Registry.startUpload(REPO);
        given().body(Arrays.copyOfRange(blob, 0, 100)).contentType("application/octet-stream")
                .header("Content-Range", "0-99").patch(location).then().statusCode(202);
        given().body(Arrays.copyOfRange(blob, 50, 150)).contentType("application/octet-stream")
                .header("Content-Range", "50-149").patch(location)
                .then().statusCode(416).header("Range", "0-99");
    }

    @Test
    void retriedChunkIs416AndStatusTellsWhereToResume() {
        byte[] blob = content("retry");
        String digest = Digest.sha256Of(blob).toString();
        String location = Registry.startUpload(REPO);
        given().body(Arrays.copyOfRange(blob, 0, 200)).contentType("application/octet-stream")
                .header("Content-Range", "0-199").patch(location).then().statusCode(202);
        // the client did not see that answer and sends the same chunk again
        given().body(Arrays.copyOfRange(blob, 0, 200)).contentType("application/octet-stream")
                .header("Content-Range", "0-199").patch(location).then().statusCode(416).header("Range", "0-199");
        given().get(location).then().statusCode(204).header("Range", "0-199");
        given().body(Arrays.copyOfRange(blob, 200, blob.length)).contentType("application/octet-stream")
                .header("Content-Range", "200-" + (blob.length - 1))
                .put(location + "?digest=" + digest).then().statusCode(201);
        assertArrayEquals(blob, given().get("/v2/" + REPO + "/blobs/" + digest).asByteArray());
    }

    @Test
    void chunkedUploadWithSha512DigestIsVerifiedAndServedByIt() {
        byte[] blob = content("sha512-chunked");
        String digest = Digest.of("sha512", blob).toString();
        String location = Registry.startUpload(REPO);
        location = given().body(Arrays.copyOfRange(blob, 0, 300)).contentType("application/octet-stream")
                .patch(location).then().statusCode(202).extract().header("Location");
        given().body(Arrays.copyOfRange(blob, 300, blob.length)).contentType("application/octet-stream")
                .put(location + "?digest=" + digest).then().statusCode(201).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest).extract().asByteArray());
    }

    @Test
    void wrongSha512DigestIs400AndNothingIsVisible() {
        byte[] blob = content("sha512-wrong");
        String claimed = Digest.of("sha512", content("other")).toString();
        given().body(blob).contentType("application/octet-stream")
                .post("/v2/" + REPO + "/blobs/uploads/?digest=" + claimed)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/" + REPO + "/blobs/" + claimed).then().statusCode(404);
        given().head("/v2/" + REPO + "/blobs/" + Digest.sha256Of(blob)).then().statusCode(404);

        String location = Registry.startUpload(REPO);
        given().body(blob).contentType("application/octet-stream").patch(location).then().statusCode(202);
        given().put(location + "?digest=" + claimed).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/" + REPO + "/blobs/" + Digest.sha256Of(blob)).then().statusCode(404);
    }

    @Test
    void mountOfAStoredBlobIs201() {
        String digest = Registry.pushBlob("conformance/mount-source", content("mount"));
        given().post("/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=conformance/mount-source")
                .then().statusCode(201)
                .header("Location", "/v2/" + REPO + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200);
    }

    @Test
    void mountOfAnUnknownBlobOrWithoutFromStartsASession() {
        String unknown = Digest.sha256Of(content("nowhere")).toString();
        given().post("/v2/" + REPO + "/blobs/uploads/?mount=" + unknown + "&from=conformance/mount-source")
                .then().statusCode(202).header("Location", startsWith("/v2/" + REPO + "/blobs/uploads/"));
        String stored = Registry.pushBlob("conformance/mount-source", content("no-from"));
        given().post("/v2/" + REPO + "/blobs/uploads/?mount=" + stored)
                .then().statusCode(202).header("Location", startsWith("/v2/" + REPO + "/blobs/uploads/"));
    }

    @Test
    void manifestPutByDigestWithTagParametersTagsIt() {
        String config = "{\"t\":\"" + UUID.randomUUID() + "\"}";
        String body = Registry.manifest(Registry.pushBlob(REPO, config), config.length());
        String digest = Digest.sha256Of(body.getBytes(StandardCharsets.UTF_8)).toString();
        given().contentType(Registry.OCI_MANIFEST).body(body)
                .put("/v2/" + REPO + "/manifests/" + digest + "?tag=first&tag=second")
                .then().statusCode(201).header("Docker-Content-Digest", digest);
        given().head("/v2/" + REPO + "/manifests/first").then().statusCode(200).header("Docker-Content-Digest", digest);
        given().head("/v2/" + REPO + "/manifests/second").then().statusCode(200).header("Docker-Content-Digest", digest);
    }

    @Test
    void manifestWithSubjectIsAnsweredWithOciSubject() {
        String subject = "sha256:" + "6".repeat(64);
        String config = Registry.pushBlob(REPO, "{}");
        String body = "{\"schemaVersion\":2,\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + config + "\",\"size\":2},\"layers\":[],"
                + "\"subject\":{\"mediaType\":\"" + Registry.OCI_MANIFEST + "\",\"digest\":\"" + subject
                + "\",\"size\":123}}";
        given().contentType(Registry.OCI_MANIFEST).body(body).put("/v2/" + REPO + "/manifests/with-subject")
                .then().statusCode(201).header("OCI-Subject", subject);
    }

    @Test
    void invalidMountDigestOrFromNameIs400() {
        given().post("/v2/" + REPO + "/blobs/uploads/?mount=sha256:zz&from=a").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().post("/v2/" + REPO + "/blobs/uploads/?mount=sha256:" + "a".repeat(64) + "&from=BAD")
                .then().statusCode(400).body("errors[0].code", equalTo("NAME_INVALID"));
    }
}
