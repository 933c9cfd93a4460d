package io.containerdregistry.containerd;

import com.google.protobuf.ByteString;
import io.containerdregistry.containerd.api.content.ContentGrpc;
import io.containerdregistry.containerd.api.content.WriteAction;
import io.containerdregistry.containerd.api.content.WriteContentRequest;
import io.containerdregistry.containerd.api.content.WriteContentResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One containerd {@code Content.Write} stream on an ingest. containerd answers every request message once (a COMMIT
 * twice), so each sent message waits for its own response; that is also the stream's flow control.
 *
 * <p>Offsets are always sent: containerd truncates the ingest when a write carries offset 0 after data was written,
 * and a COMMIT carries {@code offset = total} for the same reason.
 *
 * <p>Every answer carries containerd's own sha256 of everything the ingest holds (its writer hashes each byte as it
 * is written, and re-reads what an ingest already held when it is opened again): {@link #digest()} is what a commit
 * will store, known before committing.
 */
final class IngestWriter implements ClientResponseObserver<WriteContentRequest, WriteContentResponse> {
    private final Deque<CompletableFuture<WriteContentResponse>> pending = new ArrayDeque<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final String lease;
    private ClientCallStreamObserver<WriteContentRequest> requests;
    private Throwable failure;
    private boolean closed;
    private long offset;
    private String digest = "";

    private IngestWriter(String lease) {
        this.lease = lease;
    }

    /**
     * Opens the ingest {@code ref} (creating it if needed) under the lease, and learns its offset and digest. With an
     * {@code expected} digest that is already stored, containerd fails at once with ALREADY_EXISTS.
     */
    static CompletionStage<IngestWriter> open(ContentGrpc.ContentStub stub, String lease, String ref, long total,
            String expected) {
        IngestWriter writer = new IngestWriter(lease);
        Stubs.leased(stub, lease).write(writer);
        WriteContentRequest.Builder stat = WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef(ref);
        if (total > 0) {
            stat.setTotal(total);
        }
        if (expected != null) {
            stat.setExpected(expected);
        }
        return writer.send(stat.build()).thenApply(response -> {
            synchronized (writer) {
                writer.offset = response.getOffset();
            }
            return writer;
        });
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WriteContentRequest> requestStream) {
        this.requests = requestStream;
    }

    /** Whether more can be written on this stream: not closed, and containerd has not ended or failed it. */
    synchronized boolean usable() {
        return !closed && failure == null;
    }

    synchronized long offset() {
        return offset;
    }

    /** The lease this stream writes under: what it commits, that lease holds. */
    String lease() {
        return lease;
    }

    /**
     * containerd's sha256 digest of everything the ingest holds, as of its latest answer: after the last write was
     * answered, the digest a commit stores.
     */
    synchronized String digest() {
        return digest;
    }

    /** Writes data at the current offset; completes when containerd has taken it. */
    CompletionStage<WriteContentResponse> write(ByteString data) {
        WriteContentRequest request;
        synchronized (this) {
            request = WriteContentRequest.newBuilder()
                    .setAction(WriteAction.WRITE).setOffset(offset).setData(data).build();
            offset += data.size();
        }
        return send(request);
    }

    /** Commits everything written as {@code expected}; completes with the committed digest. */
    CompletionStage<String> commit(String expected, Map<String, String> labels) {
        WriteContentRequest request;
        synchronized (this) {
            request = WriteContentRequest.newBuilder()
                    .setAction(WriteAction.COMMIT).setOffset(offset).setTotal(offset).setExpected(expected)
                    .putAllLabels(labels).build();
        }
        return send(request).thenApply(WriteContentResponse::getDigest);
    }

    /**
     * Ends the stream; the ingest stays for a later request to continue. Completes once containerd has closed its
     * writer, which releases its lock on the ingest, so the next request on the same upload can open it.
     */
    CompletionStage<Void> close() {
        boolean send;
        synchronized (this) {
            send = !closed;
            closed = true;
        }
        if (send) {
            try {
                requests.onCompleted();
            } catch (IllegalStateException ignored) {
                // the call already ended
            }
        }
        return ended;
    }

    /** Aborts the stream (the client went away); what was written stays in the ingest. */
    void cancel(String why) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        requests.cancel(why, null);
    }

    private CompletionStage<WriteContentResponse> send(WriteContentRequest request) {
        CompletableFuture<WriteContentResponse> response = new CompletableFuture<>();
        synchronized (this) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closed) {
                return CompletableFuture.failedFuture(Status.CANCELLED.withDescription("stream closed").asException());
            }
            pending.add(response);
            requests.onNext(request);
        }
        return response;
    }

    @Override
    public void onNext(WriteContentResponse value) {
        CompletableFuture<WriteContentResponse> next;
        synchronized (this) {
            next = pending.poll();
            if (!value.getDigest().isEmpty()) {
                digest = value.getDigest();
            }
        }
        if (next != null) {
            next.complete(value);
        }
    }

    @Override
    public void onError(Throwable t) {
        failAll(t);
        ended.complete(null);
    }

    @Override
    public void onCompleted() {
        failAll(Status.UNAVAILABLE.withDescription("containerd ended the write stream").asException());
        ended.complete(null);
    }

    private void failAll(Throwable t) {
        Deque<CompletableFuture<WriteContentResponse>> waiting;
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
            closed = true;
            waiting = new ArrayDeque<>(pending);
            pending.clear();
        }
        waiting.forEach(f -> f.completeExceptionally(t));
    }
}
