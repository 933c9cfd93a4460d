package io.containerdregistry.conformance;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Registry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An upload session ends with its lease: once {@code BLOB_LEASE_EXPIRATION} passes it is 404. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
@TestProfile(UploadExpiryTest.ShortLeases.class)
class UploadExpiryTest {

    public static class ShortLeases implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("registry.uploads.lease-expiration", "3s");
        }
    }

    @Test
    void expiredSessionIs404BlobUploadUnknown() throws InterruptedException {
        String location = Registry.startUpload("conformance/expiry");
        given().body(new byte[10]).contentType("application/octet-stream").patch(location).then().statusCode(202);
        Thread.sleep(5000);
        given().get(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
        given().body(new byte[10]).contentType("application/octet-stream").header("Content-Range", "10-19")
                .patch(location).then().statusCode(404).body("errors[0].code", equalTo("BLOB_UPLOAD_UNKNOWN"));
    }
}
