package io.containerdregistry.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build step's finishing touches: labels on every object, locked-down init containers. */
class ManifestFinisherTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final String WORKLOAD = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: reg
              labels:
                app.kubernetes.io/name: reg
                app.kubernetes.io/part-of: reg-suite
                team: not-an-application-label
            spec:
              template:
                spec:
                  containers:
                    - name: main
                      securityContext:
                        readOnlyRootFilesystem: true
                        capabilities:
                          drop: [ALL]
                  initContainers:
                    - name: bare
                    - name: own
                      securityContext:
                        runAsUser: 1000
                      resources:
                        limits:
                          memory: 1Gi
            """;

    @Test
    void initContainersGetTheMainContainersSecurityContextAndSmallResourcesUnlessTheyHaveTheirOwn() throws IOException {
        JsonNode workload = YAML.readTree(WORKLOAD);
        ManifestFinisher.finish(List.of(workload));
        JsonNode inits = workload.path("spec").path("template").path("spec").path("initContainers");
        assertEquals(workload.path("spec").path("template").path("spec").path("containers").get(0)
                .path("securityContext"), inits.get(0).path("securityContext"));
        assertEquals("128Mi", inits.get(0).path("resources").path("limits").path("memory").asText());
        assertEquals("10m", inits.get(0).path("resources").path("requests").path("cpu").asText());
        assertEquals(1000, inits.get(1).path("securityContext").path("runAsUser").asInt());
        assertEquals("1Gi", inits.get(1).path("resources").path("limits").path("memory").asText());
    }

    @Test
    void everyObjectGetsTheWorkloadsApplicationLabelsWithoutLosingItsOwn() throws IOException {
        JsonNode role = YAML.readTree("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: r
                  labels:
                    app.kubernetes.io/name: its-own
                """);
        JsonNode binding = YAML.readTree("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: b
                """);
        ManifestFinisher.finish(List.of(YAML.readTree(WORKLOAD), role, binding));
        assertEquals("its-own", role.path("metadata").path("labels").path("app.kubernetes.io/name").asText());
        assertEquals("reg-suite", role.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText());
        assertEquals("reg", binding.path("metadata").path("labels").path("app.kubernetes.io/name").asText());
        assertEquals(2, binding.path("metadata").path("labels").size(), "only app.kubernetes.io/* labels");
    }
}
