package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class BlobRoutesTest {
    private static final byte[] CONTENT = "0123456789abcdefghijklmnopqrstuvwxyz-blob-routes".getBytes(StandardCharsets.UTF_8);
    private static final String REPO = "blobtest/app";

    private String push() {
        return Registry.pushBlob(REPO, CONTENT);
    }

    @Test
    void headReportsSizeDigestAndRangeSupportWithoutBody() {
        String digest = push();
        given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", String.valueOf(CONTENT.length))
                .header("Docker-Content-Digest", digest)
                .header("Accept-Ranges", "bytes");
    }

    @Test
    void getServesTheExactBytes() {
        String digest = push();
        byte[] body = given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest)
                .extract().asByteArray();
        assertArrayEquals(CONTENT, body);
    }

    @Test
    void rangeRequestAnswers206WithContentRange() {
        String digest = push();
        byte[] body = given().header("Range", "bytes=2-5").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206)
                .header("Content-Range", "bytes 2-5/" + CONTENT.length)
                .header("Content-Length", "4")
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 2, 6), body);
    }

    @Test
    void aRangeWithAnIfRangeNamingAnotherEntityGetsTheWholeBlob() {
        String digest = push();
        byte[] whole = given().header("Range", "bytes=2-5").header("If-Range", "\"sha256:" + "0".repeat(64) + "\"")
                .get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", String.valueOf(CONTENT.length)).extract().asByteArray();
        assertArrayEquals(CONTENT, whole);
        given().header("Range", "bytes=2-5").header("If-Range", "\"" + digest + "\"")
                .get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(206);
    }

    @Test
    void suffixRangeServesTheTail() {
        String digest = push();
        byte[] body = given().header("Range", "bytes=-3").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(CONTENT, CONTENT.length - 3, CONTENT.length), body);
    }

    @Test
    void rangeBeyondTheBlobIs416() {
        String digest = push();
        given().header("Range", "bytes=" + (CONTENT.length + 10) + "-").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(416)
                .header("Content-Range", "bytes */" + CONTENT.length);
    }

    @Test
    void unknownBlobIs404BlobUnknown() {
        String digest = "sha256:" + "0".repeat(64);
        given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404)
                .body("errors[0].code", equalTo("BLOB_UNKNOWN"));
        given().head("/v2/" + REPO + "/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void malformedDigestIs400DigestInvalid() {
        given().get("/v2/" + REPO + "/blobs/sha256:nothex").then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().get("/v2/" + REPO + "/blobs/md5:" + "0".repeat(32)).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
    }

    @Test
    void invalidRepositoryNameIs400NameInvalid() {
        given().get("/v2/Upper/Case/blobs/sha256:" + "0".repeat(64)).then().statusCode(400)
                .body("errors[0].code", equalTo("NAME_INVALID"));
    }

    @Test
    void largeBlobsAndRangesAreServedFromTheContentDirectory() {
        byte[] blob = new byte[5 * 1024 * 1024 + 7];
        new java.util.Random(11).nextBytes(blob);
        String digest = Registry.pushBlob(REPO, blob);
        assertArrayEquals(blob, given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
        byte[] range = given().header("Range", "bytes=4000000-").get("/v2/" + REPO + "/blobs/" + digest)
                .then().statusCode(206)
                .header("Content-Range", "bytes 4000000-" + (blob.length - 1) + "/" + blob.length)
                .extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(blob, 4000000, blob.length), range);
    }
}
