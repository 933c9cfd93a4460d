package io.containerdregistry.testing;

import io.containerdregistry.containerd.LocalContainerd;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/** Starts a private containerd for {@code @QuarkusTest}s and points the registry at its socket. */
public class ContainerdTestResource implements QuarkusTestResourceLifecycleManager {
    private LocalContainerd containerd;

    @Override
    public Map<String, String> start() {
        try {
            containerd = LocalContainerd.startFresh(Path.of("target", "containerd-test"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "registry.containerd.address", containerd.socket().toString(),
                "test.containerd.root", containerd.root().toString());
    }

    @Override
    public void stop() {
        if (containerd != null) {
            containerd.stop();
        }
    }
}
