package io.containerdregistry.containerd;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A chunked upload keeps its containerd write stream open between chunks (so containerd never re-reads the ingest
 * to resume it), closes it when the upload completes or the stream idles too long, and a chunk after the stream was
 * closed simply reopens the ingest: the blob is right either way.
 */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(ChunkedUploadStreamTest.ShortIdle.class)
class ChunkedUploadStreamTest {
    public static class ShortIdle implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.uploads.idle-stream-timeout", "1s");
        }
    }

    private static final String REPO = "chunked/stream";

    @Inject
    UploadSessions sessions;

    private static String patch(String location, byte[] chunk, long start) {
        return given().body(chunk).contentType("application/octet-stream")
                .header("Content-Range", start + "-" + (start + chunk.length - 1))
                .patch(location).then().statusCode(202).extract().header("Location");
    }

    @Test
    void theStreamStaysOpenBetweenChunksAndClosesWhenTheUploadCompletes() {
        byte[] blob = new byte[3 * 300_000];
        new Random(7).nextBytes(blob);
        String location = Registry.startUpload(REPO);
        assertEquals(0, sessions.parkedStreams());
        location = patch(location, Arrays.copyOfRange(blob, 0, 300_000), 0);
        assertEquals(1, sessions.parkedStreams());
        location = patch(location, Arrays.copyOfRange(blob, 300_000, 600_000), 300_000);
        assertEquals(1, sessions.parkedStreams());
        // a chunk at the wrong offset is refused and leaves the stream usable
        given().body(new byte[10]).contentType("application/octet-stream").header("Content-Range", "5-14")
                .patch(location).then().statusCode(416).header("Range", "0-599999");
        location = patch(location, Arrays.copyOfRange(blob, 600_000, 900_000), 600_000);
        String digest = Digest.of("sha256", blob).toString();
        given().put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest).then().statusCode(201);
        assertEquals(0, sessions.parkedStreams());
        assertArrayEquals(blob, given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }

    @Test
    void anIdleStreamIsClosedAndTheNextChunkReopensTheIngest() throws InterruptedException {
        byte[] blob = new byte[200_000];
        new Random(8).nextBytes(blob);
        String location = patch(Registry.startUpload(REPO), Arrays.copyOfRange(blob, 0, 100_000), 0);
        assertEquals(1, sessions.parkedStreams());
        Thread.sleep(1_800);
        assertEquals(0, sessions.parkedStreams());
        given().get(location).then().statusCode(204).header("Range", "0-99999");
        location = patch(location, Arrays.copyOfRange(blob, 100_000, 200_000), 100_000);
        String digest = Digest.of("sha256", blob).toString();
        given().put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest).then().statusCode(201);
        assertArrayEquals(blob, given().get("/v2/" + REPO + "/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
    }
}
