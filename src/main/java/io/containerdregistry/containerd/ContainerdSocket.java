package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The socket the registry talks to: the configured one, or, when auto-start is on (dev mode) and that socket does
 * not exist, the socket of a private containerd started here and stopped with the application.
 */
@ApplicationScoped
public class ContainerdSocket {
    private static final Path STANDARD_CONTENT_DIR = Path.of("/var/lib/containerd/io.containerd.content.v1.content");
    private final RegistryConfig.Containerd config;
    private LocalContainerd local;
    private Path path;

    ContainerdSocket(RegistryConfig config) {
        this.config = config.containerd();
    }

    public synchronized Path path() {
        if (path == null) {
            path = resolve();
        }
        return path;
    }

    /** The content directory of containerd: configured, the private containerd's, or the standard one if present. */
    public synchronized Optional<Path> contentDir() {
        path();
        if (config.contentDir().isPresent()) {
            return config.contentDir().map(Path::of);
        }
        if (local != null) {
            return Optional.of(local.contentDir());
        }
        return Optional.of(STANDARD_CONTENT_DIR).filter(Files::isDirectory);
    }

    private Path resolve() {
        String address = config.address();
        Path configured = Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address);
        if (Files.exists(configured) || !config.autoStart()) {
            return configured;
        }
        try {
            local = LocalContainerd.start(Path.of(config.autoStartDir()));
            return local.socket();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a private containerd", e);
        }
    }

    /** Resolves (and if needed starts containerd) at start-up, never on an event loop. */
    void start(@Observes StartupEvent event) {
        path();
    }

    void stop(@Observes ShutdownEvent event) {
        LocalContainerd started;
        synchronized (this) {
            started = local;
            local = null;
        }
        if (started != null) {
            started.stop();
        }
    }
}
