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
import io.containerdregistry.store.UploadStore;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;

/**
 * Upload sessions as containerd ingests: session {@code <id>} is ingest {@code upload-<id>}, created by its first
 * write under the current upload window lease ({@link PushLeases}), which outlives the session and so keeps the
 * committed blob until a manifest references it. A session expires {@code registry.uploads.lease-expiration} after
 * it started. The offset always comes from containerd (the ingest's status, or the write stream's own answer), so a
 * restart loses nothing written; {@link UploadSessions} spares round trips and is all there is of a session not
 * written to yet (unless it remembers too many: such a session gets a lease {@code upload-<id>} of its own, as its
 * record in containerd). A completed upload makes the blob readable through the repository it was completed in,
 * also when containerd already held the content.
 */
@ApplicationScoped
class ContainerdUploads implements UploadStore {
    private final Stubs stubs;
    private final LeaseManager leases;
    private final WindowLeases windows;
    private final ContentIndex index;
    private final ContainerdBlobs blobs;
    private final Readers readers;
    private final UploadSessions sessions;
    private final Duration lifetime;
    private final long maxBlobSize;

    ContainerdUploads(Stubs stubs, LeaseManager leases, PushLeases pushLeases, ContentIndex index,
            ContainerdBlobs blobs, Readers readers, UploadSessions sessions, RegistryConfig config) {
        this.stubs = stubs;
        this.leases = leases;
        this.windows = pushLeases.uploads();
        this.index = index;
        this.blobs = blobs;
        this.readers = readers;
        this.sessions = sessions;
        this.lifetime = config.uploads().leaseExpiration();
        this.maxBlobSize = config.limits().maxBlobSize().orElse(Long.MAX_VALUE);
    }

    static String ref(String uploadId) {
        return "upload-" + uploadId;
    }

    /**
     * Starting a session asks nothing of containerd: the ingest is created by the first write. Only when this process
     * remembers too many sessions does the session get a lease of its own, so that it can be looked up.
     */
    @Override
    public Uni<Void> start(String uploadId) {
        Instant expiry = Instant.now().plus(lifetime).plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        if (sessions.started(uploadId, expiry)) {
            return Uni.createFrom().voidItem();
        }
        return leases.createUntil(ref(uploadId), expiry).replaceWithVoid();
    }

    @Override
    public Uni<Long> offset(String uploadId) {
        return alive(uploadId).chain(() -> storedOffset(uploadId));
    }

    @Override
    public Uni<Long> append(String uploadId, Long expectedStart, Flow.Publisher<ByteBuffer> body) {
        return withWriter(uploadId, expectedStart, body, null, true,
                (writer, streamed) -> Uni.createFrom().item(writer.offset()));
    }

    @Override
    public Uni<Long> complete(Repository repository, String uploadId, Long expectedStart,
            Flow.Publisher<ByteBuffer> body, Digest digest) {
        String algorithm = digest.isSha256() ? null : digest.algorithm();
        return withWriter(uploadId, expectedStart, body, algorithm, false,
                (writer, streamed) -> commit(repository, uploadId, writer, digest, streamed))
                .invoke(() -> sessions.complete(uploadId));
    }

    @Override
    public Uni<Void> cancel(String uploadId) {
        AbortRequest request = AbortRequest.newBuilder().setRef(ref(uploadId)).build();
        return alive(uploadId)
                .invoke(() -> sessions.forget(uploadId))
                .chain(() -> Calls.<com.google.protobuf.Empty>unary(o -> stubs.content().abort(request, o))
                        .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithNull()
                        .onFailure().transform(t -> GrpcErrors.map(t, ErrorCode.BLOB_UPLOAD_UNKNOWN)))
                .chain(() -> leases.delete(ref(uploadId)));  // a session's own lease, when it was given one
    }

