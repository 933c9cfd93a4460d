package io.containerdregistry.doctor;

import static io.restassured.RestAssured.given;

import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.Prometheus;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Map;

/** Reads the doctor's verdict from {@code /q/health/ready} and its gauges from {@code /q/metrics}. */
final class MirrorSetupHealth {
    private MirrorSetupHealth() {
    }

    /** The {@code containerd-mirror-setup} check's data once the first verdict is in. */
    static Map<String, Object> awaitVerdict() {
        return Http.await(Duration.ofSeconds(30), MirrorSetupHealth::check,
                data -> !"not checked yet".equals(data.get("mirror")));
    }

    /** The whole check: name, status and data. */
    static Map<String, Object> checkResponse() {
        JsonPath health = given().get("/q/health/ready").then().extract().jsonPath();
        return health.getMap("checks.find { it.name == '" + MirrorSetupReadiness.NAME + "' }");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> check() {
        return (Map<String, Object>) checkResponse().get("data");
    }

    static double gauge(String name, Map<String, String> labels) {
        return Prometheus.sum(given().get("/q/metrics").then().extract().asString(), name, labels);
    }

    static double ok(Check check) {
        return gauge("registry_containerd_setup_ok", Map.of("check", check.key()));
    }

    static double problems() {
        return gauge("registry_containerd_setup_problems", Map.of());
    }
}
