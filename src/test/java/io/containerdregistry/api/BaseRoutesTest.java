package io.containerdregistry.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class BaseRoutesTest {

    @Test
    void versionCheckAnswers200WithApiVersionHeader() {
        given().get("/v2/").then().statusCode(200)
                .header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void readyzIsOkWhileContainerdAnswers() {
        given().get("/readyz").then().statusCode(200).body(equalTo("OK"));
    }

    @Test
    void unknownEndpointIsAnOciNotFound() {
        given().get("/v2/some/repo/unknown-endpoint").then().statusCode(404)
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .body("errors[0].code", equalTo("NAME_UNKNOWN"));
    }
}
