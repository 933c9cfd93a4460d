package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * Reading blobs. A blob is readable only through a repository that pushed it, mounted it or references it (unless
 * repository isolation is off); through any other repository it is unknown, exactly as if it were not stored.
 */
public interface BlobStore {

    /** The blob's size; fails with {@code BLOB_UNKNOWN} when it is not stored or not readable through the repository. */
    Uni<BlobInfo> stat(Repository repository, Digest digest);

    /**
     * Deletes a blob from the repository. It disappears unless a manifest still references it or another repository
     * still holds it: nothing referenced is ever lost. Fails with {@code BLOB_UNKNOWN} like {@link #stat}.
     */
    Uni<Void> delete(Repository repository, Digest digest);

    /**
     * Cross-repository mount: makes the blob readable through {@code to} when it is readable through {@code from}.
     * Answers whether it was mounted.
     */
    Uni<Boolean> mount(Digest digest, Repository from, Repository to);

    /**
     * The file holding the blob stored under {@link BlobInfo#stored()}, when the store's files are reachable from
     * here (for zero-copy sending); call only after {@link #stat} found the blob.
     */
    Optional<Path> file(Digest stored);

    /**
     * The bytes {@code [offset, offset + length)} of the blob stored under {@link BlobInfo#stored()}, delivered as the subscriber asks for them.
     * The publisher fails if the store ends the stream early, so a short read never looks like a complete one.
     */
    Flow.Publisher<ByteBuffer> read(Digest stored, long offset, long length);
}
