package io.containerdregistry.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Build step that turns the {@code Deployment} quarkus-kubernetes generates into a {@code DaemonSet}, in place, in
 * {@code target/kubernetes/kubernetes.yml} and {@code kubernetes.json}. quarkus-kubernetes 3.33 has no DaemonSet
 * kind, so the generator (with the skeleton in {@code src/main/kubernetes}) decorates a Deployment and this step
 * renames it; the pom runs it in the {@code package} phase right after {@code quarkus:build}. It is build tooling
 * (compiled from {@code src/build/java}) and never part of the application.
 *
 * <p>Every {@code apps/v1} Deployment, also inside a {@code List}, becomes a DaemonSet:
 * <ul>
 *   <li>{@code kind} becomes {@code DaemonSet}; metadata, selector, template, {@code minReadySeconds} and
 *       {@code revisionHistoryLimit} are kept as they are, in their order;</li>
 *   <li>{@code replicas}, {@code progressDeadlineSeconds}, {@code paused} and {@code status} are dropped: a DaemonSet
 *       runs one pod on each node and has none of them;</li>
 *   <li>{@code strategy} becomes {@code updateStrategy} of type {@code RollingUpdate}. Its {@code maxUnavailable}
 *       is kept (default 1; a number written as a string, which the API would reject, becomes a number), while
 *       {@code maxSurge} is dropped: a surge pod could never start beside the old one on the node since both bind
 *       the same host port. {@code Recreate} (stop every old pod, then start the new ones) becomes
 *       {@code maxUnavailable: 100%}, which is the same thing for a DaemonSet.</li>
 * </ul>
 * Then {@link ManifestFinisher} adds what the generator leaves out (labels on every object, init containers' security
 * context and resources), and a JSON array of resources becomes a {@code List}. Running it again changes nothing.
 * Last, {@link ContainerImages} checks that every container runs the one image the build made, and says which.
 */
public final class DaemonSetConverter {
    static final String DEPLOYMENT = "Deployment";
    static final String DAEMON_SET = "DaemonSet";
    static final String APPS_V1 = "apps/v1";

