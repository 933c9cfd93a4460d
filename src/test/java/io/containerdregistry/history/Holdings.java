package io.containerdregistry.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every repository of the run, and what the clients pushed anywhere, as hints for choosing mount sources, artifact
 * subjects and isolation probes. Never used for an expectation: only each repository's own {@link RepositoryModel}
 * says what must be readable through it.
 */
final class Holdings {
    private static final int REMEMBERED_MANIFESTS = 512;

    private final List<RepositoryModel> repositories;
    private final Map<String, Set<String>> holders = new ConcurrentHashMap<>();
    private final List<ManifestDoc> manifests = new ArrayList<>();

    Holdings(List<RepositoryModel> repositories) {
        this.repositories = List.copyOf(repositories);
    }

    List<RepositoryModel> repositories() {
        return repositories;
    }

    /** A repository answered 201 for the digest (a blob or a manifest). */
    void held(String digest, RepositoryModel repository) {
        holders.computeIfAbsent(digest, d -> ConcurrentHashMap.newKeySet()).add(repository.name());
    }

    /** A repository that was answered 201 for the digest at some point, other than {@code except}; null if none. */
    String holder(String digest, String except, Random random) {
        Set<String> names = holders.get(digest);
        if (names == null) {
            return null;
        }
        List<String> others = names.stream().filter(n -> !n.equals(except)).sorted().toList();
        return others.isEmpty() ? null : others.get(random.nextInt(others.size()));
    }

    /** Whether any repository was ever answered 201 for the digest. */
    boolean heldAnywhere(String digest) {
        return holders.containsKey(digest);
    }

    synchronized void manifestPushed(ManifestDoc doc) {
        manifests.add(doc);
        if (manifests.size() > REMEMBERED_MANIFESTS) {
            manifests.remove(0);
        }
    }

    /** A manifest some client pushed, or null. */
    synchronized ManifestDoc anyManifest(Random random) {
        return manifests.isEmpty() ? null : manifests.get(random.nextInt(manifests.size()));
    }

    RepositoryModel any(Random random) {
        return repositories.get(random.nextInt(repositories.size()));
    }
}