    /**
     * Fails with {@code BLOB_UPLOAD_UNKNOWN} unless the session exists, has not expired and was not committed yet.
     * What this process started it knows; any other session is looked up once ({@link #lookUp}).
     */
    private Uni<Void> alive(String uploadId) {
        Optional<Instant> known = sessions.expiry(uploadId);
        Uni<Instant> expiry = known.isPresent() ? Uni.createFrom().item(known.get()) : lookUp(uploadId);
        return expiry.map(at -> {
            if (!at.isAfter(Instant.now()) || sessions.completed(uploadId)) {
                throw ErrorCode.BLOB_UPLOAD_UNKNOWN.exception("upload " + uploadId + " is unknown, expired or complete");
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
    private Uni<Instant> lookUp(String uploadId) {
        return ingestStarted(uploadId).chain(started -> {
            if (started.isPresent()) {
                Instant expiry = started.get().plus(lifetime);
                sessions.learned(uploadId, expiry, false);
                return Uni.createFrom().item(expiry);
            }
            return leases.expiry(ref(uploadId)).chain(lease -> {
                if (lease.isEmpty() || !lease.get().isAfter(Instant.now())) {
                    return Uni.createFrom().item(Instant.MIN);
                }
                return index.withLabel(Labels.UPLOAD_LEASE, ref(uploadId)).map(found -> {
                    boolean completed = !found.isEmpty();
                    sessions.learned(uploadId, lease.get(), completed);
                    return completed ? Instant.MIN : lease.get();
                });
            });
        });
    }

    /** When the session's ingest started, or empty when it has none. */
    private Uni<Optional<Instant>> ingestStarted(String uploadId) {
        return ingestStatus(uploadId).map(status -> status.map(s -> Instant.ofEpochSecond(
                s.getStartedAt().getSeconds(), s.getStartedAt().getNanos())));
    }

    /** What the session's ingest holds; a live session without an ingest has not been written to yet. */
    private Uni<Long> storedOffset(String uploadId) {
        return ingestStatus(uploadId).map(status -> status.map(s -> s.getOffset()).orElse(0L));
    }

    /** The ingest's status, or empty when the session has no ingest (not written to yet, or committed). */
    private Uni<Optional<io.containerdregistry.containerd.api.content.Status>> ingestStatus(String uploadId) {
        StatusRequest request = StatusRequest.newBuilder().setRef(ref(uploadId)).build();
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
    private <T> Uni<T> withWriter(String uploadId, Long expectedStart, Flow.Publisher<ByteBuffer> body,
            String hashAlgorithm, boolean keepOpen, BiFunction<IngestWriter, StreamedDigests, Uni<T>> last) {
        return alive(uploadId)
                .chain(() -> sessions.take(uploadId).map(w -> Uni.createFrom().item(w)).orElseGet(() -> open(uploadId)))
                .chain(writer -> {
                    if (expectedStart != null && expectedStart.longValue() != writer.offset()) {
                        sessions.park(uploadId, writer);
                        throw outOfOrder(writer.offset(), expectedStart);
                    }
                    // a digest other than sha256 is computed here while the bytes stream, when they all pass now
                    StreamedDigests streamed = hashAlgorithm != null && writer.offset() == 0
                            ? new StreamedDigests(hashAlgorithm) : null;
                    return Uni.createFrom()
                            .completionStage(() -> BodyPump.pump(body, writer, maxBlobSize, streamed))
                            .onFailure().transform(t -> GrpcErrors.mapUpload(t, writer.offset()))
                            .chain(offset -> last.apply(writer, streamed))
                            .onItemOrFailure().call((item, failure) -> {
                                if (keepOpen && failure == null && writer.usable()) {
                                    sessions.park(uploadId, writer);
                                    return Uni.createFrom().voidItem();
                                }
                                return Uni.createFrom().completionStage(writer::close);
                            });
                });
    }

    /**
     * Opens the session's ingest under the current upload window lease (made again once when it was removed behind
     * this process's back). containerd locks an ingest while a writer has it open; a request that follows a dropped
     * connection may briefly find it locked, so opening is retried for a short while.
     */
    private Uni<IngestWriter> open(String uploadId) {
        return openUnder(uploadId)
                .onFailure(t -> GrpcErrors.is(t, Status.Code.NOT_FOUND)).recoverWithUni(() -> {
                    windows.forget();
                    return openUnder(uploadId);
                })
                .onFailure().recoverWithUni(t -> storedOffset(uploadId).onFailure().recoverWithItem(0L)
                        .map(stored -> {
                            throw GrpcErrors.mapUpload(t, stored);
                        }));
    }

    private Uni<IngestWriter> openUnder(String uploadId) {
        return windows.current().chain(lease -> Uni.createFrom()
                .completionStage(() -> IngestWriter.open(
                        Stubs.leased(stubs.contentStream(), lease), ref(uploadId), 0, null))
                .onFailure(GrpcErrors::isLocked).retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(200))
                .atMost(15));
    }

    /**
     * Commits the ingest. sha256 is checked by containerd itself. Any other algorithm is checked here: against the
     * digests computed while streaming when the whole blob passed in this request (nothing is committed on a
     * mismatch), else by reading the committed content back (and removing it on a mismatch); the content is then
     * labelled with that digest so lookups by it find the sha256 content. New content is committed with the
     * repository in its source label; content that was already stored (containerd verified the bytes all the same)
     * gets the repository added to it.
     */
    private Uni<Long> commit(Repository repository, String uploadId, IngestWriter writer, Digest digest,
            StreamedDigests streamed) {
        long size = writer.offset();
        Map<String, String> labels = new HashMap<>(readers.initialLabels(repository));
        labels.put(Labels.UPLOAD_LEASE, ref(uploadId));
        if (digest.isSha256()) {
            return Uni.createFrom().completionStage(() -> writer.commit(digest.toString(), labels))
                    .replaceWithVoid()
                    .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS))
                    .recoverWithUni(() -> readers.grant(repository, digest))
                    .onFailure().transform(GrpcErrors::mapCommit)
                    .replaceWith(size);
        }
        if (streamed != null && !streamed.other().equals(digest)) {
            throw ErrorCode.DIGEST_INVALID.exception("content is " + streamed.other() + ", not " + digest);
        }
        String expected = streamed == null ? "" : streamed.sha256().toString();
        return Uni.createFrom().completionStage(() -> writer.commit(expected, labels))
                .map(committed -> new Committed(Digest.parse(committed), true))
                .onFailure(t -> GrpcErrors.is(t, Status.Code.ALREADY_EXISTS))
                .recoverWithItem(t -> new Committed(GrpcErrors.existingDigest(t), false))
                .onFailure().transform(GrpcErrors::mapCommit)
                .chain(committed -> streamed != null
                        ? Uni.createFrom().item(committed)
                        : verifyStored(committed, digest, size))
                .call(committed -> index.label(committed.digest(), Map.of(Labels.digestLabel(digest.algorithm()),
                        digest.toString())))
                .call(committed -> committed.created()
                        ? Uni.createFrom().voidItem()
                        : readers.grant(repository, committed.digest()))
                .replaceWith(size);
    }

    private Uni<Committed> verifyStored(Committed committed, Digest digest, long size) {
        return ContentDigests.compute(blobs.read(committed.digest(), 0, size), digest.algorithm())
                .chain(actual -> {
                    if (actual.equals(digest)) {
                        return Uni.createFrom().item(committed);
                    }
                    Uni<Void> cleanup = committed.created() ? index.delete(committed.digest()) : Uni.createFrom().voidItem();
                    return cleanup.chain(() -> Uni.createFrom().<Committed>failure(
                            ErrorCode.DIGEST_INVALID.exception("content is " + actual + ", not " + digest)));
                });
    }

    private record Committed(Digest digest, boolean created) {
    }

    private static RegistryException outOfOrder(long stored, long start) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416,
                "chunk starts at " + start + " but the upload holds " + stored + " bytes", null)
                .withHeader("Range", UploadRange.stored(stored));
    }
}
