package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class RequestIdHeaderTest {

    @Test
    void everyResponseCarriesAGeneratedRequestId() {
        given().get("/v2/").then().statusCode(200).header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
        given().get("/v2/no/such/endpoint").then().statusCode(404).header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
        given().get("/q/health/live").then().statusCode(200).header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void saneIncomingRequestIdIsEchoed() {
        given().header("X-Request-Id", "client-42.abc").get("/v2/").then().statusCode(200)
                .header("X-Request-Id", equalTo("client-42.abc"));
    }

    @Test
    void unsafeIncomingRequestIdIsReplaced() {
        given().header("X-Request-Id", "a b \"c\"").get("/v2/").then().statusCode(200)
                .header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
    }
}
