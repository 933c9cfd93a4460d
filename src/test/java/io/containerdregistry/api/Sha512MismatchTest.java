package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A sha512 upload whose bytes do not match (checked by reading the committed content back, when the blob arrived in
 * more than one request) is answered {@code DIGEST_INVALID} and grants nothing, and it never deletes content: a
 * concurrent correct upload of the same bytes keeps what it was promised.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class Sha512MismatchTest {
    private static final String WRONG_SHA512 = "sha512:" + "ab".repeat(64);

    private static byte[] content(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A session holding the content, written in one PATCH; returns the location to complete it at. */
    private static String patched(String repo, byte[] content) {
        return given().contentType("application/octet-stream").body(content)
                .patch(Registry.startUpload(repo)).then().statusCode(202).extract().header("Location");
    }

    @Test
    void aWrongSha512CompletionGrantsNothingUnderTheContentsSha256() {
        byte[] content = content(System.nanoTime(), 4096);
        String location = patched("sha512/liar", content);
        given().put(location + "?digest=" + WRONG_SHA512).then().statusCode(400)
                .body("errors[0].code", equalTo("DIGEST_INVALID"));
        given().head("/v2/sha512/liar/blobs/" + Digest.sha256Of(content)).then().statusCode(404);
        given().head("/v2/sha512/liar/blobs/" + WRONG_SHA512).then().statusCode(404);
        // nothing was deleted to undo it (a concurrent correct upload may own those bytes): the content stays in
        // containerd, readable through no repository, until the lease that holds it ends
        org.junit.jupiter.api.Assertions.assertTrue(io.containerdregistry.testing.Ctr.stored(socket(), "default",
                Digest.sha256Of(content).toString()));
    }

    private static java.nio.file.Path socket() {
        return java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("registry.containerd.address", String.class));
    }

    @Test
    void aRightSha512CompletionAfterAPatchIsReadableUnderBothDigests() {
        byte[] content = content(System.nanoTime(), 4096);
        String sha512 = Digest.of("sha512", content).toString();
        String location = patched("sha512/honest", content);
        given().put(location + "?digest=" + sha512).then().statusCode(201).header("Docker-Content-Digest", sha512);
        assertArrayEquals(content, given().get("/v2/sha512/honest/blobs/" + sha512).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void aWrongSha512UploadNeverTakesAwayAConcurrentCorrectUploadOfTheSameBytes() {
        List<byte[]> contents = new ArrayList<>();
        List<CompletableFuture<Integer>> liars = new ArrayList<>();
        List<CompletableFuture<Integer>> honest = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] content = content(System.nanoTime() + i, 3 << 20);
            contents.add(content);
            String location = patched("sha512/racer", content);
            String digest = Digest.sha256Of(content).toString();
            liars.add(CompletableFuture.supplyAsync(
                    () -> given().put(location + "?digest=" + WRONG_SHA512).statusCode()));
            honest.add(CompletableFuture.supplyAsync(() -> given().contentType("application/octet-stream")
                    .body(content).post("/v2/sha512/victim/blobs/uploads/?digest=" + digest).statusCode()));
        }
        for (int i = 0; i < contents.size(); i++) {
            assertEquals(400, liars.get(i).join());
            assertEquals(201, honest.get(i).join());
        }
        io.containerdregistry.testing.Ctr.collectGarbage(socket(), "default");
        for (byte[] content : contents) {
            byte[] read = given().get("/v2/sha512/victim/blobs/" + Digest.sha256Of(content)).then().statusCode(200)
                    .extract().asByteArray();
            assertArrayEquals(content, read);
        }
    }
}
