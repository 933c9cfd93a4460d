package io.containerdregistry.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What quarkus-kubernetes leaves undone in the generated manifests, done by the same build step as
 * {@link DaemonSetConverter}: every object carries the application's {@code app.kubernetes.io/*} labels (the
 * generator labels only some kinds), and every init container gets the securityContext of the pod's main container and
 * small resources when it has none (no property sets either for an init container).
 */
final class ManifestFinisher {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String LABEL_PREFIX = "app.kubernetes.io/";

    private ManifestFinisher() {
    }

    /** Applies every finishing step to the resources (Lists are looked into). */
    static void finish(List<JsonNode> resources) {
        ObjectNode labels = applicationLabels(resources);
        for (JsonNode resource : resources) {
            each(resource, item -> {
                label(item, labels);
                hardenInitContainers(item);
            });
        }
    }

    private interface Step {
        void apply(ObjectNode resource);
    }

    private static void each(JsonNode node, Step step) {
        if (!(node instanceof ObjectNode resource)) {
            return;
        }
        if (resource.path("items") instanceof ArrayNode items && resource.path("kind").asText().endsWith("List")) {
            items.forEach(item -> each(item, step));
            return;
        }
        step.apply(resource);
    }

    /** The {@code app.kubernetes.io/*} labels of the workload (the resource with a pod template). */
    private static ObjectNode applicationLabels(List<JsonNode> resources) {
        ObjectNode labels = NODES.objectNode();
        for (JsonNode resource : resources) {
            each(resource, item -> {
                if (labels.isEmpty() && item.path("spec").has("template")) {
                    item.path("metadata").path("labels").properties().forEach(label -> {
                        if (label.getKey().startsWith(LABEL_PREFIX)) {
                            labels.set(label.getKey(), label.getValue());
                        }
                    });
                }
            });
        }
        return labels;
    }

    /** Adds each application label the resource lacks (its own labels win). */
    static void label(ObjectNode resource, ObjectNode labels) {
        if (labels.isEmpty()) {
            return;
        }
        ObjectNode metadata = resource.with("metadata");
        ObjectNode own = metadata.with("labels");
        for (Map.Entry<String, JsonNode> label : labels.properties()) {
            if (!own.has(label.getKey())) {
                own.set(label.getKey(), label.getValue());
            }
        }
    }

    /**
     * Gives each init container of the resource's pod template the first container's securityContext and, without
     * resources of its own, a small request and a memory limit.
     */
    static void hardenInitContainers(ObjectNode resource) {
        JsonNode pod = resource.path("spec").path("template").path("spec");
        if (!(pod.path("initContainers") instanceof ArrayNode initContainers)) {
            return;
        }
        JsonNode securityContext = pod.path("containers").path(0).path("securityContext");
        for (JsonNode node : initContainers) {
            if (!(node instanceof ObjectNode init)) {
                continue;
            }
            if (!init.has("securityContext") && securityContext instanceof ObjectNode context) {
                init.set("securityContext", context.deepCopy());
            }
            if (!init.has("resources")) {
                ObjectNode resources = init.putObject("resources");
                resources.putObject("requests").put("cpu", "10m").put("memory", "64Mi");
                resources.putObject("limits").put("memory", "128Mi");
            }
        }
    }
}
