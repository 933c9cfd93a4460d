package io.containerdregistry.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.containerdregistry.testing.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kustomize tree that {@code ./mvnw package} assembles in {@code target/kubernetes/kustomize} (overlays from
 * {@code src/main/kustomize}, the finished {@code kubernetes.yml} as their base), built with {@code kubectl kustomize}
 * exactly as {@code kubectl apply -k} would: the base is the generated manifest unchanged, and each distribution's
 * overlay changes containerd's paths in the DaemonSet to that distribution's and nothing else. Runs after the package
 * phase, with whichever kubectl is on the PATH (Debian 12's 1.20 with kustomize v2.0.3 in CI).
 */
class KustomizeOverlaysIT {
    private static final Path MANIFESTS = Path.of("target", "kubernetes");
    private static final Path TREE = MANIFESTS.resolve("kustomize");
    private static final Path BASE = TREE.resolve("base");
    private static final Path OVERLAYS = TREE.resolve("overlays");

    @Test
    void theBaseIsTheGeneratedManifestUnchanged() throws IOException {
        assertArrayEquals(Files.readAllBytes(MANIFESTS.resolve("kubernetes.yml")),
                Files.readAllBytes(BASE.resolve("kubernetes.yml")),
                "the package phase copies the finished kubernetes.yml (with the DaemonSet) into the base");
        Map<String, JsonNode> generated = byKindAndName(
                KubectlKustomize.documents(Files.readString(MANIFESTS.resolve("kubernetes.yml"))));
        assertSameResources(generated, byKindAndName(KubectlKustomize.build(BASE)));
        assertTrue(generated.containsKey("DaemonSet/containerd-registry"), generated.keySet().toString());
    }

    @Test
    void thereIsOneOverlayPerDistributionAndEachIsCheckedHere() throws IOException {
        try (Stream<Path> overlays = Files.list(OVERLAYS)) {
            assertEquals(ContainerdPaths.all().stream().map(ContainerdPaths::overlay).sorted().toList(),
                    overlays.map(overlay -> overlay.getFileName().toString()).sorted().toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void theOverlayMovesContainerdsPathsToTheDistributionsAndChangesNothingElse(ContainerdPaths paths) {
        Map<String, JsonNode> expected = byKindAndName(KubectlKustomize.build(BASE));
        String daemonSet = "DaemonSet/containerd-registry";
        expected.put(daemonSet, paths.applyTo(expected.get(daemonSet)));

        Map<String, JsonNode> built = byKindAndName(KubectlKustomize.build(OVERLAYS.resolve(paths.overlay())));

        assertSameResources(expected, built);
    }

    /**
     * The overlays patch list entries by position, each guarded by a test of the entry's name: a generated manifest
     * whose volumes came in another order makes kustomize fail rather than point the socket's volume at the content
     * directory.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("movedDistributions")
    void anOverlayRefusesABaseWhoseShapeChanged(ContainerdPaths paths, @TempDir Path copy) throws IOException {
        FileTrees.copy(TREE, copy);
        List<JsonNode> resources = KubectlKustomize.documents(Files.readString(BASE.resolve("kubernetes.yml")));
        ArrayNode volumes = daemonSetPod(resources).withArray("volumes");
        volumes.insert(0, volumes.remove(volumes.size() - 1));
        Files.writeString(copy.resolve("base").resolve("kubernetes.yml"), yaml(resources));

        KubectlKustomize.Result result = KubectlKustomize.run(copy.resolve("overlays").resolve(paths.overlay()));

        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.errors().contains("test"), result.errors());
    }

    static List<ContainerdPaths> distributions() {
        return ContainerdPaths.all();
    }

    static List<ContainerdPaths> movedDistributions() {
        return ContainerdPaths.all().stream().filter(paths -> paths != ContainerdPaths.CONTAINERD).toList();
    }

    /** The same resources, each the same to the last field; a difference is named by its JSON pointer. */
    private static void assertSameResources(Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((resource, node) ->
                assertEquals(List.of(), JsonDifferences.between(node, actual.get(resource)), resource));
    }

    private static Map<String, JsonNode> byKindAndName(List<JsonNode> resources) {
        return resources.stream().collect(Collectors.toMap(
                resource -> resource.path("kind").asText() + "/" + resource.path("metadata").path("name").asText(),
                resource -> resource, (a, b) -> {
                    throw new AssertionError("two resources of one kind and name: " + a);
                }, TreeMap::new));
    }

    private static ObjectNode daemonSetPod(List<JsonNode> resources) {
        for (JsonNode resource : resources) {
            if ("DaemonSet".equals(resource.path("kind").asText())) {
                return (ObjectNode) resource.path("spec").path("template").path("spec");
            }
        }
        throw new AssertionError("no DaemonSet in " + resources);
    }

    private static String yaml(List<JsonNode> resources) throws IOException {
        YAMLMapper mapper = new YAMLMapper();
        StringBuilder out = new StringBuilder();
        for (JsonNode resource : resources) {
            out.append(mapper.writeValueAsString(resource));
        }
        return out.toString();
    }

}
