package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.Http;
import io.containerdregistry.testing.PackagedRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * containerd dies and comes back under a running registry: readiness goes DOWN with the reason within seconds,
 * liveness stays UP, and once containerd answers again on the same socket readiness is UP and pushes work, without
 * restarting the registry. The log says it twice, a WARN when containerd goes and an INFO when it is back, with no
 * stack trace.
 */
class ContainerdOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readinessFollowsContainerdAndTheRegistryRecoversWithoutARestart() throws Exception {
        Path work = Path.of("target", "it-outage").toAbsolutePath();
        try (LocalContainerd containerd = LocalContainerd.start(work.resolve("containerd"));
                PackagedRegistry registry = PackagedRegistry.start(work, "256m",
                        Map.of("CONTAINERD_ADDRESS", containerd.socket().toString()))) {
            HttpClient client = Http.client();
            assertEquals(200, Http.get(client, registry.uri("/q/health/ready")).statusCode());

            containerd.kill();
            long killed = System.nanoTime();
            HttpResponse<String> down = Http.await(Duration.ofSeconds(15),
                    () -> Http.get(client, registry.uri("/q/health/ready")), r -> r.statusCode() == 503);
            double secondsToDown = (System.nanoTime() - killed) / 1e9;
            JsonNode health = JSON.readTree(down.body());
            assertEquals("DOWN", health.get("status").asText(), down.body());
            JsonNode check = containerdCheck(health);
            assertEquals("DOWN", check.get("status").asText(), down.body());
            assertTrue(check.get("data").get("reason").asText().contains("containerd"), down.body());
            HttpResponse<String> readyz = Http.get(client, registry.uri("/readyz"));
            assertEquals(503, readyz.statusCode());
            assertTrue(readyz.body().startsWith("containerd not ready"), readyz.body());
            assertEquals(200, Http.get(client, registry.uri("/q/health/live")).statusCode(), "liveness ignores containerd");

            containerd.restart();
            long restarted = System.nanoTime();
            HttpResponse<String> up = Http.await(Duration.ofSeconds(15),
                    () -> Http.get(client, registry.uri("/q/health/ready")), r -> r.statusCode() == 200);
            double secondsToUp = (System.nanoTime() - restarted) / 1e9;
            assertEquals("UP", containerdCheck(JSON.readTree(up.body())).get("status").asText(), up.body());
            assertEquals(200, Http.get(client, registry.uri("/readyz")).statusCode());

            byte[] blob = ("pushed after containerd came back " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
            String digest = Http.pushBlob(client, registry, "outage/app", blob);
            HttpResponse<String> pulled = Http.get(client, registry.uri("/v2/outage/app/blobs/" + digest));
            assertEquals(200, pulled.statusCode());
            assertEquals(new String(blob, StandardCharsets.UTF_8), pulled.body());
            assertTrue(registry.process().isAlive(), "the registry was never restarted");
            String log = registry.log();
            assertEquals(1, log.lines().filter(line -> line.contains(" WARN ")
                    && line.contains("containerd at " + containerd.socket() + " is unreachable")).count(), log);
            assertEquals(1, log.lines().filter(line -> line.contains(" INFO ")
                    && line.contains("containerd at " + containerd.socket() + " is reachable again")).count(), log);
            assertTrue(log.lines().noneMatch(line -> line.startsWith("\tat ")), "a stack trace in the log:\n" + log);
            System.out.printf("containerd outage: readiness DOWN %.2f s after the kill, UP %.2f s after the restart%n",
                    secondsToDown, secondsToUp);
        }
    }

    private static JsonNode containerdCheck(JsonNode health) {
        for (JsonNode check : health.get("checks")) {
            if (check.get("name").asText().equals("containerd")) {
                return check;
            }
        }
        throw new AssertionError("no containerd check in " + health);
    }
}