    /** Deployment spec fields that a DaemonSet spec does not have. */
    private static final Set<String> DEPLOYMENT_ONLY = Set.of("replicas", "progressDeadlineSeconds", "paused");
    /** What {@code Recreate} amounts to for a DaemonSet: every pod may be down at once. */
    static final String RECREATE_MAX_UNAVAILABLE = "100%";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build());

    private DaemonSetConverter() {
    }

    /** Converts each file named on the command line ({@code .yml}/{@code .yaml} or {@code .json}) in place. */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: DaemonSetConverter <kubernetes.yml|kubernetes.json>...");
        }
        List<JsonNode> resources = new ArrayList<>();
        for (String arg : args) {
            Path file = Path.of(arg);
            int converted = convertFile(file);
            System.out.printf("[daemonset] %s: %d Deployment(s) turned into DaemonSet(s)%n", file, converted);
            resources.addAll(read(file));
        }
        String image = ContainerImages.single(resources);
        System.out.printf("[daemonset] image: %s%n", image);
        ContainerImages.snapshotWarning(image).ifPresent(System.err::println);
    }

    /** The resources of a manifest file (YAML documents, or the JSON document). */
    static List<JsonNode> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return isJson(file) ? List.of(JSON.readTree(text)) : yamlDocuments(text);
    }

    private static List<JsonNode> yamlDocuments(String yaml) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = YAML.createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    /** Rewrites one manifest file in place; answers how many Deployments it converted. */
    static int convertFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " does not exist: run it after quarkus:build has generated the manifests");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Result result = isJson(file) ? convertJson(text) : convertYaml(text);
        if (!result.text().equals(text)) {
            Files.writeString(file, result.text(), StandardCharsets.UTF_8);
        }
        return result.converted();
    }

    /** The converted text and how many Deployments became DaemonSets. */
    record Result(String text, int converted) {
    }

    /** Converts a multi-document YAML stream; every document keeps its place. */
    static Result convertYaml(String yaml) throws IOException {
        List<JsonNode> documents = yamlDocuments(yaml);
        int converted = 0;
        for (JsonNode document : documents) {
            converted += convertResource(document);
        }
        ManifestFinisher.finish(documents);
        StringWriter out = new StringWriter();
        try (SequenceWriter writer = YAML.writer().writeValues(out)) {
            for (JsonNode document : documents) {
                if (!document.isMissingNode() && !document.isNull()) {
                    writer.write(document);
                }
            }
        }
        return new Result(out.toString(), converted);
    }

    /**
     * Converts a JSON manifest: an array of resources (what Quarkus writes), a single resource or a List. An array
     * becomes a {@code v1 List}, the one form of several resources in a JSON document that kubectl takes.
     */
    static Result convertJson(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        int converted = 0;
        if (root instanceof ArrayNode array) {
            for (JsonNode item : array) {
                converted += convertResource(item);
            }
            ObjectNode list = JSON.createObjectNode();
            list.put("apiVersion", "v1");
            list.put("kind", "List");
            list.set("items", array);
            root = list;
        } else {
            converted = convertResource(root);
        }
        ManifestFinisher.finish(List.of(root));
        return new Result(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), converted);
    }

    /** Converts a resource, or the items of a List, in place; answers how many Deployments it converted. */
    static int convertResource(JsonNode node) {
        if (!(node instanceof ObjectNode resource)) {
            return 0;
        }
        if (resource.path("items") instanceof ArrayNode items && resource.path("kind").asText().endsWith("List")) {
            int converted = 0;
            for (JsonNode item : items) {
                converted += convertResource(item);
            }
            return converted;
        }
        if (!DEPLOYMENT.equals(resource.path("kind").asText()) || !APPS_V1.equals(resource.path("apiVersion").asText())) {
            return 0;
        }
        resource.put("kind", DAEMON_SET);
        resource.remove("status");
        if (resource.get("spec") instanceof ObjectNode spec) {
            resource.set("spec", daemonSetSpec(spec));
        }
        return 1;
    }

    /** The DaemonSet spec for a Deployment spec: same fields in the same order, strategy translated. */
    private static ObjectNode daemonSetSpec(ObjectNode deploymentSpec) {
        ObjectNode spec = deploymentSpec.objectNode();
        boolean strategyWritten = false;
        for (Map.Entry<String, JsonNode> field : deploymentSpec.properties()) {
            String name = field.getKey();
            if (DEPLOYMENT_ONLY.contains(name)) {
                continue;
            }
            if (name.equals("strategy")) {
                spec.set("updateStrategy", updateStrategy(field.getValue()));
                strategyWritten = true;
            } else {
                spec.set(name, field.getValue());
            }
        }
        if (!strategyWritten) {
            spec.set("updateStrategy", updateStrategy(MissingNode.getInstance()));
        }
        return spec;
    }

    /** A DaemonSet's RollingUpdate strategy equivalent to a Deployment's strategy (missing: the defaults). */
    static ObjectNode updateStrategy(JsonNode deploymentStrategy) {
        JsonNode maxUnavailable;
        if ("Recreate".equals(deploymentStrategy.path("type").asText())) {
            maxUnavailable = TextNode.valueOf(RECREATE_MAX_UNAVAILABLE);
        } else {
            maxUnavailable = intOrPercent(deploymentStrategy.path("rollingUpdate").path("maxUnavailable"));
        }
        ObjectNode strategy = JSON.createObjectNode();
        strategy.put("type", "RollingUpdate");
        strategy.putObject("rollingUpdate").set("maxUnavailable", maxUnavailable);
        return strategy;
    }

    /** An IntOrString as the API accepts it: a number, or a percentage; missing means 1. */
    private static JsonNode intOrPercent(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return IntNode.valueOf(1);
        }
        if (value.isTextual() && value.asText().trim().matches("\\d+")) {
            return IntNode.valueOf(Integer.parseInt(value.asText().trim()));
        }
        return value;
    }

    private static boolean isJson(Path file) {
        return file.getFileName().toString().endsWith(".json");
    }
}
