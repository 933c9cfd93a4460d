package io.containerdregistry.store;

import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;

/** Manifests and the tags that point at them. */
public interface ManifestStore {

    /**
     * Resolves a tag or digest in a repository. With {@code withBytes} the manifest's bytes are read too.
     * Fails with {@code MANIFEST_UNKNOWN}.
     */
    Uni<StoredManifest> get(Repository repository, Reference reference, boolean withBytes);

    /**
     * Stores manifest bytes exactly as pushed, after checking that everything they reference is stored
     * ({@code MANIFEST_BLOB_UNKNOWN} otherwise), and points the tag at them (or pins them when pushed by digest).
     */
    Uni<StoredManifest> put(Repository repository, Reference reference, Manifest manifest, StoredManifest content);
}
