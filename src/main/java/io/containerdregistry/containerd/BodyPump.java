package io.containerdregistry.containerd;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.containerdregistry.oci.ErrorCode;
import io.containerdregistry.oci.RegistryException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Moves a request body into an ingest: chunks are gathered into messages of about 1 MiB and at most
 * {@value #MAX_IN_FLIGHT} messages wait for containerd at once; while they wait, no more body is asked for, which
 * pauses the HTTP request. Memory per upload is therefore bounded (about {@value #MAX_IN_FLIGHT} messages plus
 * two gathering) whatever the blob size.
 */
final class BodyPump implements Flow.Subscriber<ByteBuffer> {
    static final int MESSAGE_SIZE = 1024 * 1024;
    static final int MAX_IN_FLIGHT = 3;
    /**
     * How many body chunks are asked for at once (HTTP chunks are at most 64 KiB), so at most one message's worth
     * waits beside the messages in flight: per upload, memory stays within a few MiB.
     */
    static final int CREDIT = 16;

    private final IngestWriter writer;
    private final long limit;
    private final StreamedDigests digests;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ByteString batch = ByteString.EMPTY;
    private int inFlight;
    private int credit;
    private boolean waiting;
    private boolean ended;

    private BodyPump(IngestWriter writer, long limit, StreamedDigests digests) {
        this.writer = writer;
        this.limit = limit;
        this.digests = digests;
    }

    /**
     * Pumps the whole body; completes with the ingest's new offset once containerd has everything. With
     * {@code digests}, every byte is also hashed on the way. Each buffer {@code body} publishes becomes the pump's:
     * the publisher must neither change nor reuse it afterwards.
     */
    static CompletionStage<Long> pump(Flow.Publisher<ByteBuffer> body, IngestWriter writer, long limit,
            StreamedDigests digests) {
        BodyPump pump = new BodyPump(writer, limit, digests);
        if (body == null) {
            pump.done.complete(writer.offset());
        } else {
            body.subscribe(pump);
        }
        return pump.done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        synchronized (this) {
            credit = CREDIT;
        }
        s.request(CREDIT);
    }

    @Override
    public void onNext(ByteBuffer item) {
        boolean askMore;
        synchronized (this) {
            if (done.isDone()) {
                return;
            }
            if (digests != null) {
                digests.update(item);
            }
            // the publisher hands over each buffer for good (see pump), so it is sent as it is, not copied again
            batch = batch.concat(UnsafeByteOperations.unsafeWrap(item));
            if (writer.offset() + batch.size() > limit) {
                fail(new RegistryException(ErrorCode.SIZE_INVALID, 413,
                        "blob exceeds the limit of " + limit + " bytes", null));
                subscription.cancel();
                return;
            }
            if (batch.size() >= MESSAGE_SIZE && inFlight < MAX_IN_FLIGHT) {
                flush();
            }
            credit--;
            askMore = credit == 0 && canTakeMore();
            waiting = credit == 0 && !askMore;
            if (askMore) {
                credit = CREDIT;
            }
        }
        if (askMore) {
            subscription.request(CREDIT);
        }
    }

    /** More body is asked for only while a message slot is free and no full message waits for one. */
    private boolean canTakeMore() {
        return inFlight < MAX_IN_FLIGHT && batch.size() < MESSAGE_SIZE;
    }

    @Override
    public void onError(Throwable throwable) {
        writer.cancel("request body failed");
        fail(throwable);
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            ended = true;
            if (!batch.isEmpty()) {
                flush();
            }
            finishIfIdle();
        }
    }

    /** Sends the gathered bytes as one WRITE; called with the monitor held. */
    private void flush() {
        ByteString data = batch;
        batch = ByteString.EMPTY;
        inFlight++;
        writer.write(data).whenComplete((response, error) -> acknowledged(error));
    }

    private void acknowledged(Throwable error) {
        if (error != null) {
            subscription.cancel();
            fail(error);
            return;
        }
        boolean askMore = false;
        synchronized (this) {
            inFlight--;
            if (batch.size() >= MESSAGE_SIZE && !ended) {
                flush();
            }
            if (waiting && !ended && canTakeMore()) {
                waiting = false;
                askMore = true;
                credit = CREDIT;
            }
            finishIfIdle();
        }
        if (askMore) {
            subscription.request(CREDIT);
        }
    }

    private void finishIfIdle() {
        if (ended && inFlight == 0 && batch.isEmpty()) {
            done.complete(writer.offset());
        }
    }

    private void fail(Throwable t) {
        done.completeExceptionally(t);
    }
}
