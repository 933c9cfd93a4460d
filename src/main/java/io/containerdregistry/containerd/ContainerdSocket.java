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

    /** The private containerd's content directory, when the registry started one. */
    synchronized Optional<Path> privateContentDir() {
        path();
        return Optional.ofNullable(local).map(LocalContainerd::contentDir);
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
