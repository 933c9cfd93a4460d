package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Manifest;
import io.containerdregistry.oci.Reference;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Manifests, the tags that point at them, and the referrers that name them as subject. By digest, a manifest is
 * readable only through a repository it was pushed to or whose manifests reference it (unless repository isolation is
 * off); through any other it is unknown.
 */
public interface ManifestStore {

    /**
     * Resolves a tag or digest in a repository. With {@code withBytes} the manifest's bytes are read too.
     * Fails with {@code MANIFEST_UNKNOWN}, also for a digest that is stored but not readable through the repository.
     */
    Uni<StoredManifest> get(Repository repository, Reference reference, boolean withBytes);

    /** The manifest {@link #get} resolved, with its bytes read (as they are when it already has them). */
    Uni<StoredManifest> read(StoredManifest resolved);

    /**
     * Stores manifest bytes exactly as pushed, after checking that everything they reference is stored and readable
     * through the repository ({@code MANIFEST_BLOB_UNKNOWN} otherwise), and points the reference's tag and every extra
     * tag at them (a manifest pushed by digest is pinned so it is kept). The manifest and what it references are then
     * readable through the repository; its {@code subject} is not made readable.
     */
    Uni<StoredManifest> put(Repository repository, Reference reference, List<String> extraTags, Manifest manifest,
            StoredManifest content);

    /**
     * Deletes a tag, or a manifest by digest with every tag of the repository that points at it. Content that
     * nothing references any more is collected at once; what is still referenced stays. Fails with
     * {@code MANIFEST_UNKNOWN}.
     */
    Uni<Void> delete(Repository repository, Reference reference);

    /**
     * The manifests readable through the repository whose {@code subject} is the digest, in digest order; empty for
     * an unknown subject.
     */
    Uni<List<Referrer>> referrers(Repository repository, Digest subject);
}
