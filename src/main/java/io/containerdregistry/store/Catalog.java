package io.containerdregistry.store;

import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/** Repositories and their tags, each list sorted. */
public interface Catalog {

    /** Every repository that holds at least one tag or pinned manifest. */
    Uni<List<String>> repositories();

    /** The repository's tags, or empty when the repository is unknown. */
    Uni<Optional<List<String>>> tags(Repository repository);
}
