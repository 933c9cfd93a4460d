package io.containerdregistry.it;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.containerdregistry.containerd.LocalContainerd;
import io.containerdregistry.testing.PackagedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Writes that need authentication, turned on without any: the registry refuses to start, and says why. */
class NodeAccessIT {
    @Test
    void writesOnWithoutAuthenticationWhereItIsRequiredStopTheStart() throws Exception {
        Path work = Path.of("target", "it-node-access").toAbsolutePath();
        try (LocalContainerd containerd = LocalContainerd.startFresh(work.resolve("containerd"))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> PackagedRegistry.start(
                    work, "128m", Map.of("CONTAINERD_ADDRESS", containerd.socket().toString(),
                            "WRITES_ENABLED", "true", "WRITES_NEED_AUTHENTICATION", "true")));
            String log = Files.readString(work.resolve("registry.log"));
            assertTrue(refused.getMessage().contains("registry exited"), refused.getMessage());
            assertTrue(log.contains("no authentication is configured"), log);
        }
    }
}
