package io.containerdregistry.store;

import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import java.util.Optional;

/** Repositories and their tags, listed in order one page at a time. */
public interface Catalog {

    /** Repositories (those holding at least one tag or pinned manifest) after {@code last}, at most {@code n}. */
    Uni<ListPage> repositories(String last, int n);

    /** The repository's tags after {@code last}, at most {@code n}; empty when the repository is unknown. */
    Uni<Optional<ListPage>> tags(Repository repository, String last, int n);
}
