package io.containerdregistry.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * The parts of the CRI plugin's configuration the doctor reads, from the JSON that containerd's CRI plugin puts in
 * its verbose status ({@code info["config"]}). The keys are the JSON names of containerd 1.5–1.7's
 * {@code pkg/cri/config}: {@code registry.configPath} and {@code containerd.discardUnpackedLayers}. A key that is
 * missing (another layout, such as containerd 2's) leaves its value unknown.
 *
 * @param configPath            {@code [plugins."io.containerd.grpc.v1.cri".registry] config_path}
 * @param discardUnpackedLayers {@code [plugins."io.containerd.grpc.v1.cri".containerd] discard_unpacked_layers}
 */
record CriPluginConfig(Optional<String> configPath, Optional<Boolean> discardUnpackedLayers) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CriPluginConfig parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            return new CriPluginConfig(Optional.empty(), Optional.empty());
        }
        JsonNode configPath = root.path("registry").path("configPath");
        JsonNode discard = root.path("containerd").path("discardUnpackedLayers");
        return new CriPluginConfig(
                configPath.isTextual() ? Optional.of(configPath.asText()) : Optional.empty(),
                discard.isBoolean() ? Optional.of(discard.asBoolean()) : Optional.empty());
    }
}
