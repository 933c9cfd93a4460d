package io.containerdregistry.doctor;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Asks containerd about itself; implemented by the containerd adapter. */
public interface ContainerdInspection {

    /**
     * containerd's own view, each call bounded by {@code deadline}. Also brings the content directory the registry
     * reads blob files from up to date with the content plugin's exported root. Fails when containerd does not answer.
     */
    Uni<ContainerdView> inspect(Duration deadline);

    /** Where blob files are read from now. */
    ContentFiles contentFiles();
}
