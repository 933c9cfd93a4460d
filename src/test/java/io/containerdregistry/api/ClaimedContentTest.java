package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that names a digest containerd already holds, but sends other bytes (or too few, or none), is answered
 * {@code 400 DIGEST_INVALID} and gains nothing: every byte that arrives is checked, whether or not the content is
 * stored already, so knowing a digest does not make another repository's blob readable.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class ClaimedContentTest {

    private static String secret() {
        return "victim's private layer " + UUID.randomUUID();
    }

    private static void notReadable(String repo, String digest) {
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
        given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
    }

    @Test
    void aMonolithicPushOfOtherBytesUnderAStoredDigestIsDigestInvalidAndGrantsNothing() {
        String digest = Registry.pushBlob("claim/victim", secret());
        given().contentType("application/octet-stream").body("not the secret".getBytes(StandardCharsets.UTF_8))
                .post("/v2/claim/thief1/blobs/uploads/?digest=" + digest)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        notReadable("claim/thief1", digest);
        given().get("/v2/claim/victim/blobs/" + digest).then().statusCode(200);
    }

    @Test
    void aMonolithicPushWithNoBodyUnderAStoredDigestIsDigestInvalid() {
        String digest = Registry.pushBlob("claim/victim", secret());
        given().post("/v2/claim/thief2/blobs/uploads/?digest=" + digest)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        notReadable("claim/thief2", digest);
    }

    @Test
    void aTruncatedBodyUnderAStoredDigestIsDigestInvalid() {
        String content = secret();
        String digest = Registry.pushBlob("claim/victim", content);
        given().contentType("application/octet-stream")
                .body(content.substring(0, 10).getBytes(StandardCharsets.UTF_8))
                .post("/v2/claim/thief3/blobs/uploads/?digest=" + digest)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        notReadable("claim/thief3", digest);
    }

    @Test
    void aSessionCompletedUnderAStoredDigestWithOtherBytesIsDigestInvalidAndEndsTheSession() {
        String digest = Registry.pushBlob("claim/victim", secret());
        String location = Registry.startUpload("claim/thief4");
        given().contentType("application/octet-stream").body("ten bytes!".getBytes(StandardCharsets.UTF_8))
                .patch(location).then().statusCode(202);
        given().put(location + "?digest=" + digest)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        notReadable("claim/thief4", digest);
        // the failed session is over, as the reference registry ends it: nothing of it can be completed later
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void anEmptySessionCompletedUnderAStoredDigestIsDigestInvalid() {
        String digest = Registry.pushBlob("claim/victim", secret());
        String location = Registry.startUpload("claim/thief5");
        given().put(location + "?digest=" + digest)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        notReadable("claim/thief5", digest);
    }

    @Test
    void theRightBytesUnderAStoredDigestAreAcceptedAndReadableThroughTheNewRepository() {
        String content = secret();
        String digest = Registry.pushBlob("claim/victim", content);
        Registry.pushBlob("claim/honest", content);
        byte[] read = given().get("/v2/claim/honest/blobs/" + digest).then().statusCode(200).extract().asByteArray();
        org.junit.jupiter.api.Assertions.assertEquals(content, new String(read, StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertEquals(digest, Digest.sha256Of(read).toString());
    }

    @Test
    void theRightBytesInChunksUnderAStoredDigestAreAccepted() {
        String content = secret();
        String digest = Registry.pushBlob("claim/victim", content);
        String location = Registry.startUpload("claim/chunked");
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String next = given().contentType("application/octet-stream").header("Content-Range", "0-9")
                .body(java.util.Arrays.copyOfRange(bytes, 0, 10)).patch(location)
                .then().statusCode(202).extract().header("Location");
        given().contentType("application/octet-stream")
                .body(java.util.Arrays.copyOfRange(bytes, 10, bytes.length))
                .put(next + "?digest=" + digest).then().statusCode(201);
        given().get("/v2/claim/chunked/blobs/" + digest).then().statusCode(200);
    }
}
