package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class UploadRoutesTest {
    private static final String REPO = "uploadtest/app";

    private static byte[] content(String seed) {
        return (seed + "-" + UUID.randomUUID()).repeat(50).getBytes(StandardCharsets.UTF_8);
    }

    private static String startSession() {
        return given().post("/v2/" + REPO + "/blobs/uploads/").then().statusCode(202)
                .header("Location", startsWith("/v2/" + REPO + "/blobs/uploads/"))
                .header("Range", "0-0")
                .header("Docker-Upload-UUID", notNullValue())
                .extract().header("Location");
    }

    private static void assertStored(String digest, byte[] content) {
        byte[] body = given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).extract().asByteArray();
        assertArrayEquals(content, body);
    }

    @Test
    void postStartsASessionWithLocationAndEmptyRange() {
        startSession();
    }

    @Test
    void monolithicPostWithDigestStoresTheBlob() {
        byte[] blob = content("mono");
        String digest = Digest.sha256Of(blob).toString();
        given().body(blob).contentType("application/octet-stream")
                .post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest)
                .then().statusCode(201)
                .header("Location", "/v2/" + REPO + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest);
        assertStored(digest, blob);
    }

    @Test
    void monolithicPostWithWrongDigestIs400AndStoresNothing() {
        byte[] blob = content("wrong");
        String claimed = Digest.sha256Of("something else".getBytes(StandardCharsets.UTF_8)).toString();
        given().body(blob).contentType("application/octet-stream")
                .post("/v2/" + REPO + "/blobs/uploads/?digest=" + claimed)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/" + REPO + "/blobs/" + claimed).then().statusCode(404);
    }

    @Test
    void streamedPatchWithoutContentRangeThenPutCommits() {
        byte[] blob = content("streamed");
        String digest = Digest.sha256Of(blob).toString();
        String location = startSession();
        String next = given().body(blob).contentType("application/octet-stream").patch(location)
                .then().statusCode(202)
                .header("Range", "0-" + (blob.length - 1))
                .extract().header("Location");
        given().put(next + "?digest=" + digest).then().statusCode(201)
                .header("Docker-Content-Digest", digest);
        assertStored(digest, blob);
    }

    @Test
    void chunkedPatchesWithContentRangeThenPutWithFinalChunk() {
        byte[] blob = content("chunked");
        String digest = Digest.sha256Of(blob).toString();
        int a = blob.length / 3;
        int b = 2 * blob.length / 3;
        String location = startSession();
        location = given().body(Arrays.copyOfRange(blob, 0, a)).contentType("application/octet-stream")
                .header("Content-Range", "0-" + (a - 1)).patch(location)
                .then().statusCode(202).header("Range", "0-" + (a - 1)).extract().header("Location");
        location = given().body(Arrays.copyOfRange(blob, a, b)).contentType("application/octet-stream")
                .header("Content-Range", a + "-" + (b - 1)).patch(location)
                .then().statusCode(202).header("Range", "0-" + (b - 1)).extract().header("Location");
        given().body(Arrays.copyOfRange(blob, b, blob.length)).contentType("application/octet-stream")
                .header("Content-Range", b + "-" + (blob.length - 1))
                .put(location + "?digest=" + digest)
                .then().statusCode(201).header("Location", "/v2/" + REPO + "/blobs/" + digest);
        assertStored(digest, blob);
    }

    @Test
    void patchAtTheWrongOffsetIs416WithTheStoredRange() {
        byte[] blob = content("offset");
        String location = startSession();
        given().body(Arrays.copyOfRange(blob, 0, 10)).contentType("application/octet-stream")
                .header("Content-Range", "0-9").patch(location).then().statusCode(202);
        given().body(Arrays.copyOfRange(blob, 20, 30)).contentType("application/octet-stream")
                .header("Content-Range", "20-29").patch(location)
                .then().statusCode(416).header("Range", "0-9")
                .body("errors[0].code", equalTo("BLOB_UPLOAD_INVALID"));
    }

    @Test
    void statusAnswers204WithTheStoredRange() {
        String location = startSession();
        given().body(new byte[100]).contentType("application/octet-stream").patch(location).then().statusCode(202);
        given().get(location).then().statusCode(204)
                .header("Range", "0-99")
                .header("Location", location);
    }

    @Test
    void deleteCancelsTheSession() {
        String location = startSession();
        given().delete(location).then().statusCode(204);
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void putWithWrongDigestIs400AndTheBlobStaysUnknown() {
        byte[] blob = content("put-wrong");
        String claimed = Digest.sha256Of(content("other")).toString();
        String location = startSession();
        given().body(blob).contentType("application/octet-stream").put(location + "?digest=" + claimed)
                .then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/" + REPO + "/blobs/" + claimed).then().statusCode(404);
    }

    @Test
    void putWithoutDigestIs400() {
        String location = startSession();
        given().put(location).then().statusCode(400).body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void unknownUploadIdIs404BlobUploadUnknown() {
        String location = "/v2/" + REPO + "/blobs/uploads/" + UUID.randomUUID();
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        given().body(new byte[10]).contentType("application/octet-stream").patch(location)
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        given().put(location + "?digest=sha256:" + "a".repeat(64))
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        given().get("/v2/" + REPO + "/blobs/uploads/not-a-uuid")
                .then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void completedSessionIsNoLongerKnown() {
        byte[] blob = content("done");
        String digest = Digest.sha256Of(blob).toString();
        String location = startSession();
        Response put = given().body(blob).contentType("application/octet-stream").put(location + "?digest=" + digest);
        put.then().statusCode(201);
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void emptyBlobPushesAndPulls() {
        String digest = Digest.sha256Of(new byte[0]).toString();
        String location = startSession();
        given().put(location + "?digest=" + digest).then().statusCode(201);
        given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200).header("Content-Length", "0");
    }
}
