package io.containerdregistry.api;

import static io.restassured.RestAssured.given;

import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** Every response carries the headers that stop browsers from sniffing, framing or leaking referrers. */
@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class SecurityHeadersTest {

    private static void hasSecurityHeaders(ValidatableResponse response) {
        response.header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer");
    }

    @Test
    void registryAnswersCarrySecurityHeaders() {
        hasSecurityHeaders(given().get("/v2/").then().statusCode(200));
        hasSecurityHeaders(given().get("/v2/no/such/manifests/v1").then().statusCode(404));
    }

    @Test
    void operationalEndpointsCarrySecurityHeaders() {
        hasSecurityHeaders(given().get("/readyz").then().statusCode(200));
        hasSecurityHeaders(given().get("/q/health/ready").then().statusCode(200));
        hasSecurityHeaders(given().get("/q/metrics").then().statusCode(200));
        hasSecurityHeaders(given().get("/not-an-endpoint").then().statusCode(404));
    }

    @Test
    void withoutAuthConfigurationNoCredentialIsAskedFor() {
        given().get("/v2/_catalog").then().statusCode(200);
        given().get("/token").then().statusCode(404);
    }
}
