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
 * Moves a request body into an ingest: chunks are gathered into messages of about {@value #MESSAGE_SIZE} bytes and at
 * most {@value #MAX_IN_FLIGHT} messages wait for containerd at once; while they wait, no more body is asked for, which
 * pauses the HTTP request. Memory per upload is therefore bounded whatever the blob size: the messages in flight, one
 * gathering, and the chunks asked for ({@value #CREDIT} at a time, each at most 64 KiB): under 2 MiB, the share of
 * transfer memory an upload request takes.
 */
final class BodyPump implements Flow.Subscriber<ByteBuffer> {
    static final int MESSAGE_SIZE = 512 * 1024;
    static final int MAX_IN_FLIGHT = 2;
    /** How many body chunks are asked for at once (HTTP chunks are at most 64 KiB). */
    static final int CREDIT = 4;

    private final IngestWriter writer;
    private final long limit;
    /** The offset the body must end at exactly (a chunk's {@code Content-Range}), or -1. */
    private final long end;
    private final StreamedDigest digests;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ByteString batch = ByteString.EMPTY;
    private int inFlight;
    private int credit;
    private boolean waiting;
    private boolean ended;

    private BodyPump(IngestWriter writer, long limit, long length, StreamedDigest digests) {
        this.writer = writer;
        this.limit = limit;
        this.end = length < 0 ? -1 : writer.offset() + length;
        this.digests = digests;
    }

    /**
     * Pumps the whole body; completes with the ingest's new offset once containerd has everything. With
     * {@code digests}, every byte is also hashed on the way. With a {@code length} of zero or more the body must be
     * exactly that long: one byte more is refused before it is written, and a body that ends short fails once what
     * arrived is written. Each buffer {@code body} publishes becomes the pump's: the publisher must neither change
     * nor reuse it afterwards.
     */
    static CompletionStage<Long> pump(Flow.Publisher<ByteBuffer> body, IngestWriter writer, long limit, long length,
            StreamedDigest digests) {
        BodyPump pump = new BodyPump(writer, limit, length, digests);
        if (body == null) {
            pump.ended = true;
            pump.finishIfIdle();
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
            if (end >= 0 && writer.offset() + batch.size() > end) {
                fail(lengthMismatch("longer"));
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
            if (done.isDone()) {
                return; // failed already: what was gathered is never written
            }
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
            if (done.isDone()) {
                return;
            }
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
            if (end >= 0 && writer.offset() != end) {
                fail(lengthMismatch("shorter"));
            } else {
                done.complete(writer.offset());
            }
        }
    }

    private RegistryException lengthMismatch(String how) {
        return ErrorCode.SIZE_INVALID.exception("the body is " + how + " than its Content-Range says");
    }

    private void fail(Throwable t) {
        done.completeExceptionally(t);
    }
}
