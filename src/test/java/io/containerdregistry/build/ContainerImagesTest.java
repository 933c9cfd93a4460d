package io.containerdregistry.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode daemonSet(String image, String initImage) throws Exception {
        return JSON.readTree("""
                {"apiVersion":"apps/v1","kind":"DaemonSet","spec":{"template":{"spec":{
                  "initContainers":[{"name":"hosts-toml","image":"%s"}],
                  "containers":[{"name":"registry","image":"%s"}]}}}}""".formatted(initImage, image));
    }

    @Test
    void theRegistryAndItsInitContainerRunTheOneImageTheBuildMade() throws Exception {
        String image = "ghcr.io/containerd-registry/containerd-registry:0.1.0";
        JsonNode list = JSON.createObjectNode().put("kind", "List")
                .set("items", JSON.createArrayNode().add(daemonSet(image, image)));
        assertEquals(image, ContainerImages.single(List.of(list, JSON.readTree("{\"kind\":\"Service\"}"))));
    }

    @Test
    void containersThatNameDifferentImagesFailTheBuild() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ContainerImages.single(
                List.of(daemonSet("reg.example.com/team/registry:1.0", "ghcr.io/containerd-registry/containerd-registry:1.0"))));
        assertTrue(e.getMessage().contains("reg.example.com/team/registry:1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("quarkus.container-image.registry/group/name/tag"), e.getMessage());
    }

    @Test
    void onlyASnapshotTagIsWarnedAbout() {
        Optional<String> warning = ContainerImages.snapshotWarning("ghcr.io/containerd-registry/containerd-registry:0.1.0-SNAPSHOT");
        assertTrue(warning.orElseThrow().contains("-Dquarkus.container-image.tag="), warning.get());
        assertEquals(Optional.empty(), ContainerImages.snapshotWarning("ghcr.io/containerd-registry/containerd-registry:0.1.0"));
        assertEquals(Optional.empty(), ContainerImages.snapshotWarning("localhost:5000/SNAPSHOT"));
        assertEquals(Optional.empty(), ContainerImages.snapshotWarning("reg.example.com/a@sha256:" + "0".repeat(64)));
    }
}
