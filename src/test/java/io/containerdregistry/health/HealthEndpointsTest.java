package io.containerdregistry.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.containerdregistry.testing.ContainerdTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(ContainerdTestResource.class)
class HealthEndpointsTest {

    @Test
    void readinessIsUpWithContainerdsVersionWhileContainerdAnswers() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'containerd' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'containerd' }.data.version", notNullValue());
    }

    @Test
    void livenessIsUpAndDoesNotAskContainerd() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("registry"))
                .body("checks.name", not(hasItem("containerd")));
    }
}
