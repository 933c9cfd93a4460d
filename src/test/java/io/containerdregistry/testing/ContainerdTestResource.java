package io.containerdregistry.testing;

import io.containerdregistry.containerd.LocalContainerd;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Starts a private containerd for {@code @QuarkusTest}s and points the registry at its socket. The registry's hosts
 * directory ({@code registry.doctor.hosts-dir}) is {@code certs.d} in containerd's directory.
 */
public class ContainerdTestResource implements QuarkusTestResourceLifecycleManager {
    private LocalContainerd containerd;
    private boolean zeroCopy = true;
    private boolean contentDirFromContainerd;
    private Optional<LocalContainerd.CriPlugin> cri = Optional.empty();
    private String dirName = "containerd-test";

    /**
     * Init arguments: {@code zero-copy=false}: the registry does not see containerd's content directory;
     * {@code content-dir=from-containerd}: no {@code registry.containerd.content-dir}, so the registry takes the one
     * containerd's content plugin names; {@code cri=config-path}: the CRI plugin runs, its {@code config_path} the
     * registry's hosts directory; {@code cri=no-config-path}: it runs without {@code config_path}; with either,
     * {@code discard-unpacked-layers=true} sets that.
     */
    @Override
    public void init(Map<String, String> initArgs) {
        zeroCopy = !"false".equals(initArgs.get("zero-copy"));
        contentDirFromContainerd = "from-containerd".equals(initArgs.get("content-dir"));
        String criMode = initArgs.get("cri");
        boolean discard = "true".equals(initArgs.get("discard-unpacked-layers"));
        if (criMode != null) {
            Optional<String> configPath = "config-path".equals(criMode)
                    ? Optional.of(Path.of("target", "containerd-test-cri-" + criMode, "certs.d").toAbsolutePath().toString())
                    : Optional.empty();
            cri = Optional.of(new LocalContainerd.CriPlugin(configPath, discard));
            dirName = "containerd-test-cri-" + criMode;
        } else if (!zeroCopy) {
            dirName = "containerd-test-grpc";
        }
    }

    @Override
    public Map<String, String> start() {
        try {
            containerd = LocalContainerd.startFresh(Path.of("target", dirName), cri);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("registry.containerd.address", containerd.socket().toString());
        config.put("registry.doctor.hosts-dir", containerd.dir().resolve("certs.d").toString());
        if (!contentDirFromContainerd) {
            config.put("registry.containerd.content-dir",
                    zeroCopy ? containerd.contentDir().toString() : containerd.dir().resolve("not-mounted").toString());
        }
        return config;
    }

    @Override
    public void stop() {
        if (containerd != null) {
            containerd.stop();
        }
    }
}
