package io.containerdregistry.doctor;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the registry reads blob files from for zero-copy sends, and whether it can: when it cannot, blobs stream
 * through containerd's gRPC {@code Read} instead.
 *
 * @param directory the content directory the registry uses or would use (empty when it knows of none)
 * @param origin    where that directory came from
 * @param readable  whether the directory is readable from inside the registry
 */
public record ContentFiles(Optional<Path> directory, Origin origin, boolean readable) {

    /** Where the content directory came from. */
    public enum Origin {
        /** {@code registry.containerd.content-dir}. */
        CONFIGURED,
        /** The private containerd the registry started (dev mode). */
        PRIVATE_CONTAINERD,
        /** The {@code root} that containerd's content plugin exports. */
        CONTENT_PLUGIN,
        /** containerd's default location, assumed until containerd has been asked. */
        DEFAULT_PATH,
        /** None is known. */
        NONE
    }
}
