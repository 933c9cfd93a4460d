package io.containerdregistry.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonSetConverterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: reg
              annotations:
                prometheus.io/scrape: "true"
                prometheus.io/port: "30020"
            spec:
              clusterIP: None
              ports:
                - name: http
                  port: 30020
                  targetPort: http
            """;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: reg
              labels:
                app.kubernetes.io/name: reg
            spec:
              replicas: 3
              progressDeadlineSeconds: 600
              paused: false
              minReadySeconds: 4
              selector:
                matchLabels:
                  app.kubernetes.io/name: reg
              strategy:
                type: RollingUpdate
                rollingUpdate:
                  maxSurge: 25%
                  maxUnavailable: "2"
              revisionHistoryLimit: 5
              template:
                metadata:
                  labels:
                    app.kubernetes.io/name: reg
                spec:
                  hostNetwork: true
                  containers:
                    - name: reg
                      image: reg:1
                      env:
                        - name: LISTEN_ADDRESS
                          value: ":30020"
            status:
              replicas: 3
            """;

    private static final String SERVICE_ACCOUNT = """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: reg
            """;

    @Test
    void deploymentBecomesDaemonSetWithReplicasDroppedAndStrategyTranslated() throws IOException {
        JsonNode daemonSet = convertOne(DEPLOYMENT);

        assertEquals("DaemonSet", daemonSet.path("kind").asText());
        assertEquals("apps/v1", daemonSet.path("apiVersion").asText());
        assertTrue(daemonSet.path("status").isMissingNode());
        JsonNode spec = daemonSet.path("spec");
        assertEquals(List.of("minReadySeconds", "selector", "updateStrategy", "revisionHistoryLimit", "template"),
                fieldNames(spec), "Deployment-only fields dropped, the others kept in their order");
        JsonNode strategy = spec.path("updateStrategy");
        assertEquals("RollingUpdate", strategy.path("type").asText());
        assertTrue(strategy.path("rollingUpdate").path("maxUnavailable").isInt(), "a numeric string becomes a number");
        assertEquals(2, strategy.path("rollingUpdate").path("maxUnavailable").asInt());
        assertTrue(strategy.path("rollingUpdate").path("maxSurge").isMissingNode(), "no surge on a host port");

        JsonNode original = YAML.readTree(DEPLOYMENT);
        assertEquals(original.path("metadata"), daemonSet.path("metadata"));
        assertEquals(original.path("spec").path("selector"), spec.path("selector"));
        assertEquals(original.path("spec").path("template"), spec.path("template"));
    }

    @Test
    void recreateBecomesEveryPodAtOnce() throws IOException {
        JsonNode daemonSet = convertOne(DEPLOYMENT.replace("""
                    type: RollingUpdate
                    rollingUpdate:
                      maxSurge: 25%
                      maxUnavailable: "2"
                """, """
                    type: Recreate
                """));
        JsonNode strategy = daemonSet.path("spec").path("updateStrategy");
        assertEquals("RollingUpdate", strategy.path("type").asText());
        assertEquals("100%", strategy.path("rollingUpdate").path("maxUnavailable").asText());
    }

    @Test
    void missingStrategyGetsOneNodeAtATimeAndPercentagesStay() throws IOException {
        String withoutStrategy = DEPLOYMENT.replaceAll("(?s)  strategy:.*?maxUnavailable: \"2\"\n", "");
        JsonNode strategy = convertOne(withoutStrategy).path("spec").path("updateStrategy");
        assertEquals(1, strategy.path("rollingUpdate").path("maxUnavailable").asInt());

        JsonNode percent = convertOne(DEPLOYMENT.replace("maxUnavailable: \"2\"", "maxUnavailable: 10%"));
        assertEquals("10%", percent.path("spec").path("updateStrategy").path("rollingUpdate").path("maxUnavailable")
                .asText());
    }

    @Test
    void otherResourcesKeepTheirPlaceAndValuesAndGainOnlyTheApplicationsLabels() throws IOException {
        String input = "---\n" + SERVICE_ACCOUNT + "---\n" + SERVICE + "---\n" + DEPLOYMENT;

        DaemonSetConverter.Result result = DaemonSetConverter.convertYaml(input);

        assertEquals(1, result.converted());
        List<JsonNode> documents = yamlDocuments(result.text());
        assertEquals(List.of("ServiceAccount", "Service", "DaemonSet"),
                documents.stream().map(d -> d.path("kind").asText()).toList());
        assertEquals(labelled(SERVICE_ACCOUNT), documents.get(0));
        assertEquals(labelled(SERVICE), documents.get(1), "string values such as \"true\" stay strings");
        assertFalse(result.text().contains("Deployment"));
    }

    @Test
    void jsonArrayAndListItemsAreConverted() throws IOException {
        ArrayNode array = JSON.createArrayNode().add(YAML.readTree(SERVICE)).add(YAML.readTree(DEPLOYMENT));

        DaemonSetConverter.Result result = DaemonSetConverter.convertJson(JSON.writeValueAsString(array));

        assertEquals(1, result.converted());
        JsonNode converted = JSON.readTree(result.text());
        assertEquals("List", converted.path("kind").asText(), "an array becomes the List kubectl takes");
        assertEquals(labelled(SERVICE), converted.path("items").get(0));
        assertEquals(convertOne(DEPLOYMENT), converted.path("items").get(1), "JSON and YAML give the same DaemonSet");

        String list = JSON.writeValueAsString(JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List")
                .set("items", array));
        JsonNode convertedList = JSON.readTree(DaemonSetConverter.convertJson(list).text());
        assertEquals("DaemonSet", convertedList.path("items").get(1).path("kind").asText());
    }

    @Test
    void onlyAppsV1DeploymentsAreConverted() throws IOException {
        String other = DEPLOYMENT.replace("apiVersion: apps/v1", "apiVersion: example.com/v1");
        DaemonSetConverter.Result result = DaemonSetConverter.convertYaml(other);
        assertEquals(0, result.converted());
        assertEquals(YAML.readTree(other), yamlDocuments(result.text()).get(0));
    }

    @Test
    void filesAreRewrittenInPlaceAndASecondRunChangesNothing(@TempDir Path dir) throws IOException {
        Path yml = dir.resolve("kubernetes.yml");
        Path json = dir.resolve("kubernetes.json");
        Files.writeString(yml, "---\n" + SERVICE + "---\n" + DEPLOYMENT);
        Files.writeString(json, JSON.writeValueAsString(JSON.createArrayNode().add(YAML.readTree(DEPLOYMENT))));

        DaemonSetConverter.main(new String[] {yml.toString(), json.toString()});

        assertEquals("DaemonSet", yamlDocuments(Files.readString(yml)).get(1).path("kind").asText());
        assertEquals("DaemonSet", JSON.readTree(Files.readString(json)).path("items").get(0).path("kind").asText());
        String once = Files.readString(yml);
        String jsonOnce = Files.readString(json);
        assertEquals(0, DaemonSetConverter.convertFile(yml));
        assertEquals(0, DaemonSetConverter.convertFile(json));
        assertEquals(once, Files.readString(yml));
        assertEquals(jsonOnce, Files.readString(json));
    }

    @Test
    void aMissingFileFailsTheBuild(@TempDir Path dir) {
        assertThrows(IOException.class, () -> DaemonSetConverter.convertFile(dir.resolve("kubernetes.yml")));
        assertThrows(IllegalArgumentException.class, () -> DaemonSetConverter.main(new String[0]));
    }

    /** The resource with the application's labels (those of the Deployment) added, as the build step adds them. */
    private static JsonNode labelled(String yaml) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode resource =
                (com.fasterxml.jackson.databind.node.ObjectNode) YAML.readTree(yaml);
        resource.with("metadata").with("labels").put("app.kubernetes.io/name", "reg");
        return resource;
    }

    private static JsonNode convertOne(String yaml) throws IOException {
        DaemonSetConverter.Result result = DaemonSetConverter.convertYaml(yaml);
        return yamlDocuments(result.text()).get(0);
    }

    private static List<JsonNode> yamlDocuments(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
