package io.containerdregistry.containerd;

import io.containerdregistry.config.RegistryConfig;
import io.containerdregistry.containerd.api.content.AbortRequest;
import io.containerdregistry.containerd.api.content.StatusRequest;
import io.containerdregistry.containerd.api.content.StatusResponse;
import io.containerdregistry.oci.Digest;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import io.containerdregistry.oci.Repository;
import io.containerdregistry.oci.UploadRange;
import io.containerdregistry.store.UploadSession;
import io.containerdregistry.store.UploadStore;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;

/**
 * Upload sessions as containerd ingests. A session's ingest is {@code upload-<owner key>-<id>}, the owner key being a
 * hash of the repository and principal that opened it: the same id asked for by anyone else names another ingest,
 * which does not exist, so a session is unknown to everyone but its owner without any state to consult. The ingest
 * is created by the session's first write, under the repository's current blob lease ({@link Holds}), which outlives
 * the session. A session expires {@code registry.uploads.lease-expiration} after it started. The offset always comes
 * from containerd (the ingest's status, or the write stream's own answer), so a restart loses nothing written;
 * {@link UploadSessions} spares round trips and is all there is of a session not written to yet (unless it remembers
 * too many: such a session gets a lease of its own, named like its ingest, as its record in containerd).
 *
 * <p>Completing checks every byte the ingest holds before anything is committed: containerd's writer hashes each
 * byte it is given and answers every write with the digest of the whole ingest ({@link IngestWriter#digest()}), so a
 * sha256 digest is compared with that (also when the content is stored already, where a commit alone would not look
 * at the bytes). Another algorithm is hashed here while the blob streams, when it arrives in one request, else
 * checked by reading the committed content back. On a mismatch nothing is granted, nothing is deleted, and the
 * session ends. A completed blob is readable through the session's repository and held there for a lease expiration
 * from its 201.
 */
@ApplicationScoped
class ContainerdUploads implements UploadStore {
    private final Stubs stubs;
    private final LeaseManager leases;
    private final Holds holds;
    private final ContentIndex index;
    private final ContainerdBlobs blobs;
    private final Readers readers;
    private final UploadSessions sessions;
    private final Duration lifetime;
    private final long maxBlobSize;

    ContainerdUploads(Stubs stubs, LeaseManager leases, Holds holds, ContentIndex index, ContainerdBlobs blobs,
            Readers readers, UploadSessions sessions, RegistryConfig config) {
        this.stubs = stubs;
        this.leases = leases;
        this.holds = holds;
        this.index = index;
        this.blobs = blobs;
        this.readers = readers;
        this.sessions = sessions;
        this.lifetime = config.uploads().leaseExpiration();
        this.maxBlobSize = config.limits().maxBlobSize().map(io.quarkus.runtime.configuration.MemorySize::asLongValue)
                .orElse(Long.MAX_VALUE);
    }

    /** The session's ingest ref (and lease id, when it has a lease of its own): {@code upload-<owner key>-<id>}. */
    static String ref(UploadSession session) {
        byte[] owner = Digest.messageDigest("sha256").digest(
                (session.repository().name() + "\n" + session.owner()).getBytes(StandardCharsets.UTF_8));
        return "upload-" + HexFormat.of().formatHex(owner, 0, 12) + "-" + session.id();
    }

    private static final int REF_PREFIX_LENGTH = "upload-".length() + 24 + 1;

    /** The session id in a ref. */
    private static String idOf(String ref) {
        return ref.substring(REF_PREFIX_LENGTH);
    }

    /**
     * Starting a session asks nothing of containerd: the ingest is created by the first write. Only when this process
     * remembers too many sessions does the session get a lease of its own, so that it can be looked up.
     */
    @Override
    public Uni<Void> start(UploadSession session) {
        String ref = ref(session);
        Instant expiry = Instant.now().plus(lifetime).plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        if (sessions.started(ref, expiry)) {
            return Uni.createFrom().voidItem();
        }
        return leases.createUntil(ref, expiry).replaceWithVoid();
    }

    @Override
    public Uni<Long> offset(UploadSession session) {
        String ref = ref(session);
        return alive(ref).chain(() -> storedOffset(ref));
    }

    @Override
    public Uni<Long> append(UploadSession session, Long expectedStart, Long expectedLength,
            Flow.Publisher<ByteBuffer> body) {
        return withWriter(session, expectedStart, expectedLength == null ? -1 : expectedLength, body, null, true,
                (writer, streamed) -> Uni.createFrom().item(writer.offset()));
    }

