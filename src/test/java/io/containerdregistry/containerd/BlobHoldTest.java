package io.containerdregistry.containerd;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Ctr;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Every {@code 201} for a blob (a push, also late in a long session or of content already stored, and a mount)
 * keeps the blob readable through that repository for at least {@code BLOB_LEASE_EXPIRATION} counted from the
 * {@code 201}, whatever containerd's garbage collector and other repositories' deletes do meanwhile. Here the
 * expiration is 8 s and garbage is collected on purpose just before it ends.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(BlobHoldTest.ShortHolds.class)
class BlobHoldTest {
    private static final long LIFETIME_MS = 8000;
    /** When, after a 201, garbage is collected and the blob read back: well inside its promised lifetime. */
    private static final long CHECK_AFTER_MS = LIFETIME_MS - 2000;

    public static class ShortHolds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.uploads.lease-expiration", LIFETIME_MS / 1000 + "s", "registry.allow-delete", "true");
        }
    }

    @ConfigProperty(name = "registry.containerd.address")
    String socket;

    private static byte[] unique(String what) {
        return (what + " " + UUID.randomUUID()).repeat(20).getBytes(StandardCharsets.UTF_8);
    }

    private static void sleepUntil(long atMillis) throws InterruptedException {
        long wait = atMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private void collectGarbage() {
        Ctr.collectGarbage(Path.of(socket), "default");
    }

    private static void readable(String repo, byte[] content) {
        byte[] read = given().get("/v2/" + repo + "/blobs/" + Digest.sha256Of(content)).then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(content, read);
    }

    @Test
    void aBlobCommittedLateInItsSessionIsKeptALifetimeFromItsCreated() throws InterruptedException {
        byte[] content = unique("late");
        String location = Registry.startUpload("hold/late");
        String next = given().contentType("application/octet-stream").body(Arrays.copyOfRange(content, 0, 10))
                .patch(location).then().statusCode(202).extract().header("Location");
        Thread.sleep(LIFETIME_MS - 1500);
        given().contentType("application/octet-stream").body(Arrays.copyOfRange(content, 10, content.length))
                .put(next + "?digest=" + Digest.sha256Of(content)).then().statusCode(201);
        long created = System.currentTimeMillis();
        sleepUntil(created + CHECK_AFTER_MS);
        collectGarbage();
        readable("hold/late", content);
    }

    @Test
    void aMountIsKeptALifetimeFromItsCreated() throws InterruptedException {
        byte[] content = unique("mounted");
        String digest = Registry.pushBlob("hold/source", content);
        Thread.sleep(LIFETIME_MS - 2000);
        given().post("/v2/hold/mounted/blobs/uploads/?mount=" + digest + "&from=hold/source").then().statusCode(201);
        long created = System.currentTimeMillis();
        sleepUntil(created + CHECK_AFTER_MS);
        collectGarbage();
        readable("hold/mounted", content);
    }

    @Test
    void aPushOfContentAlreadyStoredIsKeptALifetimeFromItsCreated() throws InterruptedException {
        byte[] content = unique("again");
        Registry.pushBlob("hold/first", content);
        Thread.sleep(LIFETIME_MS - 2000);
        Registry.pushBlob("hold/second", content);
        long created = System.currentTimeMillis();
        sleepUntil(created + CHECK_AFTER_MS);
        collectGarbage();
        readable("hold/second", content);
    }

    @Test
    void aBlobDeleteInOneRepositoryNeverTakesAwayAPushIntoAnother() {
        List<byte[]> contents = new ArrayList<>();
        List<CompletableFuture<int[]>> pairs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] content = unique("raced " + i);
            contents.add(content);
            String digest = Registry.pushBlob("hold/deleter", content);
            CompletableFuture<Integer> delete = CompletableFuture.supplyAsync(
                    () -> given().delete("/v2/hold/deleter/blobs/" + digest).statusCode());
            CompletableFuture<Integer> push = CompletableFuture.supplyAsync(() -> given()
                    .contentType("application/octet-stream").body(content)
                    .post("/v2/hold/pusher/blobs/uploads/?digest=" + digest).statusCode());
            pairs.add(delete.thenCombine(push, (d, p) -> new int[] {d, p}));
        }
        for (CompletableFuture<int[]> pair : pairs) {
            int[] statuses = pair.join();
            assertEquals(202, statuses[0]);
            assertEquals(201, statuses[1]);
        }
        collectGarbage();
        for (byte[] content : contents) {
            readable("hold/pusher", content);
            given().head("/v2/hold/deleter/blobs/" + Digest.sha256Of(content)).then().statusCode(404);
        }
    }
}
