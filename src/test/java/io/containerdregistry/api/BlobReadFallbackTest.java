package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Without containerd's content directory the registry streams blobs through containerd's Read service: whole
 * blobs larger than one message and ranges come back exact.
 */
@QuarkusTest
@WithTestResource(value = ContainerdTestResource.class, initArgs = @ResourceArg(name = "zero-copy", value = "false"))
class BlobReadFallbackTest {

    @Test
    void blobsAndRangesStreamThroughContainerdWhenTheContentDirectoryIsNotMounted() {
        byte[] blob = new byte[3 * 1024 * 1024 + 123];
        new Random(7).nextBytes(blob);
        String digest = Registry.pushBlob("fallback/app", blob);
        assertArrayEquals(blob, given().get("/v2/fallback/app/blobs/" + digest).then().statusCode(200)
                .extract().asByteArray());
        byte[] range = given().header("Range", "bytes=1048570-2097160").get("/v2/fallback/app/blobs/" + digest)
                .then().statusCode(206).extract().asByteArray();
        assertArrayEquals(Arrays.copyOfRange(blob, 1048570, 2097161), range);
    }
}
