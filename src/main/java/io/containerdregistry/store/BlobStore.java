package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Flow;

/** Reading blobs. */
public interface BlobStore {

    /** The blob's size; fails with {@code BLOB_UNKNOWN} when it is not stored. */
    Uni<BlobInfo> stat(Digest digest);

    /**
     * Deletes a blob. It disappears unless a manifest still references it: nothing referenced is ever lost.
     * Fails with {@code BLOB_UNKNOWN} when it is not stored.
     */
    Uni<Void> delete(Digest digest);

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
