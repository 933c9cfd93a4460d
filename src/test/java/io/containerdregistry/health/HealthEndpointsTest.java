package io.containerdregistry.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.containerdregistry.testing.ContainerdTestResource;
import io.containerdregistry.testing.Http;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
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

    /** The test harness' containerd runs without its CRI plugin: a finding, not a reason to be unready. */
    @Test
    void theMirrorSetupCheckReportsThatKubeletDoesNotUseAContainerdWithoutCriAndStaysUp() {
        String check = "checks.find { it.name == 'containerd-mirror-setup' }";
        Http.await(Duration.ofSeconds(30), () -> given().get("/q/health/ready").then().extract().jsonPath()
                .getString(check + ".data.mirror"), mirror -> !"not checked yet".equals(mirror));

        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(check + ".status", equalTo("UP"))
                .body(check + ".data.mirror", equalTo("not used"))
                .body(check + ".data.cri", startsWith("problem: no CRI plugin: kubelet does not use this containerd; fix: "))
                .body(check + ".data.config_path", equalTo("unknown: not known without the CRI plugin"));
    }

    @Test
    void livenessIsUpAndDoesNotAskContainerd() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("registry"))
                .body("checks.name", not(hasItem("containerd")));
    }
}