    @Override
    public Uni<Long> complete(UploadSession session, Long expectedStart, Flow.Publisher<ByteBuffer> body,
            Digest digest) {
        String ref = ref(session);
        String algorithm = digest.isSha256() ? null : digest.algorithm();
        return withWriter(session, expectedStart, -1, body, algorithm, false,
                (writer, streamed) -> commit(session.repository(), ref, writer, digest, streamed))
                .invoke(() -> sessions.complete(ref))
                .onFailure(t -> t instanceof RegistryException e && e.code() == ErrorCode.DIGEST_INVALID)
                .call(() -> end(ref));
    }

    @Override
    public Uni<Void> cancel(UploadSession session) {
        String ref = ref(session);
        AbortRequest request = AbortRequest.newBuilder().setRef(ref).build();
        return alive(ref)
                .invoke(() -> sessions.forget(ref))
                .chain(() -> Calls.<com.google.protobuf.Empty>unary(o -> stubs.content().abort(request, o))
                        .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithNull()
                        .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.BLOB_UPLOAD_UNKNOWN)))
                .chain(() -> leases.delete(ref));  // a session's own lease, when it was given one
    }

    /**
     * Ends a session whose completion failed its digest check, as the reference registry does: its ingest is dropped
     * (it is this session's alone) and later requests find it unknown.
     */
    private Uni<Void> end(String ref) {
        sessions.complete(ref);
        AbortRequest request = AbortRequest.newBuilder().setRef(ref).build();
        return Calls.<com.google.protobuf.Empty>unary(o -> stubs.content().abort(request, o)).replaceWithVoid()
                .chain(() -> leases.delete(ref))
                .onFailure().recoverWithNull();
    }

    /**
     * Fails with {@code BLOB_UPLOAD_UNKNOWN} unless the session exists, has not expired and was not committed yet.
     * What this process started it knows; any other session is looked up once ({@link #lookUp}).
     */
    private Uni<Void> alive(String ref) {
        Optional<Instant> known = sessions.expiry(ref);
        Uni<Instant> expiry = known.isPresent() ? Uni.createFrom().item(known.get()) : lookUp(ref);
        return expiry.map(at -> {
            if (!at.isAfter(Instant.now()) || sessions.completed(ref)) {
                throw ErrorCode.BLOB_UPLOAD_UNKNOWN.exception("upload " + idOf(ref) + " is unknown, expired or complete");
            }
            return null;
        });
    }

    /**
     * A session this process does not know: one written to is its ingest, and expires a lease expiration after the
     * ingest started; one not written to yet exists only when it was given a lease of its own (then, without an
     * ingest, it may also have been committed already: its content carries the session's label). Completes with
     * the session's expiry, {@link Instant#MIN} when there is no such session (or it was completed).
     */
    private Uni<Instant> lookUp(String ref) {
        return ingestStarted(ref).chain(started -> {
            if (started.isPresent()) {
                Instant expiry = started.get().plus(lifetime);
                sessions.learned(ref, expiry, false);
                return Uni.createFrom().item(expiry);
            }
            return leases.expiry(ref).chain(lease -> {
                if (lease.isEmpty() || !lease.get().isAfter(Instant.now())) {
                    return Uni.createFrom().item(Instant.MIN);
                }
                return index.withLabel(Labels.UPLOAD_LEASE, ref).map(found -> {
                    boolean completed = !found.isEmpty();
                    sessions.learned(ref, lease.get(), completed);
                    return completed ? Instant.MIN : lease.get();
                });
            });
        });
    }

    /** When the session's ingest started, or empty when it has none. */
    private Uni<Optional<Instant>> ingestStarted(String ref) {
        return ingestStatus(ref).map(status -> status.map(s -> Instant.ofEpochSecond(
                s.getStartedAt().getSeconds(), s.getStartedAt().getNanos())));
    }

    /** What the session's ingest holds; a live session without an ingest has not been written to yet. */
    private Uni<Long> storedOffset(String ref) {
        return ingestStatus(ref).map(status -> status.map(s -> s.getOffset()).orElse(0L));
    }

    /** The ingest's status, or empty when the session has no ingest (not written to yet, or committed). */
    private Uni<Optional<io.containerdregistry.containerd.api.content.Status>> ingestStatus(String ref) {
        StatusRequest request = StatusRequest.newBuilder().setRef(ref).build();
        return Calls.<StatusResponse>unary(o -> stubs.content().status(request, o))
                .map(response -> Optional.of(response.getStatus()))
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithItem(Optional.empty())
                .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.BLOB_UPLOAD_UNKNOWN));
    }

    /**
     * Takes the session's write stream (the one parked by its previous request, else a newly opened one), checks the
     * client's offset, pumps the body and runs {@code last} (which may commit). Afterwards the stream is parked for
     * the next request when {@code keepOpen} and all went well, else closed.
     */
    private <T> Uni<T> withWriter(UploadSession session, Long expectedStart, long expectedLength,
            Flow.Publisher<ByteBuffer> body, String hashAlgorithm, boolean keepOpen,
            BiFunction<IngestWriter, StreamedDigest, Uni<T>> last) {
        String ref = ref(session);
        return alive(ref)
                .chain(() -> sessions.take(ref).map(w -> Uni.createFrom().item(w)).orElseGet(() -> open(session, ref)))
                .chain(writer -> {
                    if (expectedStart != null && expectedStart.longValue() != writer.offset()) {
                        sessions.park(ref, writer);
                        throw outOfOrder(writer.offset(), expectedStart);
                    }
                    // a digest other than sha256 is computed here while the bytes stream, when they all pass now
                    StreamedDigest streamed = hashAlgorithm != null && writer.offset() == 0
                            ? new StreamedDigest(hashAlgorithm) : null;
                    return Uni.createFrom()
                            .completionStage(() -> BodyPump.pump(body, writer, maxBlobSize, expectedLength, streamed))
                            .onFailure().transform(t -> uploadFailure(t, writer))
                            .chain(offset -> last.apply(writer, streamed))
                            .onItemOrFailure().call((item, failure) -> {
                                if (keepOpen && failure == null && writer.usable()) {
                                    sessions.park(ref, writer);
                                    return Uni.createFrom().voidItem();
                                }
                                return Uni.createFrom().completionStage(writer::close);
                            });
                });
    }

    /** A failed body: a length that disagreed with the chunk's range says how much the upload holds now. */
    private static RegistryException uploadFailure(Throwable t, IngestWriter writer) {
        RegistryException mapped = GrpcErrors.mapUpload(t, writer.offset());
        if (mapped.code() == ErrorCode.SIZE_INVALID && mapped.status() == 400) {
            return mapped.withHeader("Range", UploadRange.stored(writer.offset()));
        }
        return mapped;
    }

    /**
     * Opens the session's ingest under its repository's current blob lease (made again once when it was removed
     * behind this process's back). containerd locks an ingest while a writer has it open; a request that follows a
     * dropped connection may briefly find it locked, so opening is retried for a short while.
     */
    private Uni<IngestWriter> open(UploadSession session, String ref) {
        return openUnder(session.repository(), ref)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithUni(() -> {
                    holds.blobLeaseGone(session.repository());
                    return openUnder(session.repository(), ref);
                })
                .onFailure().recoverWithUni(t -> storedOffset(ref).onFailure().recoverWithItem(0L)
                        .map(stored -> {
                            throw GrpcErrors.mapUpload(t, stored);
                        }));
    }

    private Uni<IngestWriter> openUnder(Repository repository, String ref) {
        return holds.blobLease(repository).chain(lease -> Uni.createFrom()
                .completionStage(() -> IngestWriter.open(stubs.contentStream(), lease, ref, 0, null))
                .onFailure(GrpcErrors::isLocked).retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                .atMost(15));
    }

    /**
     * Commits the ingest once its bytes are known to match the digest (see the class comment), readable through the
     * repository and held there for a lease expiration.
     */
    private Uni<Long> commit(Repository repository, String ref, IngestWriter writer, Digest digest,
            StreamedDigest streamed) {
        long size = writer.offset();
        Digest written = Digest.parse(writer.digest());
        Map<String, String> labels = new HashMap<>(readers.initialLabels(repository));
        labels.put(Labels.UPLOAD_LEASE, ref);
        if (digest.isSha256()) {
            if (!written.equals(digest)) {
                throw mismatch(written, digest);
            }
            return commitVerified(repository, writer, written, labels, Map.of()).replaceWith(size);
        }
        Map<String, String> digestLabel = Map.of(Labels.digestLabel(digest.algorithm()), digest.toString());
        if (streamed != null) {
            if (!streamed.result().equals(digest)) {
                throw mismatch(streamed.result(), digest);
            }
            labels.putAll(digestLabel);
            return commitVerified(repository, writer, written, labels, digestLabel).replaceWith(size);
        }
        // the bytes came in several requests: committed readable through nobody, read back, granted if they match
        return commitUngranted(repository, ref, writer, written)
                .chain(() -> ContentDigests.compute(blobs.read(written, 0, size), digest.algorithm()))
                .chain(actual -> {
                    if (!actual.equals(digest)) {
                        return Uni.createFrom().failure(mismatch(actual, digest));
                    }
                    return index.label(written, digestLabel).chain(() -> readers.grant(repository, written));
                })
                .onFailure(ContainerdUploads::notStored).transform(ContainerdUploads::vanished)
                .replaceWith(size);
    }

    private static RegistryException mismatch(Digest actual, Digest claimed) {
        return ErrorCode.DIGEST_INVALID.exception("content is " + actual + ", not " + claimed);
    }

    /**
     * Commits verified bytes with their labels. Content that is stored already is first held for the repository,
     * then labelled (a commit would find it and drop the ingest without holding anything, and a delete elsewhere could
     * take it in between); the commit then only drops the ingest, or stores this copy if the content went meanwhile.
     * New content is held by the stream's lease, and by the current one too when the stream's is older.
     */
    private Uni<Void> commitVerified(Repository repository, IngestWriter writer, Digest stored,
            Map<String, String> labels, Map<String, String> extraLabels) {
        return index.exists(stored).chain(exists -> {
            if (exists) {
                return holds.holdBlob(repository, stored)
                        .chain(() -> extraLabels.isEmpty()
                                ? Uni.createFrom().voidItem() : index.label(stored, extraLabels))
                        .chain(() -> readers.grant(repository, stored))
                        .onFailure(ContainerdUploads::notStored).recoverWithNull()
                        .chain(() -> created(writer, stored, labels)).replaceWithVoid();
            }
            return created(writer, stored, labels).chain(isNew -> {
                if (isNew) {
                    return holds.holdsLongEnough(repository, writer.lease())
                            ? Uni.createFrom().voidItem()
                            : holds.holdBlob(repository, stored);
                }
                // stored by someone else between the lookup and the commit
                return holds.holdBlob(repository, stored)
                        .chain(() -> extraLabels.isEmpty()
                                ? Uni.createFrom().voidItem() : index.label(stored, extraLabels))
                        .chain(() -> readers.grant(repository, stored))
                        .onFailure(ContainerdUploads::notStored).transform(ContainerdUploads::vanished);
            });
        });
    }

    /** Commits bytes that still have to be checked: held for the repository, listed for nobody. */
    private Uni<Void> commitUngranted(Repository repository, String ref, IngestWriter writer, Digest stored) {
        Map<String, String> labels = Map.of(Labels.UPLOAD_LEASE, ref);
        return index.exists(stored).chain(exists -> {
            if (exists) {
                return holds.holdBlob(repository, stored).chain(() -> created(writer, stored, labels)).replaceWithVoid();
            }
            return created(writer, stored, labels).chain(isNew -> isNew
                    && holds.holdsLongEnough(repository, writer.lease())
                    ? Uni.createFrom().voidItem()
                    : holds.holdBlob(repository, stored).chain(() -> index.info(stored, ErrorCode.BLOB_UNKNOWN))
                            .replaceWithVoid()
                            .onFailure(ContainerdUploads::notStored).transform(ContainerdUploads::vanished));
        });
    }

    private static boolean notStored(Throwable t) {
        return t instanceof RegistryException e && e.code() == ErrorCode.BLOB_UNKNOWN;
    }

    /** Commits the ingest as {@code stored}: true when that created the content, false when it was stored already. */
    private static Uni<Boolean> created(IngestWriter writer, Digest stored, Map<String, String> labels) {
        return Uni.createFrom().completionStage(() -> writer.commit(stored.toString(), labels))
                .replaceWith(true)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS)).recoverWithItem(false)
                .onFailure().transform(GrpcErrors::mapCommit);
    }

    /**
     * The content was stored by someone else between this upload's lookup and its commit, and gone again before this
     * upload's hold was in place (another repository deleted it in that instant); containerd dropped the ingest when
     * the commit found the content, so the client must upload again.
     */
    private static RegistryException vanished(Throwable t) {
        return ErrorCode.BLOB_UPLOAD_UNKNOWN.exception(
                "the content was removed while this upload completed; upload it again");
    }

    private static RegistryException outOfOrder(long stored, long start) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                "chunk starts at " + start + " but the upload holds " + stored + " bytes", null)
                .withHeader("Range", UploadRange.stored(stored));
    }
}
