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
 * An upload session belongs to the repository that opened it: through any other repository's path it is unknown
 * ({@code 404 BLOB_UPLOAD_UNKNOWN}) for every method, and what is sent there never lands anywhere.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class UploadSessionOwnershipTest {

    /** The same session id, addressed through another repository. */
    private static String through(String location, String repo) {
        return "/v2/" + repo + "/blobs/uploads/" + location.substring(location.lastIndexOf('/') + 1);
    }

    private static void unknownUpload(io.restassured.response.Response response) {
        response.then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }

    @Test
    void anotherRepositoryCannotPatchCompleteReadOrCancelASession() {
        byte[] blob = ("alice's layer " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256Of(blob).toString();
        String location = Registry.startUpload("own/alice");
        String stolen = through(location, "own/mallory");

        unknownUpload(given().contentType("application/octet-stream").body(blob).patch(stolen));
        unknownUpload(given().get(stolen));
        unknownUpload(given().contentType("application/octet-stream").body(blob).put(stolen + "?digest=" + digest));
        unknownUpload(given().delete(stolen));
        given().head("/v2/own/mallory/blobs/" + digest).then().statusCode(404);

        // the owner's session is untouched by all of that
        given().get(location).then().statusCode(204).header("Range", "0-0");
        given().contentType("application/octet-stream").body(blob).put(location + "?digest=" + digest)
                .then().statusCode(201);
        given().get("/v2/own/alice/blobs/" + digest).then().statusCode(200);
        given().head("/v2/own/mallory/blobs/" + digest).then().statusCode(404);
    }

    @Test
    void aSessionWrittenToIsStillBoundAfterItsStreamIsParked() {
        byte[] first = "0123456789".getBytes(StandardCharsets.UTF_8);
        String location = Registry.startUpload("own/bob");
        String next = given().contentType("application/octet-stream").body(first).patch(location)
                .then().statusCode(202).header("Range", "0-9").extract().header("Location");
        String stolen = through(next, "own/eve");
        unknownUpload(given().get(stolen));
        unknownUpload(given().contentType("application/octet-stream").header("Content-Range", "10-12")
                .body("abc".getBytes(StandardCharsets.UTF_8)).patch(stolen));
        unknownUpload(given().delete(stolen));
        given().get(next).then().statusCode(204).header("Range", "0-9");
        String digest = Digest.sha256Of(first).toString();
        given().put(next + "?digest=" + digest).then().statusCode(201);
    }
}
