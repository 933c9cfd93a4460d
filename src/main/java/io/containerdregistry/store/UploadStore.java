package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.Repository;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Blob upload sessions. A session lives in the store only (an ingest plus a lease that expires), so a restarted
 * registry resumes every session it had.
 */
public interface UploadStore {

    /** Opens a session with the given id. */
    Uni<Void> start(String uploadId);

    /** How many bytes the session holds; fails with {@code BLOB_UPLOAD_UNKNOWN} for an unknown or expired id. */
    Uni<Long> offset(String uploadId);

    /**
     * Appends the body to the session. When {@code expectedStart} is given it must equal the stored offset, else
     * the call fails with 416 {@code BLOB_UPLOAD_INVALID} carrying the current range. Returns the new offset.
     */
    Uni<Long> append(String uploadId, Long expectedStart, Flow.Publisher<ByteBuffer> body);

    /**
     * Appends the (possibly empty) final body and commits the session as the given digest, readable through the
     * repository (also when the content was already stored). Fails with {@code DIGEST_INVALID} when the content does
     * not match. Returns the blob's size.
     */
    Uni<Long> complete(Repository repository, String uploadId, Long expectedStart, Flow.Publisher<ByteBuffer> body,
            Digest digest);

    /** Cancels the session and drops what it held. */
    Uni<Void> cancel(String uploadId);
}
