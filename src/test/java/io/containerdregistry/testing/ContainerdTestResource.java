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
    private boolean zeroCopy = true;

    /** Init argument {@code zero-copy=false}: the registry does not see containerd's content directory. */
    @Override
    public void init(Map<String, String> initArgs) {
        zeroCopy = !"false".equals(initArgs.get("zero-copy"));
    }

    @Override
    public Map<String, String> start() {
        try {
            containerd = LocalContainerd.startFresh(Path.of("target", zeroCopy ? "containerd-test" : "containerd-test-grpc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "registry.containerd.address", containerd.socket().toString(),
                "registry.containerd.content-dir",
                zeroCopy ? containerd.contentDir().toString() : containerd.dir().resolve("not-mounted").toString());
    }

    @Override
    public void stop() {
        if (containerd != null) {
            containerd.stop();
        }
    }
}
