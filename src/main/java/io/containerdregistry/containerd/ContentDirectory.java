package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.doctor.ContentFiles;
import io.containerdregistry.doctor.ContentFiles.Origin;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which directory blob files are sent from: {@code registry.containerd.content-dir} when set, the private
 * containerd's when the registry started one, else the {@code root} containerd's content plugin exports, once
 * containerd has been asked ({@link #learn}); until then containerd's default location. A blob whose file is not
 * readable there streams through containerd's {@code Read}.
 */
@ApplicationScoped
class ContentDirectory {
    static final Path DEFAULT = Path.of("/var/lib/containerd/io.containerd.content.v1.content");

    private final Optional<String> configured;
    private final ContainerdSocket socket;
    private Choice fixed;
    private volatile Choice current;

    private record Choice(Optional<Path> dir, Origin origin) {
    }

    ContentDirectory(RegistryConfig config, ContainerdSocket socket) {
        this.configured = config.containerd().contentDir();
        this.socket = socket;
    }

    /** The directory of sha256 blob files, {@code <content dir>/blobs/sha256}, when a content directory is known. */
    Optional<Path> blobDir() {
        return choice().dir().map(dir -> dir.resolve("blobs").resolve("sha256"));
    }

    /** The content directory now, and whether it is readable here (looked at on each call). */
    ContentFiles files() {
        Choice choice = choice();
        boolean readable = choice.dir().filter(Files::isDirectory).filter(Files::isReadable).isPresent();
        return new ContentFiles(choice.dir(), choice.origin(), readable);
    }

    /** Takes the root containerd's content plugin exports (empty when it exports none), unless a directory is fixed. */
    void learn(Optional<Path> root) {
        if (fixed().isEmpty()) {
            current = new Choice(root, root.isPresent() ? Origin.CONTENT_PLUGIN : Origin.NONE);
        }
    }

    private Choice choice() {
        Choice known = current;
        if (known == null) {
            known = fixed().orElseGet(() -> new Choice(Optional.of(DEFAULT).filter(Files::isDirectory),
                    Files.isDirectory(DEFAULT) ? Origin.DEFAULT_PATH : Origin.NONE));
            current = known;
        }
        return known;
    }

    private synchronized Optional<Choice> fixed() {
        if (fixed == null) {
            if (configured.isPresent()) {
                fixed = new Choice(configured.map(Path::of), Origin.CONFIGURED);
            } else {
                fixed = socket.privateContentDir().map(dir -> new Choice(Optional.of(dir), Origin.PRIVATE_CONTAINERD))
                        .orElseGet(() -> new Choice(Optional.empty(), Origin.NONE));
            }
        }
        return fixed.origin() == Origin.NONE ? Optional.empty() : Optional.of(fixed);
    }
}
