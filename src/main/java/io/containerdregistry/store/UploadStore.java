package io.containerdregistry.store;

import io.containerdregistry.oci.Digest;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * Blob upload sessions. A session lives in the store (an ingest written under a lease), so a restarted registry
 * resumes every session that was written to. Every call names the session with its owner ({@link UploadSession}); a
 * session opened by another repository or principal fails with {@code BLOB_UPLOAD_UNKNOWN}, as an unknown one does.
 */
public interface UploadStore {

    /** Opens a session. */
    Uni<Void> start(UploadSession session);

    /** How many bytes the session holds; fails with {@code BLOB_UPLOAD_UNKNOWN} for an unknown or expired one. */
    Uni<Long> offset(UploadSession session);

    /**
     * Appends the body to the session. When {@code expectedStart} is given it must equal the stored offset, else the
     * call fails with 416 {@code BLOB_UPLOAD_INVALID} carrying the current range. When {@code expectedLength} is given
     * the body must be exactly that long, else the call fails with {@code SIZE_INVALID} (what arrived before the
     * mismatch was seen stays, as its {@code Range} says). Returns the new offset.
     */
    Uni<Long> append(UploadSession session, Long expectedStart, Long expectedLength, Flow.Publisher<ByteBuffer> body);

    /**
     * Appends the (possibly empty) final body and commits the session as the given digest, readable through the
     * session's repository and held there for at least {@code registry.uploads.lease-expiration} (also when the content
     * was already stored). Every byte the session holds is checked against the digest first: on a mismatch the call
     * fails with {@code DIGEST_INVALID}, nothing becomes readable and the session ends. Returns the blob's size.
     */
    Uni<Long> complete(UploadSession session, Long expectedStart, Flow.Publisher<ByteBuffer> body, Digest digest);

    /** Cancels the session and drops what it held. */
    Uni<Void> cancel(UploadSession session);
}
